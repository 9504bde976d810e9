import { Kv1ntCommand } from '../../cli/base-command.js';
import { optionalAgentArg, renderStats } from '../../cli/status-view.js';
import type { StatsReport } from '../../core/index.js';

export default class OptimizationStats extends Kv1ntCommand {
  static override summary = "Show the optimization engine's all-time statistics per agent.";
  static override examples = [
    '<%= config.bin %> optimization stats',
    '<%= config.bin %> optimization stats summarizer --json',
  ];
  static override args = optionalAgentArg;

  async run(): Promise<StatsReport> {
    const { args, flags } = await this.parse(OptimizationStats);
    const core = await this.openCore(flags);
    const report = await core.stats(args.agent, 'optimization');
    if (!this.jsonEnabled()) this.log(await renderStats(report));
    return report;
  }
}
