import { countInto, ownOrCreate, ownValue, safeRecord, setOwn } from '../safe-record.js';
import type { LogPosition } from '../store/feedback-log.js';
import { operationKind } from './operation-kind.js';
import type { FeedbackEntry, FeedbackSource, FeedbackType } from './types.js';

/**
 * `score_aggregates`: running sums per agent and UTC hour, folded from the feedback log. A
 * summary over N days reads at most N × 24 buckets per agent instead of scanning the log, and
 * the hour grain keeps a window's edge within one hour of exact.
 *
 * Agent ids, error types and metric names are user strings: every record keyed by one is read
 * and written through safe-record (a parsed document's records have Object.prototype, so
 * `errors.toString` would otherwise be a function and `errors.__proto__` unwritable).
 */
export interface MetricSums {
  sum: number;
  n: number;
  /** null until a value is added (JSON has no -Infinity). */
  max: number | null;
}

export interface Bucket {
  n: number;
  byType: Partial<Record<FeedbackType, number>>;
  bySource: Partial<Record<FeedbackSource, number>>;
  /** Entries per `type/source` pair (`failure/test`): the metrics' entry counter is labelled by both. */
  byTypeSource: Record<string, number>;
  scoreSum: Partial<Record<FeedbackType, number>>;
  scoreMin: Partial<Record<FeedbackType, number>>;
  /** Score sums per source (the count is bySource). */
  sourceScoreSum: Partial<Record<FeedbackSource, number>>;
  ratingSum: number;
  ratingN: number;
  errors: Record<string, number>;
  duration: MetricSums;
  /** Log-scale duration histogram (bin → count), for percentiles without the raw log. */
  durationBins: Record<string, number>;
  /**
   * Durations of successful operations only: slowness is judged on work that finished (a call
   * that timed out after 8 s says how long kv1nt's caller waited, not how long the work takes).
   */
  okDuration: MetricSums;
  okDurationBins: Record<string, number>;
  /** quality_score scores in hundredths (0–100) → count: rank tests and quantiles of quality. */
  qualityBins: Record<string, number>;
  metrics: Record<string, MetricSums>;
  /** Per metric name, a log-scale histogram like durationBins (p95 of memoryMb, rank tests). */
  metricBins: Record<string, Record<string, number>>;
  first: string;
  last: string;
}

export interface ScoreAggregates {
  /** The log is folded in up to here. */
  foldedTo: LogPosition;
  /** agentId → hour key (`2026-11-24T10`) → sums. */
  agents: Record<string, Record<string, Bucket>>;
  /**
   * Sums of an agent's entries from an exact moment on (a kept change): what the closed loop
   * compares with the time before, and what detectors judge a changed subject on. Derived like
   * the rest; see epochs.ts.
   */
  epochs: Record<string, EpochSums>;
}

export interface EpochSums {
  agentId: string;
  /** Entries timestamped at or after this instant count… */
  since: string;
  /** …and, for the span before a change, before this one (exclusive). */
  until?: string;
  /** Where the log ended when the epoch began: nothing before it can belong (a catch-up starts here). */
  from: LogPosition;
  bucket: Bucket;
  /** Outcomes per operation kind (capability gaps judged after the change). */
  kinds: Record<string, { successes: number; failures: number }>;
}

export function emptyAggregates(): ScoreAggregates {
  return { foldedTo: { segment: 0, offset: 0 }, agents: safeRecord(), epochs: safeRecord() };
}

export function hourKey(timestamp: string): string {
  return timestamp.slice(0, 13);
}

/** The first hour key inside a window of `days` ending at `now`. */
export function windowStartKey(now: Date, days: number): string {
  return hourKey(new Date(now.getTime() - days * 86_400_000).toISOString());
}

/** Folds entries into the hourly sums and into the epochs they belong to. */
export function foldEntries(aggregates: ScoreAggregates, entries: Iterable<FeedbackEntry>): void {
  const epochs = new EpochFolder(Object.values(aggregates.epochs));
  for (const entry of entries) {
    foldEntry(aggregates, entry);
    if (!epochs.empty) epochs.fold(entry);
  }
}

export function foldEntry(aggregates: ScoreAggregates, entry: FeedbackEntry): void {
  const hours = ownOrCreate(aggregates.agents, entry.agentId, safeRecord<Bucket>);
  addToBucket(
    ownOrCreate(hours, hourKey(entry.timestamp), () => emptyBucket(entry.timestamp)),
    entry,
  );
}

export function addToBucket(bucket: Bucket, entry: FeedbackEntry): void {
  bucket.n += 1;
  countInto(bucket.byType, entry.type);
  countInto(bucket.bySource, entry.source);
  countInto(bucket.byTypeSource, typeSourceKey(entry.type, entry.source));
  countInto(bucket.scoreSum, entry.type, entry.score);
  const min = ownValue(bucket.scoreMin, entry.type);
  if (min === undefined || entry.score < min) setOwn(bucket.scoreMin, entry.type, entry.score);
  countInto(bucket.sourceScoreSum, entry.source, entry.score);
  if (entry.rating !== undefined) {
    bucket.ratingSum += entry.rating;
    bucket.ratingN += 1;
  }
  if (entry.type === 'failure') countInto(bucket.errors, entry.errorType ?? 'unknown');
  if (entry.durationMs !== undefined) {
    addTo(bucket.duration, entry.durationMs);
    const bin = binKey(durationBin(entry.durationMs));
    countInto(bucket.durationBins, bin);
    if (entry.type === 'success') {
      addTo(bucket.okDuration, entry.durationMs);
      countInto(bucket.okDurationBins, bin);
    }
  }
  if (entry.type === 'quality_score') countInto(bucket.qualityBins, binKey(scoreBin(entry.score)));
  if (entry.metrics !== undefined)
    for (const name of Object.keys(entry.metrics)) {
      const value = entry.metrics[name]!;
      addTo(ownOrCreate(bucket.metrics, name, zeroSums), value);
      countInto(
        ownOrCreate(bucket.metricBins, name, safeRecord<number>),
        binKey(durationBin(Math.max(0, value))),
      );
    }
  if (entry.timestamp < bucket.first) bucket.first = entry.timestamp;
  if (entry.timestamp > bucket.last) bucket.last = entry.timestamp;
}

/** Keys made once, not per entry (a fold handles millions): `type/source` pairs and bin numbers. */
const TYPE_SOURCE_KEYS = new Map<string, Map<string, string>>();
const BIN_KEYS: string[] = [];

function typeSourceKey(type: string, source: string): string {
  let bySource = TYPE_SOURCE_KEYS.get(type);
  if (bySource === undefined) {
    // Types and sources are a few known words; anything else (a damaged log) is not cached.
    if (TYPE_SOURCE_KEYS.size >= 64) return `${type}/${source}`;
    TYPE_SOURCE_KEYS.set(type, (bySource = new Map<string, string>()));
  }
  let key = bySource.get(source);
  if (key === undefined) {
    key = `${type}/${source}`;
    if (bySource.size < 64) bySource.set(source, key);
  }
  return key;
}

function binKey(bin: number): string {
  if (bin >= 0 && bin < 1024 && Number.isInteger(bin)) return (BIN_KEYS[bin] ??= String(bin));
  return String(bin);
}

/** Folds entries into the epochs they belong to; built once per fold pass. */
export class EpochFolder {
  private readonly byAgent = new Map<string, EpochSums[]>();

  constructor(epochs: Iterable<EpochSums>) {
    for (const epoch of epochs) {
      const list = this.byAgent.get(epoch.agentId);
      if (list) list.push(epoch);
      else this.byAgent.set(epoch.agentId, [epoch]);
    }
  }

  get empty(): boolean {
    return this.byAgent.size === 0;
  }

  fold(entry: FeedbackEntry): void {
    const epochs = this.byAgent.get(entry.agentId);
    if (!epochs) return;
    for (const epoch of epochs) if (inEpoch(epoch, entry)) addToEpoch(epoch, entry);
  }
}

export function inEpoch(epoch: Pick<EpochSums, 'since' | 'until'>, entry: FeedbackEntry): boolean {
  return entry.timestamp >= epoch.since && (epoch.until === undefined || entry.timestamp < epoch.until);
}

export function addToEpoch(epoch: EpochSums, entry: FeedbackEntry): void {
  addToBucket(epoch.bucket, entry);
  if (entry.type !== 'success' && entry.type !== 'failure') return;
  const kind = operationKind(entry);
  const counts = ownOrCreate(epoch.kinds, kind, () => ({ successes: 0, failures: 0 }));
  if (entry.type === 'success') counts.successes += 1;
  else counts.failures += 1;
}

/** Adds bucket `from` into `into` (used to total a window). */
export function mergeBucket(into: Bucket, from: Bucket): void {
  into.n += from.n;
  addCounts(into.byType, from.byType);
  addCounts(into.bySource, from.bySource);
  addCounts(into.byTypeSource, from.byTypeSource);
  addCounts(into.scoreSum, from.scoreSum);
  addCounts(into.sourceScoreSum, from.sourceScoreSum);
  addCounts(into.durationBins, from.durationBins);
  addCounts(into.okDurationBins, from.okDurationBins);
  addCounts(into.qualityBins, from.qualityBins);
  for (const [name, bins] of Object.entries(from.metricBins))
    addCounts(ownOrCreate(into.metricBins, name, safeRecord<number>), bins);
  for (const [type, min] of Object.entries(from.scoreMin) as Array<[FeedbackType, number]>) {
    const current = ownValue(into.scoreMin, type);
    if (current === undefined || min < current) setOwn(into.scoreMin, type, min);
  }
  addCounts(into.errors, from.errors);
  into.ratingSum += from.ratingSum;
  into.ratingN += from.ratingN;
  mergeSums(into.duration, from.duration);
  mergeSums(into.okDuration, from.okDuration);
  for (const [name, sums] of Object.entries(from.metrics))
    mergeSums(ownOrCreate(into.metrics, name, zeroSums), sums);
  if (into.n === from.n || from.first < into.first) into.first = from.first;
  if (from.last > into.last) into.last = from.last;
}

/** Totals an agent's buckets from hour key `fromKey` on (everything when undefined). */
export function totalFor(aggregates: ScoreAggregates, agentId: string, fromKey?: string): Bucket {
  const total = emptyBucket('');
  for (const [key, bucket] of Object.entries(ownValue(aggregates.agents, agentId) ?? {})) {
    if (fromKey === undefined || key >= fromKey) mergeBucket(total, bucket);
  }
  return total;
}

export function emptyBucket(timestamp: string): Bucket {
  return {
    n: 0,
    byType: safeRecord(),
    bySource: safeRecord(),
    byTypeSource: safeRecord(),
    scoreSum: safeRecord(),
    scoreMin: safeRecord(),
    sourceScoreSum: safeRecord(),
    ratingSum: 0,
    ratingN: 0,
    errors: safeRecord(),
    duration: zeroSums(),
    durationBins: safeRecord(),
    okDuration: zeroSums(),
    okDurationBins: safeRecord(),
    qualityBins: safeRecord(),
    metrics: safeRecord(),
    metricBins: safeRecord(),
    first: timestamp,
    last: timestamp,
  };
}

/** Eight bins per doubling: a percentile read from them is within ±4.5 % of the exact one. */
const BINS_PER_DOUBLING = 8;

export function durationBin(ms: number): number {
  return Math.floor(Math.log2(ms + 1) * BINS_PER_DOUBLING);
}

/** A value of a log-scale bin: the geometric middle of the bin (the inverse of durationBin, ±4.5 %). */
export function binValue(bin: number): number {
  return Math.max(0, Math.round(2 ** ((bin + 0.5) / BINS_PER_DOUBLING) - 1));
}

/** Scores in [0, 1] are kept in hundredths: exact enough for a rank test, 101 bins at most. */
export function scoreBin(score: number): number {
  return Math.round(score * 100);
}

/** The q-quantile (0–1) of the durations in a histogram, at the geometric middle of its bin. */
export function binQuantile(bins: Record<string, number>, q: number): number | null {
  const sorted = Object.entries(bins)
    .map(([bin, count]): [number, number] => [Number(bin), count])
    .sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((sum, [, count]) => sum + count, 0);
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (const [bin, count] of sorted) {
    seen += count;
    if (seen >= rank) return binValue(bin);
  }
  return null;
}

function zeroSums(): MetricSums {
  return { sum: 0, n: 0, max: null };
}

export function addTo(sums: MetricSums, value: number): void {
  sums.sum += value;
  sums.n += 1;
  if (sums.max === null || value > sums.max) sums.max = value;
}

function mergeSums(into: MetricSums, from: MetricSums): void {
  into.sum += from.sum;
  into.n += from.n;
  if (from.max !== null && (into.max === null || from.max > into.max)) into.max = from.max;
}

function addCounts(into: Record<string, number | undefined>, from: Record<string, number | undefined>): void {
  for (const [key, value] of Object.entries(from)) countInto(into, key, value ?? 0);
}
