import { oclifDefinition } from '../../cli/feedback-flags.js';
import { Kv1ntRecordCommand } from '../../cli/record-command.js';
import { RECORD_COMMANDS } from '../../cli/record-commands.js';
import type { FeedbackEntry } from '../../core/index.js';

// Arguments, flags and the entry they make: record-commands.ts (shared with the fast path).
const definition = oclifDefinition(RECORD_COMMANDS.record);

export default class FeedbackRecord extends Kv1ntRecordCommand {
  static override summary = 'Record the outcome of one operation of an agent.';
  static override description = `Appends one entry to the feedback log. The entry is durable (fsync'ed) before the command returns; with --json it is printed with its id.

Types: success (score 0–1, default 1), failure (score always 0), quality_score, performance, coverage, security, documentation (score 0–1, required), user_rating (--rating 1–5, stored as (rating−1)/4). Sources: agent (default), guardian, user, system, test, flock.`;
  static override examples = [
    '<%= config.bin %> feedback record summarizer op-42 --type success --duration-ms 840',
    '<%= config.bin %> feedback record summarizer op-43 --type failure --error-type timeout --message "upstream took 30s"',
    '<%= config.bin %> feedback record summarizer op-44 --type coverage --score 0.82 --source test',
    '<%= config.bin %> feedback record summarizer op-45 --type performance --score 0.7 --metric memoryMb=612 --metric cpuPercent=91',
  ];
  static override args = definition.args;
  static override flags = definition.flags;

  run(): Promise<FeedbackEntry> {
    return this.recordWith(RECORD_COMMANDS.record);
  }
}
