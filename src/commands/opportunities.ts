import { Args, Flags } from '@oclif/core';
import { Kv1ntCommand } from '../cli/base-command.js';
import { renderOpportunities } from '../cli/analysis-view.js';
import type { Opportunity, OpportunityStatusFilter } from '../core/index.js';
import { OPPORTUNITY_TYPES, SEVERITIES, type OpportunityType, type Severity } from '../core/sdk/index.js';

export default class Opportunities extends Kv1ntCommand {
  static override summary = 'List improvement opportunities found by `kv1nt analyze`.';
  static override description =
    'Most severe first. Each has a stable id: the same finding on a later analysis updates it, and one no longer found is marked resolved. `kv1nt opportunities dismiss <id>` marks one not worth fixing; one whose detector is no longer loaded is closed as detector_gone by the next analyze.';
  static override aliases = ['optimization:opportunities'];
  static override examples = [
    '<%= config.bin %> opportunities',
    '<%= config.bin %> opportunities summarizer --status all --json',
    '<%= config.bin %> opportunities --type error_pattern --severity HIGH',
  ];
  static override args = { agent: Args.string({ description: 'Agent id (all agents when left out)' }) };
  static override flags = {
    status: Flags.string({
      description: 'Which to list.',
      options: ['open', 'resolved', 'verifying', 'dismissed', 'detector_gone', 'all'],
      default: 'open',
    }),
    type: Flags.string({ description: 'Only this opportunity type.', options: [...OPPORTUNITY_TYPES] }),
    severity: Flags.string({ description: 'Only this severity.', options: [...SEVERITIES] }),
  };

  async run(): Promise<{ opportunities: Opportunity[] }> {
    const { args, flags } = await this.parse(Opportunities);
    const core = await this.openCore(flags);
    const opportunities = await core.opportunities(args.agent, {
      status: flags.status as OpportunityStatusFilter,
      type: flags.type as OpportunityType | undefined,
      severity: flags.severity as Severity | undefined,
    });
    if (!this.jsonEnabled()) this.log(await renderOpportunities(opportunities, args.agent === undefined));
    return { opportunities };
  }
}
