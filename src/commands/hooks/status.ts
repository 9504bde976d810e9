import { Kv1ntCommand } from '../../cli/base-command.js';
import { chosenHooks, hookFlag, renderStatus } from '../../cli/hooks-view.js';
import { hooksStatus, type HooksReport } from '../../core/index.js';

export default class HooksStatus extends Kv1ntCommand {
  static override summary = "Show which of kv1nt's git hooks are installed in this repository.";
  static override description =
    'Each hook is installed, chained (installed, with the earlier hook kept and run first), not installed, foreign (a hook that is not kv1nt’s), husky or lefthook (called from your husky script or lefthook config), or moved_by_lefthook (kv1nt’s script in <hook>.old, which lefthook never runs). A hook whose node binary or kv1nt is gone is marked stale, naming what is missing; one whose onError differs from the config is marked outdated.';
  static override examples = ['<%= config.bin %> hooks status', '<%= config.bin %> hooks status --json'];
  static override flags = { hook: hookFlag };

  async run(): Promise<HooksReport> {
    const { flags } = await this.parse(HooksStatus);
    const report = await hooksStatus(
      process.cwd(),
      chosenHooks(flags.hook),
      flags.config ?? process.env.KV1NT_CONFIG,
    );
    this.say(renderStatus(report));
    return report;
  }
}
