import { Kv1ntCommand } from '../../cli/base-command.js';
import { chosenHooks, hookFlag, renderChanges } from '../../cli/hooks-view.js';
import { uninstallHooks, type HooksChangeReport } from '../../core/index.js';

export default class HooksUninstall extends Kv1ntCommand {
  static override summary = "Remove kv1nt's git hooks and restore the hooks they replaced, byte for byte.";
  static override description =
    'A hook that is not kv1nt’s (someone replaced ours) is left alone, and so is the earlier hook kept next to it.';
  static override examples = [
    '<%= config.bin %> hooks uninstall',
    '<%= config.bin %> hooks uninstall --hook post-commit',
  ];
  static override flags = { hook: hookFlag };

  async run(): Promise<HooksChangeReport> {
    const { flags } = await this.parse(HooksUninstall);
    const report = await uninstallHooks(process.cwd(), chosenHooks(flags.hook));
    this.say(renderChanges(report));
    return report;
  }
}
