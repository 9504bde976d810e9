import fs from 'node:fs';
import path from 'node:path';
import { atomicWriteFile } from '../store/atomic-file.js';
import type { FeedbackLog } from '../store/feedback-log.js';

/**
 * A sidecar of the feedback log (`feedback/segment-times.json`): the earliest and latest entry
 * timestamp of each segment, so a windowed read can skip old segments without opening them.
 * It is derived and disposable: an entry counts only while its segment still has the exact size,
 * mtime and inode it had when read (an append, a purge or a restore makes it stale), and a
 * missing, unreadable or stale index just means the segment is read as before.
 */
export const SEGMENT_TIMES_FORMAT = 'kv1nt-segment-times';
const VERSION = 1;

export interface SegmentTimes {
  bytes: number;
  mtimeMs: number;
  ino: number;
  /** Earliest and latest timestamp in the segment; null when it holds no entries. */
  first: string | null;
  last: string | null;
}

export type SegmentStat = Pick<fs.Stats, 'size' | 'mtimeMs' | 'ino'>;

export function segmentTimesFile(log: FeedbackLog): string {
  return path.join(path.dirname(log.dir), 'segment-times.json');
}

/** The stored index; anything unreadable or of another format reads as empty. */
export function readSegmentTimes(file: string): Map<number, SegmentTimes> {
  const times = new Map<number, SegmentTimes>();
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return times;
  }
  const { format, version, segments } = (doc ?? {}) as Record<string, unknown>;
  if (format !== SEGMENT_TIMES_FORMAT || version !== VERSION) return times;
  if (segments === null || typeof segments !== 'object') return times;
  for (const [key, value] of Object.entries(segments as Record<string, unknown>)) {
    if (isSegmentTimes(value) && /^\d+$/.test(key)) times.set(Number(key), value);
  }
  return times;
}

/** Writes the index atomically; a failure (read-only data dir, full disk) only costs speed later. */
export function writeSegmentTimes(file: string, times: ReadonlyMap<number, SegmentTimes>): void {
  const segments: Record<string, SegmentTimes> = {};
  for (const [segment, value] of [...times].sort((a, b) => a[0] - b[0])) segments[segment] = value;
  try {
    atomicWriteFile(
      file,
      `${JSON.stringify({ format: SEGMENT_TIMES_FORMAT, version: VERSION, segments })}\n`,
    );
  } catch {
    // Derived data: the next reader reads the segments instead.
  }
}

/** Removes the index (the log changed outside kv1nt): every segment is read afresh next time. */
export function dropSegmentTimes(log: FeedbackLog): void {
  try {
    fs.rmSync(segmentTimesFile(log), { force: true });
  } catch {
    // Derived data: a stale entry is still caught by its size, mtime and inode.
  }
}

/**
 * Records the time span of a segment that was just written whole (an import), so the first
 * windowed read can already skip it. Only if the file is still exactly what was written.
 */
export function noteWrittenSegment(
  log: FeedbackLog,
  segment: number,
  bytes: number,
  timestamps: Iterable<string>,
): void {
  let first: string | null = null;
  let last: string | null = null;
  for (const time of timestamps) {
    if (first === null || time < first) first = time;
    if (last === null || time > last) last = time;
  }
  let stat: fs.Stats;
  try {
    stat = fs.statSync(log.segmentPath(segment));
  } catch {
    return;
  }
  if (stat.size !== bytes) return;
  const file = segmentTimesFile(log);
  const times = readSegmentTimes(file);
  times.set(segment, { bytes, mtimeMs: stat.mtimeMs, ino: stat.ino, first, last });
  writeSegmentTimes(file, times);
}

/** The stored times of a segment, if they still describe the file as it is now. */
export function currentTimes(stored: SegmentTimes | undefined, stat: SegmentStat): SegmentTimes | undefined {
  if (!stored) return undefined;
  return stored.bytes === stat.size && stored.mtimeMs === stat.mtimeMs && stored.ino === stat.ino
    ? stored
    : undefined;
}

function isSegmentTimes(value: unknown): value is SegmentTimes {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  const time = (t: unknown) => t === null || typeof t === 'string';
  return (
    typeof v.bytes === 'number' &&
    typeof v.mtimeMs === 'number' &&
    typeof v.ino === 'number' &&
    time(v.first) &&
    time(v.last) &&
    (v.first === null) === (v.last === null)
  );
}
