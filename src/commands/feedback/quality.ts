import { Args, Flags } from '@oclif/core';
import { Kv1ntCommand } from '../../cli/base-command.js';
import {
  agentOperationArgs,
  entryFlags,
  inputFromFlags,
  parseNumber,
  parsePairs,
} from '../../cli/feedback-flags.js';
import { describeEntry } from '../../cli/render.js';
import { invalidInput } from '../../core/errors.js';
import type { FeedbackEntry } from '../../core/index.js';

export default class FeedbackQuality extends Kv1ntCommand {
  static override summary =
    'Record a quality score from 0 to 1 (shortcut for `feedback record --type quality_score`).';
  static override description =
    'Takes every flag of `feedback record` but --type. Per-dimension scores (each 0–1) go into details.dimensions.';
  static override examples = [
    '<%= config.bin %> feedback quality summarizer op-44 0.85',
    '<%= config.bin %> feedback quality summarizer op-44 0.7 --dimension accuracy=0.9 --dimension brevity=0.5 --source guardian',
  ];
  static override args = {
    ...agentOperationArgs,
    score: Args.string({ description: 'Quality score from 0 to 1', required: true }),
  };
  static override flags = {
    ...entryFlags,
    dimension: Flags.string({
      description: 'A per-dimension score as name=value, 0–1 (repeatable).',
      multiple: true,
      multipleNonGreedy: true,
    }),
  };

  async run(): Promise<FeedbackEntry> {
    const { args, flags } = await this.parse(FeedbackQuality);
    if (flags.score !== undefined)
      throw invalidInput('Give the score as the third argument, not with --score.');
    const input = inputFromFlags(args.agent, args.operation, 'quality_score', {
      ...flags,
      score: args.score,
    });
    input.score = parseNumber('score', args.score);
    if (flags.dimension && flags.dimension.length > 0) {
      const dimensions = parsePairs('--dimension', flags.dimension);
      for (const [name, value] of Object.entries(dimensions)) {
        if (value < 0 || value > 1)
          throw invalidInput(
            `--dimension ${name}=${value} is out of range: a dimension score is from 0 to 1.`,
          );
      }
      input.details = { ...input.details, dimensions };
    }
    const core = await this.openCore(flags);
    const entry = await core.record(input);
    this.say(describeEntry(entry));
    return entry;
  }
}
