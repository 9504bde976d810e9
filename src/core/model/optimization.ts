/** The optimization store's plans and results: what a run proposed, and what it kept. */
import type { PluginWarning } from '../plugins/run-detectors.js';
import type { OpportunityType, PlannedAction, Policy, Severity, ValueSearch } from '../sdk/types.js';
import type { LogPosition } from '../store/feedback-log.js';
import type { ApprovalDecision } from '../optimize/approval.js';
import type { ActionResult, ExecuteOutcome, ResultStatus } from '../optimize/execute.js';
import type { StrategyName } from '../optimize/policy.js';

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
  baseline: ExecuteOutcome['baseline'];
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
