/** Stored opportunities: what a detector found, with its lifecycle. */
import type { OpportunityInfo } from '../sdk/types.js';
import type { LogPosition } from '../store/feedback-log.js';
import type { TriedAction } from './verifications.js';

/** A stored opportunity: what strategies see (OpportunityInfo) plus its lifecycle. */
export interface Opportunity extends OpportunityInfo {
  /** `verifying`: a change for it was kept and waits for the feedback that judges it. */
  status: 'open' | 'resolved' | 'verifying';
  firstSeen: string;
  lastSeen: string;
  /** How many analyses have found it. */
  occurrences: number;
  resolvedAt: string | null;
  /** The verification holding it while `verifying`. */
  verificationId?: string | null;
  /**
   * The latest change kept (or reverted) for it: from then on its subject is judged only on the
   * feedback recorded after that instant.
   */
  epoch?: OpportunityEpoch | null;
  tried?: TriedAction[];
  /** How the closed loop settled it, when it did. */
  resolution?: { verdict: string; verificationId: string; reason: string } | null;
}

export interface OpportunityEpoch {
  since: string;
  key: string;
  from: LogPosition;
}
