import { Kv1ntCommand } from '../../cli/base-command.js';
import { chosenHooks, hookFlag, renderStatus } from '../../cli/hooks-view.js';
import { hooksStatus, type HooksReport } from '../../core/hooks/install.js';

export default class HooksStatus extends Kv1ntCommand {
  static override summary = "Show which of kv1nt's git hooks are installed in this repository.";
  static override description =
    'Each hook is installed, chained (installed, with the earlier hook kept and run first), not installed, or foreign (a hook that is not kv1nt’s). A hook whose kv1nt is gone is marked stale.';
  static override examples = ['<%= config.bin %> hooks status', '<%= config.bin %> hooks status --json'];
  static override flags = { hook: hookFlag };

  async run(): Promise<HooksReport> {
    const { flags } = await this.parse(HooksStatus);
    const report = await hooksStatus(process.cwd(), chosenHooks(flags.hook));
    this.say(renderStatus(report));
    return report;
  }
}
