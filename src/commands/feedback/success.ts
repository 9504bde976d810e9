import { Kv1ntCommand } from '../../cli/base-command.js';
import { agentOperationArgs, entryFlags, inputFromFlags } from '../../cli/feedback-flags.js';
import { describeEntry } from '../../cli/render.js';
import type { FeedbackEntry } from '../../core/index.js';

export default class FeedbackSuccess extends Kv1ntCommand {
  static override summary = 'Record a successful operation (shortcut for `feedback record --type success`).';
  static override description = 'Takes every flag of `feedback record` but --type. The score defaults to 1.';
  static override examples = [
    '<%= config.bin %> feedback success summarizer op-42',
    '<%= config.bin %> feedback success summarizer op-42 --score 0.9 --duration-ms 1200',
  ];
  static override args = agentOperationArgs;
  static override flags = entryFlags;

  async run(): Promise<FeedbackEntry> {
    const { args, flags } = await this.parse(FeedbackSuccess);
    const core = await this.openCore(flags);
    const entry = await core.record(inputFromFlags(args.agent, args.operation, 'success', flags));
    this.say(describeEntry(entry));
    return entry;
  }
}
