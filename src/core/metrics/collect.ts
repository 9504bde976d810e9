import { refreshAggregates } from '../feedback/aggregate-index.js';
import { binQuantile, totalFor, windowStartKey, type Bucket } from '../feedback/aggregates.js';
import type { Agent } from '../agents/registry.js';
import { windowFigures } from '../analysis/metrics.js';
import type { Stores } from '../store/stores.js';
import type { MetricFamily, Sample } from './exposition.js';

export interface MetricsRequest {
  /** One agent, or every agent kv1nt knows (declared, with feedback or with results). */
  agentId: string | undefined;
  /** The declared agents (their SLA counts in the health score). */
  declared: readonly Agent[];
  /** The window of the gauges (health, success ratio, duration quantiles), in days. */
  days: number;
  now: Date;
}

const QUANTILES = [0.5, 0.95, 0.99];

/**
 * kv1nt's figures as Prometheus metric families, from the aggregates and the optimization store:
 * no log scan, so a textfile-collector cron job costs about as much as `kv1nt health`. Counters
 * are all-time totals; gauges and the duration summary cover the last `days`.
 */
export async function collectMetrics(stores: Stores, request: MetricsRequest): Promise<MetricFamily[]> {
  // Both documents are read once for every agent: the health score comes from the same aggregates.
  const { aggregates, optimization, agentIds } = await readViewSources(stores, request);
  const windowStart = windowStartKey(request.now, request.days);
  const slaOf = (id: string) => request.declared.find((agent) => agent.id === id)?.slaMs ?? null;
  const family = (name: string, type: MetricFamily['type'], help: string): MetricFamily => ({
    name,
    type,
    help,
    samples: [],
  });
  const health = family(
    'kv1nt_health_score',
    'gauge',
    `Health score (0-100) over the last ${request.days} day(s).`,
  );
  const success = family(
    'kv1nt_success_ratio',
    'gauge',
    `Successes / (successes + failures) over the last ${request.days} day(s).`,
  );
  const entries = family(
    'kv1nt_feedback_entries_total',
    'counter',
    'Feedback entries recorded, by type and source.',
  );
  const failures = family('kv1nt_failures_total', 'counter', 'Failures recorded, by error type.');
  const durations = family(
    'kv1nt_duration_seconds',
    'summary',
    `Duration of successful operations over the last ${request.days} day(s) (quantiles from a log-scale histogram, within 5 %).`,
  );
  const lastSeen = family(
    'kv1nt_last_feedback_timestamp_seconds',
    'gauge',
    'Time of the newest feedback entry (Unix seconds).',
  );
  const opportunities = family(
    'kv1nt_opportunities_open',
    'gauge',
    'Open improvement opportunities, by severity.',
  );
  const optimizations = family(
    'kv1nt_optimizations_total',
    'counter',
    'Optimization runs, by result status.',
  );

  for (const agent of agentIds) {
    const all = totalFor(aggregates, agent);
    const recent = totalFor(aggregates, agent, windowStart);
    const score = windowFigures(aggregates, agent, request.now, request.days, slaOf(agent)).healthScore;
    if (score !== null) health.samples.push({ labels: { agent }, value: score });
    const outcomes = (recent.byType.success ?? 0) + (recent.byType.failure ?? 0);
    if (outcomes > 0)
      success.samples.push({ labels: { agent }, value: round((recent.byType.success ?? 0) / outcomes) });
    for (const [pair, count] of sortedEntries(all.byTypeSource)) {
      const [type = '', source = ''] = pair.split('/');
      entries.samples.push({ labels: { agent, type, source }, value: count });
    }
    for (const [errorType, count] of sortedEntries(all.errors))
      failures.samples.push({ labels: { agent, error_type: errorType }, value: count });
    durations.samples.push(...durationSamples(agent, recent));
    if (all.n > 0) lastSeen.samples.push({ labels: { agent }, value: Date.parse(all.last) / 1000 });
    opportunities.samples.push(
      ...countBy(
        optimization.opportunities.filter((row) => row.agentId === agent && row.status === 'open'),
        (row) => row.severity,
      ).map(([severity, value]) => ({ labels: { agent, severity }, value })),
    );
    optimizations.samples.push(
      ...countBy(
        optimization.optimizationResults.filter((row) => row.agentId === agent),
        (row) => row.status,
      ).map(([status, value]) => ({ labels: { agent, status }, value })),
    );
  }
  return [health, success, entries, failures, durations, lastSeen, opportunities, optimizations];
}

/**
 * The aggregates and the optimization store, each read once, and the agents of the request: the
 * one asked for, or every agent kv1nt knows (declared, with feedback or with results), by id.
 */
export async function readViewSources(stores: Stores, request: MetricsRequest) {
  const [aggregates, optimization] = await Promise.all([
    refreshAggregates(stores),
    stores.optimization.read(),
  ]);
  const agentIds =
    request.agentId !== undefined
      ? [request.agentId]
      : [
          ...new Set([
            ...request.declared.map((agent) => agent.id),
            ...Object.keys(aggregates.agents),
            ...optimization.optimizationResults.map((row) => row.agentId),
          ]),
        ].sort();
  return { aggregates, optimization, agentIds };
}

function durationSamples(agent: string, bucket: Bucket): Sample[] {
  if (bucket.okDuration.n === 0) return [];
  const samples: Sample[] = [];
  for (const q of QUANTILES) {
    const ms = binQuantile(bucket.okDurationBins, q);
    if (ms !== null) samples.push({ labels: { agent, quantile: String(q) }, value: ms / 1000 });
  }
  samples.push(
    { suffix: '_sum', labels: { agent }, value: round(bucket.okDuration.sum / 1000) },
    { suffix: '_count', labels: { agent }, value: bucket.okDuration.n },
  );
  return samples;
}

/** Rows counted by a value of theirs, in name order. */
function countBy<T>(rows: readonly T[], valueOf: (row: T) => string): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const row of rows) {
    const value = valueOf(row);
    counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

function sortedEntries(record: Record<string, number>): Array<[string, number]> {
  return Object.entries(record).sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
