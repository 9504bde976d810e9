import type { MarkedSandbox } from './early-sandbox.js';
import type { PluginWarning } from '../plugins/run-detectors.js';
import type { ProcessRunner } from '../runner/runner.js';
import type { LoadedStrategy } from '../plugins/validate-plugin.js';
import type { ApplyContext } from '../sdk/types.js';
import type { ActionStatus, OptimizationPlan, PlanAction } from './plan.js';

/** The result types of running a plan (executePlan), and the input it runs from. */

export type { ActionResult, Attempt, ResultStatus, TestSummary } from '../model/optimization.js';
import type { ActionResult, ResultStatus, TestSummary } from '../model/optimization.js';

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
  /** The baseline's copy of the agent folder, started before the plan was made (early-sandbox.ts). */
  earlySandbox?: Promise<MarkedSandbox> | undefined;
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
  /** Open actions left out of this run (`optimize -i`): they wait, pending_approval. */
  deferred?: ReadonlySet<string>;
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
