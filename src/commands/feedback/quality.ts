import { oclifDefinition } from '../../cli/feedback-flags.js';
import { Kv1ntRecordCommand } from '../../cli/record-command.js';
import { RECORD_COMMANDS } from '../../cli/record-commands.js';
import type { FeedbackEntry } from '../../core/index.js';

// Arguments, flags and the entry they make: record-commands.ts (shared with the fast path).
const definition = oclifDefinition(RECORD_COMMANDS.quality);

export default class FeedbackQuality extends Kv1ntRecordCommand {
  static override summary =
    'Record a quality score from 0 to 1 (shortcut for `feedback record --type quality_score`).';
  static override description =
    'Takes every flag of `feedback record` but --type. Per-dimension scores (each 0–1) go into details.dimensions.';
  static override examples = [
    '<%= config.bin %> feedback quality summarizer op-44 0.85',
    '<%= config.bin %> feedback quality summarizer op-44 0.7 --dimension accuracy=0.9 --dimension brevity=0.5 --source guardian',
  ];
  static override args = definition.args;
  static override flags = definition.flags;

  run(): Promise<FeedbackEntry> {
    return this.recordWith(RECORD_COMMANDS.quality);
  }
}
