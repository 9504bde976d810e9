import { Args, Flags } from '@oclif/core';
import { Kv1ntCommand } from '../../cli/base-command.js';
import { agentOperationArgs, entryFlags, inputFromFlags, parseNumber } from '../../cli/feedback-flags.js';
import { describeEntry } from '../../cli/render.js';
import type { FeedbackEntry } from '../../core/index.js';

export default class FeedbackRate extends Kv1ntCommand {
  static override summary =
    "Record a user's rating from 1 to 5 (shortcut for `feedback record --type user_rating`).";
  static override description =
    'Takes every flag of `feedback record` but --type. The rating is stored as a score of (rating − 1) / 4, and the raw rating is kept.';
  static override examples = [
    '<%= config.bin %> feedback rate summarizer op-45 4',
    '<%= config.bin %> feedback rate summarizer op-45 2 --comment "missed the key point"',
  ];
  static override args = {
    ...agentOperationArgs,
    rating: Args.string({ description: 'Rating from 1 to 5', required: true }),
  };
  static override flags = {
    ...entryFlags,
    comment: Flags.string({ description: "The user's comment (kept in details.comment)." }),
  };

  async run(): Promise<FeedbackEntry> {
    const { args, flags } = await this.parse(FeedbackRate);
    const input = inputFromFlags(args.agent, args.operation, 'user_rating', flags);
    input.rating = parseNumber('rating', args.rating);
    if (flags.comment !== undefined) input.details = { ...input.details, comment: flags.comment };
    const core = await this.openCore(flags);
    const entry = await core.record(input);
    this.say(describeEntry(entry));
    return entry;
  }
}
