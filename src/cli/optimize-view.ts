import type { Progress } from './progress.js';
import { table } from './render.js';
import { severity } from './severity.js';
import { cut, terminal, when } from './terminal.js';
import type {
  ActionResult,
  DryRun,
  OptimizationPlan,
  OptimizationResult,
  ProgressEvent,
  RollbackReport,
  TestSummary,
} from '../core/index.js';

const MARK: Record<string, string> = {
  applied: '✔ applied',
  rolled_back: '✘ rolled back',
  failed: '✘ failed',
  conflict: '! conflict',
  no_op: '· no change',
  pending_approval: '⏸ pending approval',
  planned: '· planned',
};

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function testLine(test: TestSummary | null): string {
  if (!test) return 'not tested';
  if (test.timedOut) return `tests timed out after ${seconds(test.durationMs)}`;
  return `tests exit ${test.exitCode ?? 'signal'} in ${seconds(test.durationMs)}`;
}

export async function renderPlan(plan: OptimizationPlan | DryRun): Promise<string> {
  const lines = [
    `Plan ${plan.id} for ${plan.agentId}: strategy ${plan.strategy} → ${plan.policy} (${plan.policyReason})`,
  ];
  if (plan.actions.length === 0) lines.push('No actions: nothing to change.');
  else
    lines.push(
      await table(
        ['action', 'severity', 'risk', 'type', 'test runs', 'description', 'approval'],
        plan.actions.map((a) => [
          a.id,
          a.severity,
          a.risk,
          a.type,
          a.search ? `≤ ${a.maxTestRuns}` : (a.maxTestRuns ?? 1),
          a.description,
          a.needsApproval ? (a.approved ? 'approved' : 'needed') : '—',
        ]),
        { keep: ['action'], paint: { severity } },
      ),
    );
  for (const skipped of plan.skipped) lines.push(`  skipped ${skipped.type}: ${skipped.reason}`);
  for (const held of plan.verifying ?? [])
    lines.push(
      `  waiting ${held.type}: a kept change for it is being verified (${held.verificationId ?? '—'})`,
    );
  if (plan.status === 'dry_run') lines.push('Dry run: nothing was stored, copied or changed.');
  return lines.join('\n');
}

export function renderResult(result: OptimizationResult): string {
  const lines = [
    `Optimization ${result.id} of ${result.agentId} (plan ${result.planId}, ${result.strategy} → ${result.policy})`,
  ];
  if (result.baseline)
    lines.push(
      `Baseline: ${result.baseline.passed ? 'tests pass' : 'TESTS FAIL before any change'} (${testLine(result.baseline)})`,
    );
  if (result.approval) lines.push(`Approval: ${result.approval.detail}`);
  for (const action of result.actions) lines.push(...actionLines(action));
  if (result.actions.length === 0) lines.push('Nothing to do: no open opportunity led to an action.');
  for (const warning of result.warnings)
    lines.push(
      `warning: ${warning.plugin}${warning.component ? ` (${warning.component})` : ''}: ${warning.error}`,
    );
  lines.push(`Status: ${result.status}.`);
  if (result.actions.some((a) => a.status === 'applied' && !a.revertedAt)) {
    lines.push(
      `Each kept change is now verified against the feedback that follows: kv1nt verify ${result.agentId}`,
    );
    lines.push(`Undo with: kv1nt rollback ${result.id}`);
  }
  return lines.join('\n');
}

function actionLines(action: ActionResult): string[] {
  const kept = action.candidate === undefined ? '' : ` (kept ${JSON.stringify(action.candidate)})`;
  const head = `  ${(MARK[action.status] ?? action.status).padEnd(20)} `;
  // The description gives way to the terminal's width; what was kept stays whole.
  const { width } = terminal();
  const description = cut(
    action.description,
    width === null ? null : Math.max(20, width - head.length - kept.length),
  );
  const lines = [`${head}${description}${kept}`];
  if (action.attempts.length > 0) lines.push(`      ${testLine(action.test)}`);
  if (action.changes.length > 0)
    lines.push(
      `      changed: ${action.changes.slice(0, 8).join(', ')}${action.changes.length > 8 ? ' …' : ''}`,
    );
  if (action.error) lines.push(`      ${action.error}`);
  if (action.revertedAt)
    lines.push(`      reverted by the closed loop at ${action.revertedAt}: ${action.revertReason ?? ''}`);
  if (action.status === 'rolled_back' && action.test) {
    const tail = action.test.outputTail.trimEnd().split('\n').slice(-5);
    for (const line of tail) lines.push(`      | ${line}`);
    if (action.test.logFile) lines.push(`      full log: ${action.test.logFile}`);
  }
  return lines;
}

export function renderRollback(report: RollbackReport): string {
  if (report.status === 'refused')
    return [
      `Rollback of ${report.resultId} refused:`,
      ...report.reasons.map((r) => `  - ${r}`),
      ...(report.forceHelps ? ['Use --force to restore anyway (the edits listed above are lost).'] : []),
    ].join('\n');
  return `Rolled back ${report.resultId}: restored ${report.restored.length} path(s) of ${report.agentId}.`;
}

export async function renderHistory(agentId: string, results: OptimizationResult[]): Promise<string> {
  if (results.length === 0) return `No optimization of ${agentId} yet.`;
  return table(
    ['result', 'started', 'strategy', 'status', 'kept', 'rolled back', 'reverted'],
    results.map((r) => [
      r.id,
      when(r.startedAt),
      `${r.strategy} → ${r.policy}`,
      `${r.status}${r.rolledBackAt ? ' (undone)' : ''}`,
      r.actions.filter((a) => a.status === 'applied' && !a.revertedAt).length,
      r.actions.filter((a) => a.status === 'rolled_back').length,
      r.actions.filter((a) => a.revertedAt).length,
    ]),
    { keep: ['result'] },
  );
}

/** The optimizer's events as progress steps: the baseline, which action, which test run, its outcome. */
export function optimizeProgress(progress: Progress): (event: ProgressEvent) => void {
  // What is tried comes first: the description, often long, is what the width cuts.
  let counter = '';
  let subject = '';
  return (event) => {
    if (event.kind === 'baseline') progress.step('Baseline: running the tests on an unchanged copy');
    else if (event.kind === 'attempt') {
      counter = `[${event.index + 1}/${event.total}]`;
      const candidate = event.candidate === undefined ? '' : `trying ${JSON.stringify(event.candidate)}: `;
      subject = `${candidate}${event.action.description}`;
      progress.step(`${counter} ${subject}`);
    } else if (event.kind === 'test')
      progress.step(`${counter} running the tests (${event.label}) — ${subject}`);
    else if (event.kind === 'batch') progress.step(`Trying ${event.size} action(s) together`);
    else progress.done(MARK[event.status] ?? event.status, event.action.description);
  };
}
