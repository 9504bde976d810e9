import { Kv1ntCommand } from '../cli/base-command.js';
import { optionalAgentArg, renderStats } from '../cli/status-view.js';
import type { StatsReport } from '../core/index.js';

export default class Stats extends Kv1ntCommand {
  static override summary = 'Show all-time statistics per agent from both engines.';
  static override examples = ['<%= config.bin %> stats', '<%= config.bin %> stats summarizer --json'];
  static override args = optionalAgentArg;

  async run(): Promise<StatsReport> {
    const { args, flags } = await this.parse(Stats);
    const core = await this.openCore(flags);
    const report = await core.stats(args.agent, 'all');
    if (!this.jsonEnabled()) this.log(await renderStats(report));
    return report;
  }
}
