import { Flags } from '@oclif/core';
import { Kv1ntCommand } from '../../cli/base-command.js';
import { agentOperationArgs, entryFlags, inputFromFlags } from '../../cli/feedback-flags.js';
import { describeEntry } from '../../cli/render.js';
import type { FeedbackEntry } from '../../core/index.js';

export default class FeedbackFailure extends Kv1ntCommand {
  static override summary = 'Record a failed operation (shortcut for `feedback record --type failure`).';
  static override description =
    'Takes every flag of `feedback record` but --type. A failure always scores 0, so --score is refused.';
  static override examples = [
    '<%= config.bin %> feedback failure summarizer op-43 --error-type timeout',
    '<%= config.bin %> feedback failure summarizer op-43 --error-type http_502 --message "GET https://api.example.com/v1/x failed"',
  ];
  static override args = agentOperationArgs;
  static override flags = {
    ...entryFlags,
    'error-type': Flags.string({ description: 'Kind of error, e.g. timeout.', required: true }),
  };

  async run(): Promise<FeedbackEntry> {
    const { args, flags } = await this.parse(FeedbackFailure);
    const core = await this.openCore(flags);
    const entry = await core.record(inputFromFlags(args.agent, args.operation, 'failure', flags));
    this.say(describeEntry(entry));
    return entry;
  }
}
