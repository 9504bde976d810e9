import type { ProcessRunner } from '../runner/runner.js';
import type { OptimizationPlan, PlanAction } from './plan.js';

export type { ApprovalDecision, ApprovalSource } from '../model/optimization.js';
import type { ApprovalDecision } from '../model/optimization.js';

export interface ApprovalOptions {
  /** `--yes`. */
  yes: boolean;
  /** The plan was approved earlier with `kv1nt approve`. */
  preApproved: boolean;
  /** The config's approval.command. */
  command?: { command: string; timeoutMs?: number | undefined } | undefined;
  /** The person chose these actions in `optimize -i`'s checklist: the tick is the approval. */
  chosen?: boolean;
  /** Whether a person can be asked (stdin and stderr are terminals, and not --json). */
  interactive: boolean;
  cwd: string;
  /** Runs the approval command. */
  runner: ProcessRunner;
}

/**
 * The gate before any change of a HIGH or CRITICAL item, asked once per plan, in the order of
 * precedence: `--yes`, an earlier `kv1nt approve`, the config's approval command (exit 0
 * approves; anything else, a time-out included, does not), a tick in `optimize -i`'s checklist,
 * a prompt on a terminal. Nobody to ask:
 * not approved, and the plan waits as pending_approval.
 */
export async function decideApproval(
  plan: OptimizationPlan,
  gated: readonly PlanAction[],
  options: ApprovalOptions,
): Promise<ApprovalDecision> {
  if (options.yes) return { approved: true, source: 'flag', detail: 'approved with --yes' };
  if (options.preApproved)
    return { approved: true, source: 'approve_command', detail: `approved with kv1nt approve ${plan.id}` };
  if (options.command) return runApprovalCommand(plan, options.command, options.cwd, options.runner);
  if (options.chosen)
    return { approved: true, source: 'prompt', detail: 'approved by choosing it in the checklist (-i)' };
  if (options.interactive) return askOnTerminal(gated);
  return {
    approved: false,
    source: 'none',
    detail: `waiting for approval: kv1nt approve ${plan.id}, then kv1nt optimize ${plan.agentId} --plan ${plan.id}`,
  };
}

async function runApprovalCommand(
  plan: OptimizationPlan,
  approval: { command: string; timeoutMs?: number | undefined },
  cwd: string,
  runner: ProcessRunner,
): Promise<ApprovalDecision> {
  const { actions, ...rest } = plan;
  const input = JSON.stringify({ ...rest, actions: actions.map(({ action: _own, ...shown }) => shown) });
  const run = await runner.runTests(approval.command, {
    cwd,
    timeoutMs: approval.timeoutMs ?? 60_000,
    input,
  });
  const approved = run.status === 'passed';
  const outcome = run.timedOut
    ? `timed out after ${approval.timeoutMs ?? 60_000} ms`
    : (run.error ?? `exited with ${run.exitCode ?? run.signal}`);
  return {
    approved,
    source: 'command',
    detail: approved
      ? `approved by the approval command (${approval.command})`
      : `not approved: the approval command ${outcome}${run.outputTail.trim() ? `: ${run.outputTail.trim().slice(-300)}` : ''}`,
  };
}

async function askOnTerminal(gated: readonly PlanAction[]): Promise<ApprovalDecision> {
  const { default: confirm } = await import('@inquirer/confirm');
  const list = gated.map((a) => `  • [${a.severity}] ${a.description}`).join('\n');
  process.stderr.write(`These actions need approval:\n${list}\n`);
  const approved = await confirm(
    {
      message: `Apply ${gated.length === 1 ? 'it' : `these ${gated.length}`} if the tests pass?`,
      default: false,
    },
    { output: process.stderr },
  );
  return {
    approved,
    source: 'prompt',
    detail: approved ? 'approved at the prompt' : 'declined at the prompt',
  };
}
