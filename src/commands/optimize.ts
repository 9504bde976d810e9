import { Args, Flags } from '@oclif/core';
import { Kv1ntCommand } from '../cli/base-command.js';
import { chooseActions } from '../cli/choose-actions.js';
import { optimizeProgress, renderPlan, renderResult } from '../cli/optimize-view.js';
import { invalidInput } from '../core/errors.js';
import { STRATEGY_NAMES, type DryRun, type OptimizationResult } from '../core/index.js';

export default class Optimize extends Kv1ntCommand {
  static override summary =
    "Try improvements in a copy of the agent and keep those that pass the agent's tests.";
  static override description = `Decides the agent's open verifications first (the closed loop: see \`kv1nt verify\`), analyses the current feedback, asks the strategy plugins for actions on the open opportunities that no verification holds, and stores the plan (--dry-run: all of it in memory, nothing written). Actions for HIGH and CRITICAL opportunities need approval: --yes, a prompt on a terminal, or the config's approval.command (plan as JSON on stdin, exit 0 approves); otherwise they wait (status pending_approval) for \`kv1nt approve <planId>\` and \`kv1nt optimize <agent> --plan <planId>\`.

The agent's tests first run once on an unchanged copy (the baseline). Then each action is applied in a fresh copy of the agent folder and the agent's test command runs there (testTimeoutMs; on time-out the whole process tree is killed). Tests pass: the change is written into the agent folder as a journaled transaction, backed up for \`kv1nt rollback\`. Tests fail: the copy is dropped, the folder stays byte for byte as it was.

A param is tuned by a search: it starts where the evidence points, steps out toward its bound while the tests fail and bisects back to the smallest passing value, within maxTestRuns (6) test runs, shown in the plan. Every kept change is then verified against the feedback that follows it, and rolled back when it made things worse.

Strategies: conservative (low-risk actions, one at a time), minimal (HIGH and CRITICAL only), comprehensive (every opportunity, each validated), aggressive (all at once with larger first steps; on failure, bisection keeps the actions that pass, and the others go on alone), auto (comprehensive under health 50, conservative under 80, minimal from 80; configurable with autoPolicy; prefers the action types the closed loop confirmed for the agent).`;
  static override examples = [
    '<%= config.bin %> optimize summarizer --dry-run',
    '<%= config.bin %> optimize summarizer --strategy conservative',
    '<%= config.bin %> optimize summarizer --yes --json',
    '<%= config.bin %> optimize summarizer --plan plan_0193… ',
    '<%= config.bin %> optimize summarizer -i',
  ];
  static override args = { agent: Args.string({ description: 'Agent id', required: true }) };
  static override flags = {
    strategy: Flags.string({
      description: 'How to choose and apply actions.',
      options: [...STRATEGY_NAMES],
      default: 'auto',
    }),
    yes: Flags.boolean({ char: 'y', description: 'Approve the actions of HIGH and CRITICAL opportunities.' }),
    'dry-run': Flags.boolean({
      description:
        'Print the plan and stop: nothing is stored, copied or changed; the data dir is left byte for byte as it was.',
    }),
    plan: Flags.string({
      description: 'Carry out a stored plan that was waiting for approval (its id, or a unique prefix).',
    }),
    interactive: Flags.boolean({
      char: 'i',
      description:
        'Choose the actions to try from a checklist (needs a terminal); ticking a HIGH or CRITICAL one approves it.',
      exclusive: ['dry-run'],
    }),
  };

  async run(): Promise<OptimizationResult | DryRun> {
    const { args, flags } = await this.parse(Optimize);
    if (flags.interactive && !(process.stdin.isTTY && process.stderr.isTTY))
      throw invalidInput(
        '-i (--interactive) shows a checklist on a terminal, and stdin or stderr is not one.',
        [
          `Approve without a terminal: kv1nt optimize ${args.agent} --yes`,
          'Or: kv1nt approve <planId>, then kv1nt optimize <agent> --plan <planId>',
          "Or let a program decide: the config's approval.command.",
        ],
      );
    const core = await this.openCore(flags);
    const interactive = !this.jsonEnabled() && Boolean(process.stdin.isTTY) && Boolean(process.stderr.isTTY);
    // The first event comes after the approval: no progress line competes with its prompt.
    const outcome = await this.withProgress((progress) =>
      core.optimize(args.agent, {
        strategy: flags.strategy as (typeof STRATEGY_NAMES)[number],
        yes: flags.yes,
        dryRun: flags['dry-run'],
        planId: flags.plan,
        interactive,
        choose: flags.interactive ? chooseActions : undefined,
        onEvent: optimizeProgress(progress),
      }),
    );
    if (!this.jsonEnabled())
      this.log(outcome.status === 'dry_run' ? await renderPlan(outcome) : renderResult(outcome));
    const waiting =
      outcome.status !== 'dry_run' && outcome.actions.some((a) => a.status === 'pending_approval');
    if (flags.interactive && waiting)
      this.say(
        `What was not chosen or approved waits with the plan: kv1nt approve ${outcome.planId}, then kv1nt optimize ${args.agent} --plan ${outcome.planId}`,
      );
    return outcome;
  }
}
