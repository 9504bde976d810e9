import { Args, Flags } from '@oclif/core';
import { Kv1ntCommand } from '../cli/base-command.js';
import { renderRollback } from '../cli/optimize-view.js';
import { EXIT_RUNTIME, invalidInput } from '../core/errors.js';
import type { RollbackReport } from '../core/index.js';

export default class Rollback extends Kv1ntCommand {
  static override summary = 'Restore the agent folder as it was before an optimization result.';
  static override description =
    "Undoes the result as a unit: every change it kept (and the closed loop did not revert), newest first, from the backups in the data dir, judged against the result's final state (two kept actions on the same file need no --force). Refuses (exit 1) when a newer kept result changed the same files, naming it (roll that back first); and when the folder was edited since, with the files concerned, so a later edit is not lost — --force restores anyway.\n\nThe result id may be shortened to a unique prefix (at least 4 characters after `res_`, the `res_` optional). --last <agent> picks the agent's most recent result that still has a change in its folder.";
  static override examples = [
    '<%= config.bin %> rollback res_0193…',
    '<%= config.bin %> rollback 0193ab5f',
    '<%= config.bin %> rollback --last summarizer',
    '<%= config.bin %> rollback res_0193… --force',
  ];
  static override args = {
    resultId: Args.string({ description: 'Result id, or a unique prefix of it (from optimize or history)' }),
  };
  static override flags = {
    force: Flags.boolean({ description: 'Restore even if the files changed since.' }),
    last: Flags.string({
      description: "Roll back this agent's most recent result that still has a change in its folder.",
      helpValue: '<agent>',
    }),
  };

  async run(): Promise<RollbackReport> {
    const { args, flags } = await this.parse(Rollback);
    if ((args.resultId === undefined) === (flags.last === undefined))
      throw invalidInput('Give a result id or --last <agent> (not both).', [
        'kv1nt rollback res_0193ab5f',
        'kv1nt rollback --last summarizer',
      ]);
    const core = await this.openCore(flags);
    const report = await core.rollback(args.resultId ?? { last: flags.last! }, { force: flags.force });
    if (report.status === 'refused') process.exitCode = EXIT_RUNTIME;
    if (this.jsonEnabled()) return report;
    if (report.status === 'refused') process.stderr.write(`${renderRollback(report)}\n`);
    else this.log(renderRollback(report));
    return report;
  }
}
