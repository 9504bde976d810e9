import { Kv1ntCommand } from '../cli/base-command.js';
import { renderStatus } from '../cli/status-view.js';
import type { StatusReport } from '../core/index.js';

export default class Status extends Kv1ntCommand {
  static override summary =
    'Show both engines: agents, counts, last runs, store files and sizes, plugins, data dir.';
  static override examples = ['<%= config.bin %> status', '<%= config.bin %> status --json'];

  async run(): Promise<StatusReport> {
    const { flags } = await this.parse(Status);
    const core = await this.openCore(flags);
    const report = await core.status('all');
    if (!this.jsonEnabled()) this.log(await renderStatus(report));
    return report;
  }
}
