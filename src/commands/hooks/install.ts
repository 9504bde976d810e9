import { Kv1ntCommand } from '../../cli/base-command.js';
import { chosenHooks, currentEntry, hookFlag, renderChanges } from '../../cli/hooks-view.js';
import { installHooks, type HooksChangeReport } from '../../core/index.js';

export default class HooksInstall extends Kv1ntCommand {
  static override summary =
    "Install kv1nt's git hooks (pre-push gate, post-commit test recording) in this repository.";
  static override description = `The hooks go where git looks for them: core.hooksPath when it is set (husky, a shared team folder…), else the repository's hooks folder, shared by its linked worktrees. A hook that is already there is kept: it is moved aside as <hook>.kv1nt-orig and runs first, with the same arguments and stdin; its failure stops git as before. Installing again changes nothing; \`kv1nt hooks uninstall\` puts the earlier hooks back byte for byte. Under husky 9 (core.hooksPath = .husky/_) nothing is installed: the error says which line to add to each .husky/<hook> script.

The hooks call this kv1nt by absolute path (its node binary and bin/run.js), so they work from any git client, whatever its PATH; if it is gone they do nothing. What they check comes from the \`hooks\` key of the config found from the repository root. KV1NT_SKIP_HOOKS=1 skips kv1nt's part of every hook.`;
  static override examples = [
    '<%= config.bin %> hooks install',
    '<%= config.bin %> hooks install --hook pre-push',
  ];
  static override flags = { hook: hookFlag };

  async run(): Promise<HooksChangeReport> {
    const { flags } = await this.parse(HooksInstall);
    const report = await installHooks(
      process.cwd(),
      chosenHooks(flags.hook),
      currentEntry(this.config),
      flags.config ?? process.env.KV1NT_CONFIG,
    );
    this.say(renderChanges(report));
    return report;
  }
}
