/** The closed loop's rows: one verification per kept action and the opportunity it addressed. */
import type { OpportunityType } from '../sdk/types.js';
import type { LogPosition } from '../store/feedback-log.js';

/**
 * The closed loop's record of one kept action: what it changed, for which opportunity, and the
 * verdict of the feedback that followed it (see docs/how-kv1nt-decides.md).
 */
export type VerificationStatus =
  'verifying' | 'confirmed' | 'no_effect' | 'regressed' | 'reverted' | 'inconclusive';

/** The figures of one side (before or after the change), as shown to users. */
export interface SideSummary {
  /** Feedback entries of the agent on that side. */
  entries: number;
  from: string;
  to: string;
  metrics: {
    successes: number;
    failures: number;
    successRate: number | null;
    /** p50 of successful operations' durations (ms, from the histogram). */
    p50DurationMs: number | null;
    meanQuality: number | null;
    /** The targeted error's share of outcomes, for an error_pattern change. */
    targetShare?: number | null;
    /** The targeted resource's p95, for a resource_inefficiency change. */
    targetP95?: number | null;
  };
}

export interface VerificationTest {
  /** successRate | successDurationMs | qualityScore | errorShare:<type> | metric:<name> */
  metric: string;
  method: "Fisher's exact test" | 'Mann–Whitney U';
  before: number | null;
  after: number | null;
  /** Two-sided p-value; null when a side had too little data to test. */
  pValue: number | null;
  /** For a guarded metric: its p-value after Holm's adjustment over the guards tested. */
  adjustedPValue?: number;
  /** The after side is better (by the metric's own sense: a higher success rate, a lower duration…). */
  better: boolean | null;
  /** Guarded metrics decide `regressed`; the named one decides `confirmed`. */
  role: 'named' | 'guard' | 'named+guard';
  /** Whether it was significant at the level used for its role. */
  significant: boolean;
}

export interface Verification {
  id: string;
  agentId: string;
  resultId: string;
  actionId: string;
  actionType: string;
  strategy: string;
  transactionId: string;
  opportunityId: string;
  opportunityType: OpportunityType;
  /** The opportunity's subject (an error type, a param…), what its detector is re-run on. */
  subject: string;
  detector: string;
  /** What the action changed: `param:timeoutMs`, `dependency:lodash`, `file:LEARNINGS.md#kv1nt-learnings`. */
  target: string;
  /** The value kept, for an action that tried several. */
  candidate?: unknown;
  /** When the result's last change was kept: the epoch starts here. */
  appliedAt: string;
  /** The log's end when the optimization started: the epoch is caught up from here if needed. */
  logFrom: LogPosition;
  status: VerificationStatus;
  before: SideSummary | null;
  after: SideSummary | null;
  tests: VerificationTest[];
  decidedAt: string | null;
  reason: string | null;
  revertedAt: string | null;
  /** Who undid the change: the closed loop (a regressed verdict) or a person (`kv1nt rollback`). */
  revertedBy?: 'closed_loop' | 'rollback';
}

/** One thing a plan tried for an opportunity, and what the feedback said of it. */
export interface TriedAction {
  strategy: string;
  type: string;
  target: string;
  /** The action's own parameters (to/candidate/search start), to tell "the same action" from the next candidate. */
  signature: string;
  verdict: Exclude<VerificationStatus, 'verifying' | 'reverted'>;
  verificationId: string;
  at: string;
}
