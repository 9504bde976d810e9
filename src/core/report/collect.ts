import {
  binQuantile,
  emptyBucket,
  mergeBucket,
  windowStartKey,
  type Bucket,
} from '../feedback/aggregates.js';
import { windowFigures } from '../analysis/metrics.js';
import { readViewSources, type MetricsRequest } from '../metrics/collect.js';
import type { Opportunity, OptimizationResult, Verification, VerificationStatus } from '../model/index.js';
import { ownValue } from '../safe-record.js';
import type { Stores } from '../store/stores.js';

/** One agent or every agent kv1nt knows, over the last `days` (the same scope as `kv1nt metrics`). */
export type ReportRequest = MetricsRequest;

export interface ReportData {
  generatedAt: string;
  days: number;
  /** The UTC days of the window, oldest first (`2026-11-24`): the x axis of the per-day charts. */
  dayKeys: string[];
  agents: AgentReport[];
}

/** Counts of one error type: per day (aligned with dayKeys) or per UTC hour of day (24). */
export interface ErrorSeries {
  errorType: string;
  counts: number[];
}

export type MarkerKind = 'applied' | 'rolled_back' | 'reverted' | 'verdict';

/** A moment on the health chart: a change kept, undone, or judged by the closed loop. */
export interface Marker {
  at: string;
  kind: MarkerKind;
  verdict?: VerificationStatus;
  target: string;
  resultId: string;
}

export interface ChangeSide {
  entries: number;
  successRate: number | null;
  p50DurationMs: number | null;
  failures: number;
}

/** One kept action, newest first, with the closed loop's figures before and after it. */
export interface ChangeRow {
  resultId: string;
  appliedAt: string;
  type: string;
  target: string;
  description: string;
  /** applied, rolled back (by a person) or reverted (by the closed loop). */
  state: 'applied' | 'rolled_back' | 'reverted';
  verdict: VerificationStatus | null;
  healthBefore: number | null;
  before: ChangeSide | null;
  after: ChangeSide | null;
}

export interface AgentReport {
  agentId: string;
  slaMs: number | null;
  healthScore: number | null;
  entries: number;
  successes: number;
  failures: number;
  /** One score per UTC day that has outcomes. */
  health: Array<{ day: string; score: number }>;
  markers: Marker[];
  failuresByDay: ErrorSeries[];
  /** p50 / p95 of successful durations per day (aligned with dayKeys; null on a day without). */
  durations: { p50: Array<number | null>; p95: Array<number | null> };
  failuresByHour: ErrorSeries[];
  opportunities: Array<
    Pick<Opportunity, 'id' | 'type' | 'severity' | 'title' | 'subject' | 'lastSeen' | 'occurrences'>
  >;
  changes: ChangeRow[];
}

/** Error types drawn one by one; the rest add up to "other" (and the palette has eight colours). */
const TOP_ERROR_TYPES = 6;
const LAST_CHANGES = 10;
const SEVERITY_ORDER = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];

/**
 * What `kv1nt report` draws, gathered from the hourly aggregates and the optimization store, each
 * read once for every agent (as `kv1nt metrics` does): per-day figures are the UTC days' hourly
 * buckets added up, durations' p50/p95 come from their log-scale histograms, and failures by hour
 * of day from the hour of each bucket. No log scan, whatever the size of the history.
 */
export async function collectReport(stores: Stores, request: ReportRequest): Promise<ReportData> {
  const { aggregates, optimization, agentIds } = await readViewSources(stores, request);
  const fromKey = windowStartKey(request.now, request.days);
  const dayKeys = daysBetween(fromKey.slice(0, 10), request.now.toISOString().slice(0, 10));
  const agents = agentIds.map((agentId): AgentReport => {
    const slaMs = request.declared.find((agent) => agent.id === agentId)?.slaMs ?? null;
    const figures = windowFigures(aggregates, agentId, request.now, request.days, slaMs);
    const perDay = new Map<string, Bucket>();
    const perHour = Array.from({ length: 24 }, () => emptyBucket(''));
    for (const [key, bucket] of Object.entries(ownValue(aggregates.agents, agentId) ?? {})) {
      if (key < fromKey) continue;
      const day = key.slice(0, 10);
      if (!perDay.has(day)) perDay.set(day, emptyBucket(''));
      mergeBucket(perDay.get(day)!, bucket);
      mergeBucket(perHour[Number(key.slice(11, 13))]!, bucket);
    }
    const days = dayKeys.map((day) => perDay.get(day));
    const results = optimization.optimizationResults.filter((row) => row.agentId === agentId);
    const verifications = optimization.verifications.filter((row) => row.agentId === agentId);
    return {
      agentId,
      slaMs,
      healthScore: figures.healthScore,
      entries: figures.metrics.total,
      successes: figures.metrics.successes,
      failures: figures.metrics.failures,
      health: figures.daily
        .map((point) => ({ day: new Date(point.at).toISOString().slice(0, 10), score: point.score }))
        .sort((a, b) => a.day.localeCompare(b.day)),
      markers: markersOf(results, verifications, fromKey),
      failuresByDay: errorSeries(days),
      durations: {
        p50: days.map((bucket) => (bucket ? binQuantile(bucket.okDurationBins, 0.5) : null)),
        p95: days.map((bucket) => (bucket ? binQuantile(bucket.okDurationBins, 0.95) : null)),
      },
      failuresByHour: errorSeries(perHour),
      opportunities: optimization.opportunities
        .filter((row) => row.agentId === agentId && row.status === 'open')
        .sort(
          (a, b) =>
            SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
            b.lastSeen.localeCompare(a.lastSeen),
        )
        .map(({ id, type, severity, title, subject, lastSeen, occurrences }) => ({
          id,
          type,
          severity,
          title,
          subject,
          lastSeen,
          occurrences,
        })),
      changes: changesOf(results, verifications),
    };
  });
  return { generatedAt: request.now.toISOString(), days: request.days, dayKeys, agents };
}

/** Every UTC day from `first` to `last` (both `YYYY-MM-DD`, inclusive). */
function daysBetween(first: string, last: string): string[] {
  const days: string[] = [];
  for (let at = Date.parse(`${first}T00:00:00Z`); at <= Date.parse(`${last}T00:00:00Z`); at += 86_400_000)
    days.push(new Date(at).toISOString().slice(0, 10));
  return days;
}

/** Failures per slot by error type: the most frequent types one by one, the rest as "other". */
function errorSeries(slots: ReadonlyArray<Bucket | undefined>): ErrorSeries[] {
  const totals = new Map<string, number>();
  for (const bucket of slots)
    for (const [type, count] of Object.entries(bucket?.errors ?? {}))
      totals.set(type, (totals.get(type) ?? 0) + count);
  const ranked = [...totals].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([type]) => type);
  const shown = ranked.length <= TOP_ERROR_TYPES + 1 ? ranked : ranked.slice(0, TOP_ERROR_TYPES);
  const series = shown.map((errorType) => ({
    errorType,
    counts: slots.map((bucket) => (bucket ? (ownValue(bucket.errors, errorType) ?? 0) : 0)),
  }));
  if (shown.length < ranked.length)
    series.push({
      errorType: `other (${ranked.length - shown.length} types)`,
      counts: slots.map((bucket) =>
        Object.entries(bucket?.errors ?? {})
          .filter(([type]) => !shown.includes(type))
          .reduce((sum, [, count]) => sum + count, 0),
      ),
    });
  return series;
}

function markersOf(
  results: readonly OptimizationResult[],
  verifications: readonly Verification[],
  fromKey: string,
): Marker[] {
  const markers: Marker[] = [];
  for (const result of results) {
    for (const action of result.actions) {
      if (action.appliedAt === undefined) continue;
      const base = { target: action.target, resultId: result.id };
      markers.push({ at: action.appliedAt, kind: 'applied', ...base });
      if (action.revertedAt !== undefined) markers.push({ at: action.revertedAt, kind: 'reverted', ...base });
    }
    if (result.rolledBackAt !== null)
      markers.push({
        at: result.rolledBackAt,
        kind: 'rolled_back',
        target: 'every change',
        resultId: result.id,
      });
  }
  for (const verification of verifications)
    if (verification.decidedAt !== null && verification.status !== 'reverted')
      markers.push({
        at: verification.decidedAt,
        kind: 'verdict',
        verdict: verification.status,
        target: verification.target,
        resultId: verification.resultId,
      });
  // Hour keys compare as ISO prefixes: a marker from the window's first hour on is shown.
  return markers.filter((marker) => marker.at >= fromKey).sort((a, b) => a.at.localeCompare(b.at));
}

function changesOf(
  results: readonly OptimizationResult[],
  verifications: readonly Verification[],
): ChangeRow[] {
  const rows: ChangeRow[] = [];
  for (const result of results)
    for (const action of result.actions) {
      if (action.appliedAt === undefined) continue;
      const verification = verifications.find(
        (row) => row.resultId === result.id && row.actionId === action.id,
      );
      rows.push({
        resultId: result.id,
        appliedAt: action.appliedAt,
        type: action.type,
        target: action.target,
        description: action.description,
        state:
          action.revertedAt !== undefined
            ? 'reverted'
            : result.rolledBackAt !== null
              ? 'rolled_back'
              : 'applied',
        verdict: verification?.status ?? null,
        healthBefore: result.healthBefore,
        before: sideOf(verification?.before),
        after: sideOf(verification?.after),
      });
    }
  return rows.sort((a, b) => b.appliedAt.localeCompare(a.appliedAt)).slice(0, LAST_CHANGES);
}

function sideOf(side: Verification['before'] | undefined): ChangeSide | null {
  if (!side) return null;
  const { successRate, p50DurationMs, failures } = side.metrics;
  return { entries: side.entries, successRate, p50DurationMs, failures };
}
