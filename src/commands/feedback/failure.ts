import { oclifDefinition } from '../../cli/feedback-flags.js';
import { Kv1ntRecordCommand } from '../../cli/record-command.js';
import { RECORD_COMMANDS } from '../../cli/record-commands.js';
import type { FeedbackEntry } from '../../core/index.js';

// Arguments, flags and the entry they make: record-commands.ts (shared with the fast path).
const definition = oclifDefinition(RECORD_COMMANDS.failure);

export default class FeedbackFailure extends Kv1ntRecordCommand {
  static override summary = 'Record a failed operation (shortcut for `feedback record --type failure`).';
  static override description =
    'Takes every flag of `feedback record` but --type. A failure always scores 0, so --score is refused.';
  static override examples = [
    '<%= config.bin %> feedback failure summarizer op-43 --error-type timeout',
    '<%= config.bin %> feedback failure summarizer op-43 --error-type http_502 --message "GET https://api.example.com/v1/x failed"',
  ];
  static override args = definition.args;
  static override flags = definition.flags;

  run(): Promise<FeedbackEntry> {
    return this.recordWith(RECORD_COMMANDS.failure);
  }
}
