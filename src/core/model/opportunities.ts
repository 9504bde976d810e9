/** Stored opportunities: what a detector found, with its lifecycle. */
import type { OpportunityInfo, Severity } from '../sdk/types.js';
import type { LogPosition } from '../store/feedback-log.js';
import type { TriedAction } from './verifications.js';

/** A stored opportunity: what strategies see (OpportunityInfo) plus its lifecycle. */
export interface Opportunity extends OpportunityInfo {
  /**
   * `verifying`: a change for it was kept and waits for the feedback that judges it; `dismissed`:
   * a person said it is not worth fixing; `detector_gone`: the detector that raised it is no
   * longer loaded.
   */
  status: 'open' | 'resolved' | 'verifying' | 'dismissed' | 'detector_gone';
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
  /** Who dismissed it, when, why, and at what severity (a finding of a higher one reopens it). */
  dismissal?: { at: string; reason: string | null; severity: Severity } | null;
  /** How the closed loop settled it, when it did. */
  resolution?: { verdict: string; verificationId: string; reason: string } | null;
}

export interface OpportunityEpoch {
  since: string;
  key: string;
  from: LogPosition;
}
