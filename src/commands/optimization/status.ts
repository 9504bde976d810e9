import { Kv1ntCommand } from '../../cli/base-command.js';
import { renderStatus } from '../../cli/status-view.js';
import type { StatusReport } from '../../core/index.js';

export default class OptimizationStatus extends Kv1ntCommand {
  static override summary =
    "Show the optimization engine's status: counts, last runs, its store files and sizes.";
  static override examples = [
    '<%= config.bin %> optimization status',
    '<%= config.bin %> optimization status --json',
  ];

  async run(): Promise<StatusReport> {
    const { flags } = await this.parse(OptimizationStatus);
    const core = await this.openCore(flags);
    const report = await core.status('optimization');
    if (!this.jsonEnabled()) this.log(await renderStatus(report));
    return report;
  }
}
