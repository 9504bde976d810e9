import { Kv1ntCommand } from '../../cli/base-command.js';
import {
  agentOperationArgs,
  entryFlags,
  inputFromFlags,
  parseNumber,
  ratingFlag,
  typeFlag,
} from '../../cli/feedback-flags.js';
import { describeEntry } from '../../cli/render.js';
import type { FeedbackEntry } from '../../core/index.js';

export default class FeedbackRecord extends Kv1ntCommand {
  static override summary = 'Record the outcome of one operation of an agent.';
  static override description = `Appends one entry to the feedback log. The entry is durable (fsync'ed) before the command returns; with --json it is printed with its id.

Types: success (score 0–1, default 1), failure (score always 0), quality_score, performance, coverage, security, documentation (score 0–1, required), user_rating (--rating 1–5, stored as (rating−1)/4). Sources: agent (default), guardian, user, system, test, flock.`;
  static override examples = [
    '<%= config.bin %> feedback record summarizer op-42 --type success --duration-ms 840',
    '<%= config.bin %> feedback record summarizer op-43 --type failure --error-type timeout --message "upstream took 30s"',
    '<%= config.bin %> feedback record summarizer op-44 --type coverage --score 0.82 --source test',
    '<%= config.bin %> feedback record summarizer op-45 --type performance --score 0.7 --metric memoryMb=612 --metric cpuPercent=91',
  ];
  static override args = agentOperationArgs;
  static override flags = { type: typeFlag, rating: ratingFlag, ...entryFlags };

  async run(): Promise<FeedbackEntry> {
    const { args, flags } = await this.parse(FeedbackRecord);
    const input = inputFromFlags(args.agent, args.operation, flags.type, flags);
    if (flags.rating !== undefined) input.rating = parseNumber('--rating', flags.rating);
    const core = await this.openCore(flags);
    const entry = await core.record(input);
    this.say(describeEntry(entry));
    return entry;
  }
}
