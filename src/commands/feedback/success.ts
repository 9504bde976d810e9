import { oclifDefinition } from '../../cli/feedback-flags.js';
import { Kv1ntRecordCommand } from '../../cli/record-command.js';
import { RECORD_COMMANDS } from '../../cli/record-commands.js';
import type { FeedbackEntry } from '../../core/index.js';

// Arguments, flags and the entry they make: record-commands.ts (shared with the fast path).
const definition = oclifDefinition(RECORD_COMMANDS.success);

export default class FeedbackSuccess extends Kv1ntRecordCommand {
  static override summary = 'Record a successful operation (shortcut for `feedback record --type success`).';
  static override description = 'Takes every flag of `feedback record` but --type. The score defaults to 1.';
  static override examples = [
    '<%= config.bin %> feedback success summarizer op-42',
    '<%= config.bin %> feedback success summarizer op-42 --score 0.9 --duration-ms 1200',
  ];
  static override args = definition.args;
  static override flags = definition.flags;

  run(): Promise<FeedbackEntry> {
    return this.recordWith(RECORD_COMMANDS.success);
  }
}
