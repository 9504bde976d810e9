import { Kv1ntCommand } from '../../cli/base-command.js';
import { renderStatus } from '../../cli/status-view.js';
import type { StatusReport } from '../../core/index.js';

export default class FeedbackStatus extends Kv1ntCommand {
  static override summary =
    "Show the feedback engine's status: counts, last runs, its store files and sizes.";
  static override examples = [
    '<%= config.bin %> feedback status',
    '<%= config.bin %> feedback status --json',
  ];

  async run(): Promise<StatusReport> {
    const { flags } = await this.parse(FeedbackStatus);
    const core = await this.openCore(flags);
    const report = await core.status('feedback');
    if (!this.jsonEnabled()) this.log(await renderStatus(report));
    return report;
  }
}
