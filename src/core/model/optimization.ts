/** The optimization store's plans and results: what a run proposed, and what it kept. */
import type { OpportunityType, PlannedAction, Policy, Severity, ValueSearch } from '../sdk/types.js';
import type { LogPosition } from '../store/feedback-log.js';

export type ActionStatus =
  'planned' | 'pending_approval' | 'applied' | 'rolled_back' | 'failed' | 'conflict' | 'no_op';

/** One step of a plan: which strategy changes what, for which opportunity, at what risk. */
export interface PlanAction {
  id: string;
  /** The strategy (plugin component) that proposed it and will apply it. */
  strategy: string;
  plugin: string;
  /** The most severe opportunity it addresses. */
  opportunityId: string;
  /** Every opportunity that asked for this same change (one action for one change). */
  opportunityIds: string[];
  /** What it changes (see PlannedAction.target). */
  target: string;
  opportunityType: OpportunityType;
  severity: Severity;
  type: string;
  description: string;
  risk: 'low' | 'medium' | 'high';
  expectedChange: string | null;
  candidates: unknown[] | null;
  search: ValueSearch | null;
  /** Test runs it may use: its candidates, or the search budget (shown before approval). */
  maxTestRuns: number;
  needsApproval: boolean;
  approved: boolean;
  status: ActionStatus;
  /** The strategy's own action object, handed back to its apply(). */
  action: PlannedAction;
}

export type PlanStatus =
  'dry_run' | 'running' | 'pending_approval' | 'approved' | 'completed' | 'interrupted';

/** A plan of `kv1nt optimize`: kept for approval and carried out later with `--plan`. */
export interface OptimizationPlan {
  id: string;
  agentId: string;
  strategy: StrategyName;
  policy: Policy;
  policyReason: string;
  status: PlanStatus;
  createdAt: string;
  healthBefore: number | null;
  actions: PlanAction[];
  /** Opportunities left out, and why (policy, no strategy handles them, a strategy proposed nothing). */
  skipped: Array<{ opportunityId: string; type: OpportunityType; reason: string }>;
  /** Opportunities not planned because a kept change for them is being verified. */
  verifying: Array<{ opportunityId: string; type: OpportunityType; verificationId: string | null }>;
  approvedAt: string | null;
  approvedBy: string | null;
}

/** `kv1nt optimize --json`: one optimization run, its actions and their outcomes. */
export interface OptimizationResult {
  id: string;
  planId: string;
  agentId: string;
  strategy: StrategyName;
  policy: OptimizationPlan['policy'];
  status: ResultStatus | 'running' | 'interrupted';
  actions: ActionResult[];
  baseline: (TestSummary & { passed: boolean }) | null;
  approval: ApprovalDecision | null;
  healthBefore: number | null;
  warnings: PluginWarning[];
  startedAt: string;
  finishedAt: string | null;
  rolledBackAt: string | null;
  /** The process running it, to tell a crashed run (`interrupted`) from a live one. */
  pid: number;
  /** Where the feedback log ended when the run started: its changes' epochs begin after it. */
  logFrom?: LogPosition;
}

/** A strategy of `kv1nt optimize` (see optimize/policy.ts). */
export type StrategyName = 'auto' | 'conservative' | 'aggressive' | 'minimal' | 'comprehensive';

/** A plugin's trouble, reported as a warning of the run. */
export interface PluginWarning {
  plugin: string;
  /** The detector, generator or strategy concerned; absent for a load failure. */
  component?: string;
  error: string;
}

export type ApprovalSource = 'flag' | 'prompt' | 'command' | 'approve_command' | 'none';

export interface ApprovalDecision {
  approved: boolean;
  source: ApprovalSource;
  /** Why, for the report: who approved, or what to do to approve. */
  detail: string;
}

/** The outcome of one test run, as the result JSON shows it. */
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
