import type { PluginWarning } from '../plugins/run-detectors.js';
import type { ProcessRunner } from '../runner/runner.js';
import type { LoadedStrategy } from '../plugins/validate-plugin.js';
import type { ApplyContext } from '../sdk/types.js';
import type { ActionStatus, OptimizationPlan, PlanAction } from './plan.js';

/** The result types of running a plan (executePlan), and the input it runs from. */

/** The outcome of one test run, as the result JSON shows it (contract §6). */
export interface TestSummary {
  exitCode: number | null;
  durationMs: number;
  timedOut: boolean;
  outputTail: string;
  /** The whole output, in the data dir. */
  logFile: string | null;
}

export interface Attempt {
  candidate: unknown;
  status: ActionStatus;
  test: TestSummary | null;
  error?: string;
}

export interface ActionResult {
  id: string;
  type: string;
  strategy: string;
  opportunityId: string;
  /** Every opportunity this change addresses (the first is opportunityId). */
  opportunityIds: string[];
  /** What it changes (`param:timeoutMs`, `dependency:lodash`…). */
  target: string;
  description: string;
  status: ActionStatus;
  /** Paths (relative to the agent folder) that the kept change wrote. */
  changes: string[];
  test: TestSummary | null;
  /** The candidate value kept, for an action with candidates or a search. */
  candidate?: unknown;
  /** The value the action sets (the kept candidate, or what it upgrades to): the loop's memory of it. */
  value: unknown;
  attempts: Attempt[];
  transactionId: string | null;
  /** When the change was written into the agent folder. */
  appliedAt?: string;
  /** Set when the closed loop reverted it (a regressed verdict), with why. */
  revertedAt?: string;
  revertReason?: string;
  /** Learnings the change wrote into the agent (write_learnings): absorbed while it is kept. */
  learningIds?: string[];
  conflicts?: string[];
  error?: string;
}

export type ResultStatus = 'applied' | 'partially_applied' | 'rolled_back' | 'pending_approval' | 'no_op';

export type ProgressEvent =
  | { kind: 'baseline' }
  | { kind: 'attempt'; action: PlanAction; index: number; total: number; candidate: unknown }
  | { kind: 'test'; label: string }
  | { kind: 'batch'; size: number }
  | { kind: 'done'; action: PlanAction; status: ActionStatus };

export interface ExecuteInput {
  plan: OptimizationPlan;
  resultId: string;
  agentDir: string;
  testCommand: string;
  testTimeoutMs: number;
  /** `<dataDir>/sandboxes` */
  sandboxesRoot: string;
  /** `<dataDir>/optimization/transactions` */
  transactionsRoot: string;
  /** `<dataDir>/optimization/logs/<resultId>` */
  logDir: string;
  strategies: readonly LoadedStrategy[];
  applyContext: (
    plugin: string,
    warnings: PluginWarning[],
    sandboxDir: string,
    candidate: unknown,
  ) => ApplyContext;
  /** The time limit of one apply() of a plugin's strategy, by plugin name. */
  applyLimit: (plugin: string) => number;
  now: () => Date;
  /** Runs the agent's tests. */
  runner: ProcessRunner;
  onEvent?: ((event: ProgressEvent) => void) | undefined;
  /** Records the actions of a transaction once it is applied, before it is done with (crash-safe). */
  onKept?: (kept: ActionResult[]) => Promise<void>;
}

export interface ExecuteOutcome {
  status: ResultStatus;
  baseline: (TestSummary & { passed: boolean }) | null;
  actions: ActionResult[];
  warnings: PluginWarning[];
}

/** An action's result before it ran (also what recovery starts from for one its run never recorded). */
export function emptyResult(action: PlanAction): ActionResult {
  const learningIds = action.action.learningIds;
  return {
    ...(Array.isArray(learningIds) ? { learningIds: learningIds.map(String) } : {}),
    id: action.id,
    type: action.type,
    strategy: action.strategy,
    opportunityId: action.opportunityId,
    opportunityIds: action.opportunityIds ?? [action.opportunityId],
    target: action.target,
    value: action.search?.start ?? action.candidates?.[0] ?? action.action.to ?? null,
    description: action.description,
    status: action.status,
    changes: [],
    test: null,
    attempts: [],
    transactionId: null,
  };
}

/** applied: every action that ran was kept; partially_applied: some; rolled_back: none; no_op: nothing to do. */
export function overallStatus(actions: readonly Pick<ActionResult, 'status'>[]): ResultStatus {
  const count = (status: ActionStatus) => actions.filter((a) => a.status === status).length;
  const applied = count('applied');
  const pending = count('pending_approval');
  const notKept = count('rolled_back') + count('failed') + count('conflict');
  if (applied === 0 && pending > 0) return 'pending_approval';
  if (applied > 0) return notKept + pending > 0 ? 'partially_applied' : 'applied';
  return notKept > 0 ? 'rolled_back' : 'no_op';
}
