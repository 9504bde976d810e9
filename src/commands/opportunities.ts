import { Args, Flags } from '@oclif/core';
import { Kv1ntCommand } from '../cli/base-command.js';
import { renderOpportunities } from '../cli/analysis-view.js';
import type { Opportunity } from '../core/index.js';

export default class Opportunities extends Kv1ntCommand {
  static override summary = 'List improvement opportunities found by `kv1nt analyze`.';
  static override description =
    'Most severe first. Each has a stable id: the same finding on a later analysis updates it, and one no longer found is marked resolved.';
  static override aliases = ['optimization:opportunities'];
  static override examples = [
    '<%= config.bin %> opportunities',
    '<%= config.bin %> opportunities summarizer --status all --json',
  ];
  static override args = { agent: Args.string({ description: 'Agent id (all agents when left out)' }) };
  static override flags = {
    status: Flags.string({
      description: 'Which to list.',
      options: ['open', 'resolved', 'all'],
      default: 'open',
    }),
  };

  async run(): Promise<{ opportunities: Opportunity[] }> {
    const { args, flags } = await this.parse(Opportunities);
    const core = await this.openCore(flags);
    const opportunities = await core.opportunities(args.agent, flags.status as 'open' | 'resolved' | 'all');
    if (!this.jsonEnabled()) this.log(await renderOpportunities(opportunities, args.agent === undefined));
    return { opportunities };
  }
}
