import { createHash } from 'node:crypto';
import type { DetectedFinding } from '../plugins/run-detectors.js';
import type { OpportunityInfo, OpportunityType, Severity } from '../sdk/types.js';

/** The default severity of each type (contract §4 table); a finding may say otherwise. */
export const DEFAULT_SEVERITY: Record<OpportunityType, Severity> = {
  success_rate_decline: 'HIGH',
  performance_degradation: 'MEDIUM',
  quality_issues: 'HIGH',
  tool_upgrade: 'LOW',
  resource_inefficiency: 'MEDIUM',
  error_pattern: 'HIGH',
  capability_gap: 'MEDIUM',
  training_needed: 'LOW',
  code_smell: 'MEDIUM',
  security_vulnerability: 'CRITICAL',
};

export const SEVERITY_RANK: Record<Severity, number> = { CRITICAL: 0, HIGH: 1, MEDIUM: 2, LOW: 3 };

/** A stored opportunity: what strategies see (OpportunityInfo) plus its lifecycle. */
export interface Opportunity extends OpportunityInfo {
  status: 'open' | 'resolved';
  firstSeen: string;
  lastSeen: string;
  /** How many analyses have found it. */
  occurrences: number;
  resolvedAt: string | null;
}

/** Stable per (agent, type, detector, subject): the same finding later is the same opportunity. */
export function opportunityId(agentId: string, type: string, detector: string, subject: string): string {
  return `opp_${createHash('sha256')
    .update(JSON.stringify([agentId, type, detector, subject]))
    .digest('hex')
    .slice(0, 20)}`;
}

/**
 * Merges one analysis's findings into the agent's opportunities: a repeated finding updates the
 * open one (or reopens a resolved one), a new one is added, and an open one whose detector ran
 * and no longer reports it is resolved. Detectors that failed leave theirs untouched.
 */
export function reconcile(
  existing: readonly Opportunity[],
  agentId: string,
  findings: readonly DetectedFinding[],
  completed: ReadonlySet<string>,
  now: Date,
): Opportunity[] {
  const at = now.toISOString();
  const byId = new Map(existing.map((opportunity) => [opportunity.id, { ...opportunity }]));
  const seen = new Set<string>();
  for (const { detector, type, finding } of findings) {
    const subject = finding.subject ?? '';
    const id = opportunityId(agentId, type, detector, subject);
    if (seen.has(id)) continue;
    seen.add(id);
    const previous = byId.get(id);
    byId.set(id, {
      id,
      agentId,
      type,
      severity: finding.severity ?? DEFAULT_SEVERITY[type],
      title: finding.title,
      description: finding.description,
      evidence: finding.evidence ?? {},
      detector,
      subject,
      status: 'open',
      firstSeen: previous && previous.status === 'open' ? previous.firstSeen : at,
      lastSeen: at,
      occurrences: (previous?.occurrences ?? 0) + 1,
      resolvedAt: null,
    });
  }
  for (const opportunity of byId.values()) {
    if (opportunity.status === 'open' && !seen.has(opportunity.id) && completed.has(opportunity.detector)) {
      opportunity.status = 'resolved';
      opportunity.resolvedAt = at;
    }
  }
  return [...byId.values()].sort(bySeverity);
}

export function bySeverity(a: Opportunity, b: Opportunity): number {
  return (
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    a.type.localeCompare(b.type) ||
    a.subject.localeCompare(b.subject)
  );
}
