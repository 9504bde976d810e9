import { oclifDefinition } from '../../cli/feedback-flags.js';
import { Kv1ntRecordCommand } from '../../cli/record-command.js';
import { RECORD_COMMANDS } from '../../cli/record-commands.js';
import type { FeedbackEntry } from '../../core/index.js';

// Arguments, flags and the entry they make: record-commands.ts (shared with the fast path).
const definition = oclifDefinition(RECORD_COMMANDS.rate);

export default class FeedbackRate extends Kv1ntRecordCommand {
  static override summary =
    "Record a user's rating from 1 to 5 (shortcut for `feedback record --type user_rating`).";
  static override description =
    'Takes every flag of `feedback record` but --type. The rating is stored as a score of (rating − 1) / 4, and the raw rating is kept.';
  static override examples = [
    '<%= config.bin %> feedback rate summarizer op-45 4',
    '<%= config.bin %> feedback rate summarizer op-45 2 --comment "missed the key point"',
  ];
  static override args = definition.args;
  static override flags = definition.flags;

  run(): Promise<FeedbackEntry> {
    return this.recordWith(RECORD_COMMANDS.rate);
  }
}
