import { Args, Flags } from '@oclif/core';
import { Kv1ntCommand } from '../../cli/base-command.js';
import type { Opportunity } from '../../core/index.js';

export default class OpportunitiesDismiss extends Kv1ntCommand {
  static override summary = 'Mark an opportunity as not worth fixing.';
  static override description =
    'Its status becomes dismissed: later analyses leave it dismissed while its detector reports it at the same or a lower severity, and reopen it if the severity rises. optimize plans nothing for it, and the pre-push gate does not block on it.';
  static override examples = [
    '<%= config.bin %> opportunities dismiss opp_3f2a91c0 --reason "the upstream API is slow by contract"',
  ];
  static override args = {
    id: Args.string({ description: 'Opportunity id, or a unique prefix of it', required: true }),
  };
  static override flags = { reason: Flags.string({ description: 'Why, for whoever reads it later.' }) };

  async run(): Promise<Opportunity> {
    const { args, flags } = await this.parse(OpportunitiesDismiss);
    const core = await this.openCore(flags);
    const opportunity = await core.dismissOpportunity(args.id, flags.reason);
    this.say(
      `Dismissed ${opportunity.id} (${opportunity.severity} ${opportunity.type}): ${opportunity.title}`,
    );
    return opportunity;
  }
}
