import { createHash } from 'node:crypto';
import type { DetectedFinding } from '../plugins/run-detectors.js';
import type { OpportunityType, Severity } from '../sdk/types.js';
import type { Stores } from '../store/stores.js';
import { notFound } from '../errors.js';
import { resolveId } from '../id-prefix.js';

import type { Opportunity, OpportunityEpoch } from '../model/opportunities.js';

export type { Opportunity, OpportunityEpoch };

/** The default severity of each opportunity type; a finding may say otherwise. */
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

/** How an opportunity under an epoch was judged by its detector on post-epoch feedback. */
export interface EpochJudgement {
  found: DetectedFinding | undefined;
  /** Enough feedback since the epoch that "not found" may resolve it. */
  canResolve: boolean;
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
 *
 * The closed loop adds two rules: an opportunity being verified is left as it is (only its
 * lastSeen moves), and one under an epoch is judged by `epochs` — its detector re-run on the
 * feedback after the change — instead of by the window's findings, so evidence older than the
 * change can neither keep it open nor reopen it.
 */
export function reconcile(
  existing: readonly Opportunity[],
  agentId: string,
  findings: readonly DetectedFinding[],
  completed: ReadonlySet<string>,
  now: Date,
  epochs: ReadonlyMap<string, EpochJudgement> = new Map(),
  /** The ids of the detectors loaded now; undefined when a plugin failed to load (then none is gone). */
  loaded?: ReadonlySet<string>,
): Opportunity[] {
  const at = now.toISOString();
  const byId = new Map(existing.map((opportunity) => [opportunity.id, { ...opportunity }]));
  const seen = new Set<string>();
  const judged = [...findings.map((f) => ({ f, epoch: false }))];
  for (const judgement of epochs.values())
    if (judgement.found) judged.push({ f: judgement.found, epoch: true });
  for (const { f, epoch } of judged) {
    const { detector, type, finding } = f;
    const subject = finding.subject ?? '';
    const id = opportunityId(agentId, type, detector, subject);
    // Under an epoch only the post-epoch judgement counts.
    if (!epoch && epochs.has(id)) continue;
    if (seen.has(id)) continue;
    seen.add(id);
    const previous = byId.get(id);
    if (previous?.status === 'verifying') {
      previous.lastSeen = at;
      continue;
    }
    const severity = finding.severity ?? DEFAULT_SEVERITY[type];
    // Dismissed stays dismissed while the finding is no more severe than when it was dismissed.
    const dismissal = previous?.status === 'dismissed' ? previous.dismissal : undefined;
    if (previous && dismissal && SEVERITY_RANK[severity] >= SEVERITY_RANK[dismissal.severity]) {
      previous.lastSeen = at;
      previous.occurrences += 1;
      continue;
    }
    const next: Opportunity = {
      ...previous,
      id,
      agentId,
      type,
      severity,
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
    };
    // Reopened: how the loop settled it, or a person dismissed it, before no longer holds.
    if (next.resolution) next.resolution = null;
    if (next.dismissal) next.dismissal = null;
    byId.set(id, next);
  }
  for (const opportunity of byId.values()) {
    if (opportunity.status !== 'open' || seen.has(opportunity.id)) continue;
    if (loaded && !loaded.has(opportunity.detector)) {
      opportunity.status = 'detector_gone';
      opportunity.resolvedAt = at;
      continue;
    }
    const judgement = epochs.get(opportunity.id);
    const decided = judgement ? judgement.canResolve : completed.has(opportunity.detector);
    if (decided) {
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

export type OpportunityStatusFilter = Opportunity['status'] | 'all';

export interface OpportunityFilter {
  status?: OpportunityStatusFilter;
  type?: OpportunityType | undefined;
  severity?: Severity | undefined;
}

/** The stored opportunities of one agent or all, most severe first. */
export async function listOpportunities(
  stores: Stores,
  agentId: string | undefined,
  filter: OpportunityFilter,
): Promise<Opportunity[]> {
  const doc = await stores.optimization.read();
  const status = filter.status ?? 'open';
  return doc.opportunities
    .filter(
      (row) =>
        (agentId === undefined || row.agentId === agentId) &&
        (status === 'all' || row.status === status) &&
        (filter.type === undefined || row.type === filter.type) &&
        (filter.severity === undefined || row.severity === filter.severity),
    )
    .sort((a, b) => bySeverity(a, b) || a.agentId.localeCompare(b.agentId));
}

/**
 * `kv1nt opportunities dismiss`: a person says the finding is not worth fixing. It stays
 * dismissed through later analyses unless its detector reports it at a higher severity.
 */
export async function dismissOpportunity(
  stores: Stores,
  id: string,
  reason: string | undefined,
  now: Date,
): Promise<Opportunity> {
  let dismissed: Opportunity | undefined;
  // Written only when it changes: an unknown id, or one dismissed already, writes nothing.
  await stores.optimization.mutate((doc) => {
    // The id as typed: whole, or a unique prefix (an ambiguous or unknown one throws, nothing written).
    const whole = resolveId(
      'opportunity',
      id,
      doc.opportunities.map((candidate) => candidate.id),
    );
    const row = doc.opportunities.find((candidate) => candidate.id === whole);
    if (!row) return false;
    const changed = row.status !== 'dismissed';
    if (changed) {
      row.status = 'dismissed';
      row.dismissal = { at: now.toISOString(), reason: reason ?? null, severity: row.severity };
    }
    dismissed = structuredClone(row);
    return changed;
  });
  if (!dismissed)
    throw notFound('OPPORTUNITY_NOT_FOUND', `No opportunity ${id}.`, [
      '`kv1nt opportunities --status all` lists them with their ids.',
    ]);
  return dismissed;
}
