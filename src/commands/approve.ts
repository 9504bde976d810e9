import { Args } from '@oclif/core';
import { Kv1ntCommand } from '../cli/base-command.js';
import { renderPlan } from '../cli/optimize-view.js';
import type { OptimizationPlan } from '../core/index.js';

export default class Approve extends Kv1ntCommand {
  static override summary = 'Approve a plan that waits for approval (its HIGH and CRITICAL actions).';
  static override description =
    "Marks every action of the plan as approved. Nothing changes yet: `kv1nt optimize <agent> --plan <planId>` then carries it out, each action still validated by the agent's tests.";
  static override examples = [
    '<%= config.bin %> approve plan_0193…',
    '<%= config.bin %> optimize summarizer --plan plan_0193…',
  ];
  static override args = {
    planId: Args.string({
      description: 'Plan id (from optimize or history), or a unique prefix of it',
      required: true,
    }),
  };

  async run(): Promise<OptimizationPlan> {
    const { args, flags } = await this.parse(Approve);
    const core = await this.openCore(flags);
    const plan = await core.approve(args.planId);
    this.say(
      `${await renderPlan(plan)}\nApproved. Carry it out with: kv1nt optimize ${plan.agentId} --plan ${plan.id}`,
    );
    return plan;
  }
}
