import fs from 'node:fs';
import { invalidValue } from '../errors.js';
import {
  currentTimes,
  readSegmentTimes,
  segmentTimesFile,
  writeSegmentTimes,
  type SegmentTimes,
} from '../patterns/segment-times.js';
import type { Stores } from '../store/stores.js';
import { asEntry } from './aggregate-index.js';
import { leadingTimestamp } from './log-fields.js';
import { scanBackward } from './read-backward.js';
import { inTimeRange, matches, type FeedbackFilter } from './filter.js';
import type { FeedbackEntry } from './types.js';

export const LIST_LIMIT_MAX = 100_000;

/**
 * The newest `limit` entries that pass `filter`, newest first (by timestamp; at equal times the
 * one stored later first). Segments are visited newest first: those whose indexed time span
 * (segment-times.json) ends before the oldest entry kept so far, or lies outside the filter's
 * times, are not opened, and a line older than that is skipped before it is parsed — so a small
 * --limit costs the newest segments, not the history. Segments read whole are indexed for later.
 */
export function listFeedback(stores: Stores, filter: FeedbackFilter, limit: number): FeedbackEntry[] {
  if (!Number.isInteger(limit) || limit < 1 || limit > LIST_LIMIT_MAX)
    throw invalidValue('limit', `a whole number from 1 to ${LIST_LIMIT_MAX}`, limit);
  const indexFile = segmentTimesFile(stores.log);
  const stored = readSegmentTimes(indexFile);
  const learned = new Map<number, SegmentTimes>();
  const top = new Newest(limit);
  for (const { segment, known } of visitingOrder(stores, stored)) {
    if (known) {
      if (known.first === null || !overlaps(filter, known) || top.olderThanAll(known.last!)) continue;
    }
    let first: string | null = null;
    let last: string | null = null;
    // Counts down: read from the end, a later line gets a larger number.
    let index = 1e7;
    const file = stores.log.segmentPath(segment);
    const readable = scanBackward(file, segment, (text, end) => {
      index--;
      let timestamp = leadingTimestamp(text);
      let entry: FeedbackEntry | undefined;
      if (timestamp === undefined) {
        entry = entryOf(text, file, end);
        timestamp = entry.timestamp;
      }
      if (first === null || timestamp < first) first = timestamp;
      if (last === null || timestamp > last) last = timestamp;
      if (!inTimeRange(filter, timestamp) || top.olderThanAll(timestamp)) return;
      entry ??= entryOf(text, file, end);
      if (matches(filter, entry)) top.add(entry, segment, index);
    });
    if (known) continue;
    const after = fs.statSync(stores.log.segmentPath(segment));
    // Indexed only if nothing was appended or torn while it was read.
    if (after.size === readable)
      learned.set(segment, { bytes: after.size, mtimeMs: after.mtimeMs, ino: after.ino, first, last });
  }
  if (learned.size > 0) {
    for (const [segment, times] of learned) stored.set(segment, times);
    writeSegmentTimes(indexFile, stored);
  }
  return top.result();
}

/** Unindexed segments first (newest first: the one being appended to), then by latest time. */
function visitingOrder(
  stores: Stores,
  stored: ReadonlyMap<number, SegmentTimes>,
): Array<{ segment: number; known: SegmentTimes | undefined }> {
  const segments = stores.log.segments().map((segment) => ({
    segment,
    known: currentTimes(stored.get(segment), fs.statSync(stores.log.segmentPath(segment))),
  }));
  return segments.sort((a, b) => {
    if (!a.known || !b.known) return a.known ? 1 : b.known ? -1 : b.segment - a.segment;
    return descending(a.known.last ?? '', b.known.last ?? '') || b.segment - a.segment;
  });
}

function overlaps(filter: FeedbackFilter, times: SegmentTimes): boolean {
  return (
    (filter.since === undefined || times.last! >= filter.since) &&
    (filter.until === undefined || times.first! <= filter.until)
  );
}

/** The newest `limit` entries seen: kept unsorted up to twice the limit, then cut back. */
class Newest {
  private kept: Array<{ entry: FeedbackEntry; order: number }> = [];
  /** The oldest timestamp still kept once `limit` are held; anything older cannot make it. */
  private floor: string | undefined;

  constructor(private readonly limit: number) {}

  olderThanAll(timestamp: string): boolean {
    return this.floor !== undefined && timestamp < this.floor;
  }

  add(entry: FeedbackEntry, segment: number, index: number): void {
    this.kept.push({ entry, order: segment * 1e8 + index });
    if (this.kept.length >= this.limit * 2) this.cut();
  }

  result(): FeedbackEntry[] {
    this.cut();
    return this.kept.map((item) => item.entry);
  }

  private cut(): void {
    this.kept.sort((a, b) => descending(a.entry.timestamp, b.entry.timestamp) || b.order - a.order);
    if (this.kept.length >= this.limit) {
      this.kept.length = this.limit;
      this.floor = this.kept[this.limit - 1]!.entry.timestamp;
    }
  }
}

/** Canonical ISO timestamps sort as plain strings (no locale rules). */
function descending(a: string, b: string): number {
  return a < b ? 1 : a > b ? -1 : 0;
}

/** A line as an entry; JSON.parse errors are named with the file and position by scanBackward. */
function entryOf(text: string, file: string, end: number): FeedbackEntry {
  return asEntry(JSON.parse(text), file, end);
}
