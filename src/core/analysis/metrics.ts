import {
  binQuantile,
  emptyBucket,
  hourKey,
  mergeBucket,
  type Bucket,
  type ScoreAggregates,
} from '../feedback/aggregates.js';
import { round } from '../feedback/summary.js';
import { ownValue } from '../safe-record.js';
import type { AnalysisMetrics, Stat } from '../sdk/types.js';
import { healthComponents, healthScore, type HealthComponents } from './health.js';
import type { TrendPoint } from './trend.js';

const DAY = 86_400_000;

export interface WindowFigures {
  metrics: AnalysisMetrics;
  components: HealthComponents;
  healthScore: number | null;
  /** One health score per UTC day of the window that has data (for the trend). */
  daily: TrendPoint[];
}

/**
 * Everything the analysis needs about one agent's window, from the hourly aggregates alone: the
 * cost is the number of hours in the window, whatever the number of entries.
 */
export function windowFigures(
  aggregates: ScoreAggregates,
  agentId: string,
  now: Date,
  days: number,
  slaMs: number | null,
): WindowFigures {
  const to = now.getTime();
  const from = to - days * DAY;
  const hours = ownValue(aggregates.agents, agentId) ?? {};
  const current = emptyBucket('');
  const previous = emptyBucket('');
  const perDay = new Map<string, Bucket>();
  const fromKey = hourKey(new Date(from).toISOString());
  const previousKey = hourKey(new Date(from - days * DAY).toISOString());
  for (const [key, bucket] of Object.entries(hours)) {
    if (key >= fromKey) {
      mergeBucket(current, bucket);
      const day = key.slice(0, 10);
      if (!perDay.has(day)) perDay.set(day, emptyBucket(''));
      mergeBucket(perDay.get(day)!, bucket);
    } else if (key >= previousKey) {
      mergeBucket(previous, bucket);
    }
  }
  const daily = [...perDay.entries()]
    .map(([day, bucket]) => ({
      at: Date.parse(`${day}T12:00:00Z`),
      score: healthScore(componentsOf(bucket, slaMs)),
    }))
    .filter((point): point is TrendPoint => point.score !== null);
  return {
    ...figuresOf(
      current,
      previous,
      { days, from: new Date(from).toISOString(), to: now.toISOString() },
      slaMs,
    ),
    daily,
  };
}

/** Metrics, components and score of one span of feedback (`current`) against the span before it. */
export function figuresOf(
  current: Bucket,
  previous: Bucket,
  window: AnalysisMetrics['window'],
  slaMs: number | null,
): Omit<WindowFigures, 'daily'> {
  const components = componentsOf(current, slaMs);
  return {
    metrics: metricsOf(current, previous, window, slaMs),
    components: roundComponents(components),
    healthScore: healthScore(components),
  };
}

/** The agent's hourly sums from `fromKey` (inclusive) to `toKey` (exclusive), added up. */
export function hoursBetween(
  aggregates: ScoreAggregates,
  agentId: string,
  fromKey: string,
  toKey: string,
): Bucket {
  const total = emptyBucket('');
  const hours = ownValue(aggregates.agents, agentId) ?? {};
  for (const [key, bucket] of Object.entries(hours))
    if (key >= fromKey && key < toKey) mergeBucket(total, bucket);
  return total;
}

function componentsOf(bucket: Bucket, slaMs: number | null): HealthComponents {
  const quality = bucket.byType.quality_score ?? 0;
  return healthComponents({
    successes: bucket.byType.success ?? 0,
    failures: bucket.byType.failure ?? 0,
    meanDurationMs: bucket.okDuration.n === 0 ? null : bucket.okDuration.sum / bucket.okDuration.n,
    slaMs,
    meanQuality: quality === 0 ? null : (bucket.scoreSum.quality_score ?? 0) / quality,
  });
}

function metricsOf(
  current: Bucket,
  previous: Bucket,
  window: AnalysisMetrics['window'],
  slaMs: number | null,
): AnalysisMetrics {
  const count = (bucket: Bucket, type: 'success' | 'failure') => bucket.byType[type] ?? 0;
  const previousDecided = count(previous, 'success') + count(previous, 'failure');
  return {
    window,
    total: current.n,
    successes: count(current, 'success'),
    failures: count(current, 'failure'),
    byType: { ...current.byType },
    bySource: { ...current.bySource },
    averageScoreByType: means(current.scoreSum, current.byType),
    minScoreByType: { ...current.scoreMin },
    averageScoreBySource: means(current.sourceScoreSum, current.bySource),
    duration: {
      mean: current.okDuration.n === 0 ? null : round(current.okDuration.sum / current.okDuration.n),
      p50: binQuantile(current.okDurationBins, 0.5),
      p95: binQuantile(current.okDurationBins, 0.95),
      max: current.okDuration.max,
      count: current.okDuration.n,
      slaMs,
    },
    quality: {
      mean: means(current.scoreSum, current.byType).quality_score ?? null,
      max: null,
      p95: null,
      count: current.byType.quality_score ?? 0,
    },
    memoryMb: stat(current, 'memoryMb'),
    cpuPercent: stat(current, 'cpuPercent'),
    topErrors: Object.entries(current.errors)
      .map(([errorType, n]) => ({ errorType, count: n }))
      .sort((a, b) => b.count - a.count || a.errorType.localeCompare(b.errorType))
      .slice(0, 10),
    previous: {
      total: previous.n,
      successes: count(previous, 'success'),
      failures: count(previous, 'failure'),
      successRate: previousDecided === 0 ? null : round(count(previous, 'success') / previousDecided),
    },
  };
}

function means(
  sums: Record<string, number | undefined>,
  counts: Record<string, number | undefined>,
): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [key, sum] of Object.entries(sums)) {
    const n = ownValue(counts, key) ?? 0;
    if (n > 0 && sum !== undefined) result[key] = round(sum / n);
  }
  return result;
}

function stat(bucket: Bucket, name: string): Stat {
  const sums = ownValue(bucket.metrics, name);
  if (!sums || sums.n === 0) return { mean: null, max: null, p95: null, count: 0 };
  const bins = ownValue(bucket.metricBins, name);
  return {
    mean: round(sums.sum / sums.n),
    max: sums.max,
    // The bins are ±4.5 %; never report a p95 above the largest value seen.
    p95: bins ? Math.min(binQuantile(bins, 0.95) ?? 0, sums.max ?? 0) : null,
    count: sums.n,
  };
}

function roundComponents(components: HealthComponents): HealthComponents {
  const r = (value: number | null) => (value === null ? null : round(value));
  return {
    successRate: r(components.successRate),
    errorRate: r(components.errorRate),
    responseTimeScore: r(components.responseTimeScore),
    codeQuality: r(components.codeQuality),
  };
}
