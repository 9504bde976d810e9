import type { Opportunity } from '../analysis/opportunities.js';
import type { Kv1ntConfig } from '../config/schema.js';
import { hoursBetween } from '../analysis/metrics.js';
import { emptyBucket, hourKey, type ScoreAggregates } from '../feedback/aggregates.js';
import { epochKey, peekWithEpochs, refreshWithEpochs, type EpochSpec } from '../feedback/epochs.js';
import { newId } from '../ids.js';
import type { ActionResult } from '../optimize/execute.js';
import type { OptimizationResult } from '../model/optimization.js';
import { isAlive } from '../process-alive.js';
import type { LogPosition } from '../store/feedback-log.js';
import type { OptimizationStoreDoc, Stores } from '../store/stores.js';
import { evaluate, namedMetricOf, summarizeSide } from './evaluate.js';
import { revertRegressed, type RevertOutcome } from './revert.js';
import { actionSignature } from './signature.js';
import { verifyConfigOf, type TriedAction, type Verification, type VerificationStatus } from './types.js';

const DAY = 86_400_000;
/** The before side of a verification: the hours before the change, this far back at most. */
export const BEFORE_DAYS = 7;
/** An opportunity's epoch stops mattering once analysis windows no longer reach back to it. */
export const EPOCH_DAYS = 30;
/** Decided verifications still listed by `analyze --json` and `kv1nt verify` (newest first). */
const RECENT_DECIDED_MS = 14 * DAY;

export interface LoopContext {
  stores: Stores;
  config: Kv1ntConfig;
  now: () => Date;
}

export interface DecideReport {
  /** Decided by this call. */
  decided: Verification[];
  /** The scope's open and recently decided verifications, newest first. */
  verifications: Verification[];
  /** Every verification of the scope, newest first (open ones with their figures as of now). */
  all: Verification[];
  warnings: Array<{ plugin: string; error: string }>;
}

/** The epochs the aggregates must keep: open verifications and recent opportunity epochs. */
export function wantedEpochs(doc: OptimizationStoreDoc, now: Date): EpochSpec[] {
  const specs = new Map<string, EpochSpec>();
  for (const v of doc.verifications)
    if (v.status === 'verifying') {
      const key = epochKey(v.agentId, v.appliedAt);
      specs.set(key, { key, agentId: v.agentId, since: v.appliedAt, from: v.logFrom });
      const before = beforeSpan(doc, v);
      if (before) specs.set(before.key, before);
    }
  const oldest = now.getTime() - EPOCH_DAYS * DAY;
  for (const row of doc.opportunities) {
    const epoch = row.epoch;
    if (epoch && Date.parse(epoch.since) >= oldest)
      specs.set(epoch.key, { key: epoch.key, agentId: row.agentId, since: epoch.since, from: epoch.from });
  }
  return [...specs.values()];
}

/**
 * Opens a verification for every kept action that has none — right after `optimize`, and for a
 * run that was killed after keeping something. Results from before the closed loop existed (no
 * `logFrom`) and results rolled back as a whole are left alone. Returns whether it changed `doc`.
 */
export function syncVerifications(doc: OptimizationStoreDoc): boolean {
  const known = new Set(doc.verifications.map((v) => `${v.resultId}/${v.actionId}/${v.opportunityId}`));
  let changed = false;
  for (const row of doc.optimizationResults) {
    const result = row;
    if (!result.logFrom || result.rolledBackAt) continue;
    if (result.status === 'running' && isAlive(result.pid)) continue;
    const kept = result.actions.filter((a) => a.status === 'applied' && a.transactionId && !a.revertedAt);
    if (kept.length === 0) continue;
    // The change set is complete once the run's last change was kept: the epoch starts there.
    const appliedAt = kept
      .map((a) => a.appliedAt ?? result.finishedAt ?? result.startedAt)
      .sort()
      .at(-1)!;
    for (const action of kept)
      for (const opportunityId of action.opportunityIds ?? [action.opportunityId]) {
        if (known.has(`${result.id}/${action.id}/${opportunityId}`)) continue;
        const opportunity = doc.opportunities.find((o) => o.id === opportunityId);
        if (!opportunity) continue;
        doc.verifications.push(openVerification(result, action, opportunity, appliedAt));
        const epoch = { since: appliedAt, key: epochKey(result.agentId, appliedAt), from: result.logFrom };
        Object.assign(opportunity, {
          status: 'verifying',
          verificationId: doc.verifications.at(-1)!.id,
          epoch,
        });
        changed = true;
      }
  }
  return changed;
}

function openVerification(
  result: OptimizationResult,
  action: ActionResult,
  opportunity: Opportunity,
  appliedAt: string,
): Verification {
  return {
    id: newId('ver'),
    agentId: result.agentId,
    resultId: result.id,
    actionId: action.id,
    actionType: action.type,
    strategy: action.strategy,
    transactionId: action.transactionId!,
    opportunityId: opportunity.id,
    opportunityType: opportunity.type,
    subject: opportunity.subject,
    detector: opportunity.detector,
    target: action.target ?? `${action.strategy}:${action.type}:${opportunity.subject}`,
    ...(action.candidate === undefined ? {} : { candidate: action.candidate }),
    appliedAt,
    logFrom: result.logFrom!,
    status: 'verifying',
    before: null,
    after: null,
    tests: [],
    decidedAt: null,
    reason: null,
    revertedAt: null,
  };
}

/**
 * Decides what can be decided: a verification with `verify.minEntries` entries after its change
 * gets the verdict of the tests (evaluate.ts); one still short of them at `verify.maxWait` is
 * `inconclusive`. A `regressed` change is rolled back through its journal when
 * `verify.onRegression` is "rollback" (default). The opportunities follow (see settle()).
 * With `persist: false` nothing is written (a dry run): the report says what would be decided.
 */
export async function decideVerifications(
  ctx: LoopContext,
  scope: { agentId?: string | undefined; persist: boolean },
): Promise<DecideReport> {
  const { stores } = ctx;
  const config = verifyConfigOf(ctx.config);
  const now = ctx.now();
  let doc = await stores.optimization.read();
  if (
    doc.verifications.length === 0 &&
    !doc.optimizationResults.some((r) => (r as { logFrom?: unknown }).logFrom)
  )
    return { decided: [], verifications: [], all: [], warnings: [] };
  if (syncVerifications(doc) && scope.persist) {
    await stores.optimization.update((fresh) => void syncVerifications(fresh));
    doc = await stores.optimization.read();
    syncVerifications(doc);
  }
  const wanted = wantedEpochs(doc, now);
  const aggregates = scope.persist
    ? await refreshWithEpochs(stores, wanted)
    : await peekWithEpochs(stores, wanted);
  const inScope = (v: Verification) => scope.agentId === undefined || v.agentId === scope.agentId;

  const decided: Verification[] = [];
  // Undecided ones are not written back (that would be a write per analysis): their fresh
  // figures are shown from here.
  const progress = new Map<string, Verification>();
  for (const v of doc.verifications.filter((row) => row.status === 'verifying' && inScope(row))) {
    const judged = judge(v, doc, aggregates, config, now);
    if (judged.status !== 'verifying') decided.push(judged);
    Object.assign(v, judged);
    progress.set(v.id, judged);
  }
  const warnings: DecideReport['warnings'] = [];
  if (scope.persist && decided.length > 0) {
    const reverts = decided.filter((v) => v.status === 'regressed' && config.onRegression === 'rollback');
    const reverted =
      reverts.length > 0
        ? await revertRegressed(stores, reverts, now, warnings)
        : new Map<string, RevertOutcome>();
    await stores.optimization.update((fresh) => {
      for (const v of decided) {
        const row = fresh.verifications.find((r) => r.id === v.id);
        // Another process decided it meanwhile: its verdict stands.
        if (!row || row.status !== 'verifying') continue;
        const outcome = v.status === 'regressed' ? reverted.get(v.transactionId) : undefined;
        // The agent is busy (an optimize in flight): decided again next time, reverted then.
        if (outcome && 'busy' in outcome) continue;
        Object.assign(row, v);
        if (outcome && 'error' in outcome) row.reason = `${row.reason}; not reverted: ${outcome.error}`;
        if (!outcome || 'error' in outcome) settle(fresh, row, null);
      }
      for (const [transactionId, outcome] of reverted)
        if ('revertedAt' in outcome) markReverted(fresh, transactionId, outcome, decided);
    });
    doc = await stores.optimization.read();
  }
  const current = doc.verifications.map((v) => (v.status === 'verifying' ? (progress.get(v.id) ?? v) : v));
  const all = current
    .filter((v) => scope.agentId === undefined || v.agentId === scope.agentId)
    .sort((a, b) => b.appliedAt.localeCompare(a.appliedAt) || a.id.localeCompare(b.id));
  return { decided, verifications: listed(all, now), all, warnings };
}

/** The verdict on `v` now (still `verifying` when neither enough entries nor maxWait). */
function judge(
  v: Verification,
  doc: OptimizationStoreDoc,
  aggregates: ScoreAggregates,
  config: ReturnType<typeof verifyConfigOf>,
  now: Date,
): Verification {
  const opportunity = doc.opportunities.find((o) => o.id === v.opportunityId);
  const named = namedMetricOf(opportunity ?? { type: v.opportunityType, subject: v.subject, evidence: {} });
  const span = beforeSpan(doc, v);
  const beforeFrom = span?.since ?? new Date(Date.parse(v.appliedAt) - BEFORE_DAYS * DAY).toISOString();
  const before =
    (span && Object.hasOwn(aggregates.epochs, span.key) ? aggregates.epochs[span.key]!.bucket : undefined) ??
    // Whole hours: the hourly sums are exact per hour, so the hour of the change counts on neither side.
    hoursBetween(aggregates, v.agentId, hourKey(beforeFrom), hourKey(v.appliedAt));
  const epoch = aggregates.epochs[epochKey(v.agentId, v.appliedAt)];
  const after = epoch?.bucket ?? emptyBucket(v.appliedAt);
  const at = now.toISOString();
  const sides = {
    before: summarizeSide(before, beforeFrom, v.appliedAt, named),
    after: summarizeSide(after, v.appliedAt, at, named),
  };
  if (after.n >= config.minEntries) {
    const { tests, verdict, reason } = evaluate(before, after, named, config.alpha);
    return { ...v, ...sides, tests, status: verdict, decidedAt: at, reason };
  }
  if (now.getTime() - Date.parse(v.appliedAt) >= config.maxWaitMs)
    return {
      ...v,
      ...sides,
      status: 'inconclusive',
      decidedAt: at,
      reason: `only ${after.n} of the ${config.minEntries} entries needed were recorded within verify.maxWait after the change`,
    };
  return { ...v, ...sides };
}

/**
 * The before side must describe the state just before the change. It is the BEFORE_DAYS before
 * it (whole hours of the aggregates) — unless an earlier change of the same agent (from another
 * run) was kept or reverted in that time: then it is exactly the span from that event to this
 * change, summed like an epoch with an end (null is returned for the first case).
 */
export function beforeSpan(doc: OptimizationStoreDoc, v: Verification): EpochSpec | null {
  const oldest = new Date(Date.parse(v.appliedAt) - BEFORE_DAYS * DAY).toISOString();
  let latest: { at: string; from: LogPosition } | null = null;
  for (const other of doc.verifications) {
    if (other.agentId !== v.agentId || other.resultId === v.resultId) continue;
    for (const at of [other.appliedAt, other.revertedAt])
      if (at && at < v.appliedAt && at >= oldest && (!latest || at > latest.at))
        latest = { at, from: other.logFrom };
  }
  if (!latest) return null;
  return {
    key: epochKey(v.agentId, latest.at, v.appliedAt),
    agentId: v.agentId,
    since: latest.at,
    until: v.appliedAt,
    from: latest.from,
  };
}

/**
 * What a verdict does to its opportunity:
 * - confirmed → resolved, the verdict as its evidence;
 * - no_effect → open again, the action remembered as tried (the next candidate or strategy goes);
 * - regressed → open again, the action never proposed again for it; when reverted, the epoch
 *   moves to the revert (the state is the old one again);
 * - inconclusive → resolved quietly: no feedback came to judge it, and without new evidence the
 *   loop does not act again (new feedback showing the problem reopens it).
 */
function settle(doc: OptimizationStoreDoc, v: Verification, revertEpochFrom: LogPosition | null): void {
  const row = doc.opportunities.find((o) => o.id === v.opportunityId);
  if (!row) return;
  const verdict = v.status === 'reverted' ? 'regressed' : (v.status as TriedAction['verdict']);
  const tried: TriedAction = {
    strategy: v.strategy,
    type: v.actionType,
    target: v.target,
    signature: actionSignature(v.actionType, v.target, v.candidate),
    verdict,
    verificationId: v.id,
    at: v.decidedAt!,
  };
  row.tried = [...(row.tried ?? []), tried];
  if (row.verificationId === v.id) row.verificationId = null;
  const resolution = { verdict: v.status, verificationId: v.id, reason: v.reason ?? '' };
  if (v.status === 'confirmed' || v.status === 'inconclusive') {
    Object.assign(row, { status: 'resolved', resolvedAt: v.decidedAt, resolution });
    return;
  }
  Object.assign(row, { status: 'open', resolvedAt: null, resolution });
  if (v.status === 'reverted' && v.revertedAt && revertEpochFrom)
    row.epoch = { since: v.revertedAt, key: epochKey(v.agentId, v.revertedAt), from: revertEpochFrom };
}

/**
 * A reverted transaction takes every action kept in it along (an aggressive batch is one
 * transaction): each of their verifications becomes `reverted`, their result rows say so.
 */
function markReverted(
  doc: OptimizationStoreDoc,
  transactionId: string,
  outcome: { revertedAt: string; logEnd: LogPosition },
  decided: readonly Verification[],
): void {
  const cause = decided.find((v) => v.transactionId === transactionId && v.status === 'regressed');
  for (const row of doc.verifications) {
    if (row.transactionId !== transactionId || row.status === 'reverted') continue;
    const own = row.id === cause?.id || (decided.some((v) => v.id === row.id) && row.status === 'regressed');
    Object.assign(row, {
      status: 'reverted',
      revertedAt: outcome.revertedAt,
      revertedBy: 'closed_loop',
      decidedAt: row.decidedAt ?? outcome.revertedAt,
      reason: own
        ? `${row.reason ?? 'regressed'}; reverted through its journal`
        : `${row.reason ? `${row.reason}; ` : ''}reverted with ${cause?.id ?? 'a regressed change'}, kept in the same transaction ${transactionId}`,
    });
    settle(doc, row, outcome.logEnd);
  }
  for (const result of doc.optimizationResults) {
    for (const action of result.actions ?? [])
      if (action.transactionId === transactionId && !action.revertedAt) {
        action.revertedAt = outcome.revertedAt;
        action.revertReason = cause?.reason ?? 'regressed';
      }
  }
}

/**
 * `kv1nt rollback` of a whole result: its open verifications end as `reverted` (by a person), and
 * their opportunities are open again, judged from the rollback on (the old state is back).
 */
export function closeRolledBack(
  doc: OptimizationStoreDoc,
  resultId: string,
  at: string,
  logEnd: LogPosition,
): void {
  for (const row of doc.verifications) {
    if (row.resultId !== resultId || row.status !== 'verifying') continue;
    Object.assign(row, {
      status: 'reverted',
      revertedAt: at,
      revertedBy: 'rollback',
      decidedAt: at,
      reason: `rolled back with kv1nt rollback ${resultId} before a verdict`,
    });
    const opportunity = doc.opportunities.find((o) => o.id === row.opportunityId);
    if (!opportunity) continue;
    Object.assign(opportunity, {
      status: 'open',
      resolvedAt: null,
      verificationId: null,
      epoch: { since: at, key: epochKey(row.agentId, at), from: logEnd },
    });
  }
}

function listed(all: readonly Verification[], now: Date): Verification[] {
  const since = new Date(now.getTime() - RECENT_DECIDED_MS).toISOString();
  return all.filter((v) => v.status === 'verifying' || (v.decidedAt !== null && v.decidedAt >= since));
}

export type { VerificationStatus };
