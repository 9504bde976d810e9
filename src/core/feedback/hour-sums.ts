import { timeOf } from '../patterns/timestamps.js';
import { safeRecord, setOwn } from '../safe-record.js';
import { addTo, durationBin, emptyBucket, scoreBin, type Bucket, type MetricSums } from './aggregates.js';
import { FEEDBACK_SOURCES, FEEDBACK_TYPES, type FeedbackEntry } from './types.js';

export const TYPE_INDEX = new Map<string, number>(FEEDBACK_TYPES.map((type, i) => [type, i]));
export const SOURCE_INDEX = new Map<string, number>(FEEDBACK_SOURCES.map((source, i) => [source, i]));
const TYPES = FEEDBACK_TYPES.length;
const SOURCES = FEEDBACK_SOURCES.length;
const FAILURE = TYPE_INDEX.get('failure');
const SUCCESS = TYPE_INDEX.get('success');
const QUALITY_SCORE = TYPE_INDEX.get('quality_score');

/**
 * One agent-hour's sums while an import reads: the figures addToBucket keeps, held in arrays
 * indexed by type and source and in Maps, so that folding an entry costs no keyed lookups in
 * records (a million-line import spent a second there). `toBucket()` gives exactly the Bucket
 * addToBucket builds from the same entries in the same order. Entries must be validated ones
 * (a known type and source, a canonical timestamp: then its time orders as its text does, and
 * the first and last are kept as times — no string per entry).
 */
export class HourSums {
  private n = 0;
  private readonly typeN = new Float64Array(TYPES);
  private readonly typeScore = new Float64Array(TYPES);
  private readonly typeMin = new Float64Array(TYPES);
  private readonly sourceN = new Float64Array(SOURCES);
  private readonly sourceScore = new Float64Array(SOURCES);
  private readonly pairN = new Float64Array(TYPES * SOURCES);
  /** Indexes in the order first seen: a record's keys come out in that order, as addToBucket's do. */
  private readonly typeOrder: number[] = [];
  private readonly sourceOrder: number[] = [];
  private readonly pairOrder: number[] = [];
  private ratingSum = 0;
  private ratingN = 0;
  private readonly errors = new Map<string, number>();
  private readonly duration: MetricSums = { sum: 0, n: 0, max: null };
  private readonly durationBins = new Map<number, number>();
  private readonly okDuration: MetricSums = { sum: 0, n: 0, max: null };
  private readonly okDurationBins = new Map<number, number>();
  private readonly qualityBins = new Map<number, number>();
  private readonly metrics = new Map<string, MetricSums>();
  private readonly metricBins = new Map<string, Map<number, number>>();
  private first: number;
  private last: number;

  constructor(time: number) {
    this.first = time;
    this.last = time;
  }

  /** An entry; `time`: its timestamp's, when the caller has it already. */
  add(entry: FeedbackEntry, time = timeOf(entry.timestamp)): void {
    this.addFields(
      TYPE_INDEX.get(entry.type)!,
      SOURCE_INDEX.get(entry.source)!,
      entry.score,
      entry.rating,
      entry.errorType,
      entry.durationMs,
      time,
    );
    if (entry.metrics !== undefined)
      for (const name of Object.keys(entry.metrics)) this.addMetric(name, entry.metrics[name]!);
  }

  /** An entry's fields but its metrics (each then given to addMetric), types and sources by index. */
  addFields(
    type: number,
    source: number,
    score: number,
    rating: number | undefined,
    errorType: string | undefined,
    durationMs: number | undefined,
    time: number,
  ): void {
    const pair = type * SOURCES + source;
    this.n += 1;
    if (this.typeN[type] === 0) {
      this.typeOrder.push(type);
      this.typeMin[type] = score;
    } else if (score < this.typeMin[type]!) this.typeMin[type] = score;
    this.typeN[type]! += 1;
    this.typeScore[type]! += score;
    if (this.sourceN[source] === 0) this.sourceOrder.push(source);
    this.sourceN[source]! += 1;
    this.sourceScore[source]! += score;
    if (this.pairN[pair] === 0) this.pairOrder.push(pair);
    this.pairN[pair]! += 1;
    if (rating !== undefined) {
      this.ratingSum += rating;
      this.ratingN += 1;
    }
    if (type === FAILURE) bump(this.errors, errorType ?? 'unknown');
    if (durationMs !== undefined) {
      addTo(this.duration, durationMs);
      const bin = durationBin(durationMs);
      bump(this.durationBins, bin);
      if (type === SUCCESS) {
        addTo(this.okDuration, durationMs);
        bump(this.okDurationBins, bin);
      }
    }
    if (type === QUALITY_SCORE) bump(this.qualityBins, scoreBin(score));
    if (time < this.first) this.first = time;
    if (time > this.last) this.last = time;
  }

  addMetric(name: string, value: number): void {
    let sums = this.metrics.get(name);
    if (sums === undefined) {
      this.metrics.set(name, (sums = { sum: 0, n: 0, max: null }));
      this.metricBins.set(name, new Map());
    }
    addTo(sums, value);
    bump(this.metricBins.get(name)!, durationBin(Math.max(0, value)));
  }

  toBucket(): Bucket {
    const first = new Date(this.first).toISOString();
    const bucket = emptyBucket(first);
    bucket.n = this.n;
    for (const type of this.typeOrder) {
      const name = FEEDBACK_TYPES[type]!;
      setOwn(bucket.byType, name, this.typeN[type]!);
      setOwn(bucket.scoreSum, name, this.typeScore[type]!);
      setOwn(bucket.scoreMin, name, this.typeMin[type]!);
    }
    for (const source of this.sourceOrder) {
      const name = FEEDBACK_SOURCES[source]!;
      setOwn(bucket.bySource, name, this.sourceN[source]!);
      setOwn(bucket.sourceScoreSum, name, this.sourceScore[source]!);
    }
    for (const pair of this.pairOrder) {
      const key = `${FEEDBACK_TYPES[Math.floor(pair / SOURCES)]!}/${FEEDBACK_SOURCES[pair % SOURCES]!}`;
      setOwn(bucket.byTypeSource, key, this.pairN[pair]!);
    }
    bucket.ratingSum = this.ratingSum;
    bucket.ratingN = this.ratingN;
    copyInto(bucket.errors, this.errors);
    bucket.duration = { ...this.duration };
    copyInto(bucket.durationBins, this.durationBins);
    bucket.okDuration = { ...this.okDuration };
    copyInto(bucket.okDurationBins, this.okDurationBins);
    copyInto(bucket.qualityBins, this.qualityBins);
    for (const [name, sums] of this.metrics) {
      setOwn(bucket.metrics, name, { ...sums });
      const bins = safeRecord<number>();
      copyInto(bins, this.metricBins.get(name)!);
      setOwn(bucket.metricBins, name, bins);
    }
    bucket.first = first;
    bucket.last = new Date(this.last).toISOString();
    return bucket;
  }
}

function bump<K>(counts: Map<K, number>, key: K): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function copyInto(record: Record<string, number>, counts: Map<string | number, number>): void {
  for (const [key, count] of counts) setOwn(record, String(key), count);
}
