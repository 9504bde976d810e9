import fs from 'node:fs';
import { logCorrupt } from '../errors.js';
import { dropSegmentTimes } from '../patterns/segment-times.js';
import { dropColumns } from './columns/format.js';
import { ownValue, safeRecord, setOwn } from '../safe-record.js';
import { parseLogLine, type FeedbackLog, type LogPosition } from '../store/feedback-log.js';
import type { AggregatesDoc, FoldedSegment, Stores } from '../store/stores.js';
import { EpochFolder, emptyAggregates, foldEntry } from './aggregates.js';
import type { FeedbackEntry } from './types.js';

/**
 * Brings `score_aggregates` up to date with the log and returns it. Recording never touches the
 * aggregates (that keeps it O(1)); readers fold in whatever was appended since the last fold, so
 * the cost of a read is the number of new entries, not the size of the history.
 */
export async function refreshAggregates(stores: Stores): Promise<AggregatesDoc> {
  const current = await stores.aggregates.read();
  if (samePosition(current.foldedTo, stores.log.endPosition()) && !logChangedUnder(stores.log, current))
    return current;
  return stores.aggregates.mutate((doc) => {
    const rebuilt = rebuildIfLogChanged(stores, doc);
    return foldNew(stores, doc) > 0 || rebuilt;
  });
}

/**
 * If the log changed under the folded part of `doc` (a segment shortened, gone or replaced
 * outside kv1nt), empties `doc` so that it is folded again from the start, with a warning, and
 * returns true. Folding on from the old offset would read the middle of a valid line and blame it.
 * The epochs go too: their callers catch them up again from the log.
 */
export function rebuildIfLogChanged(stores: Stores, doc: AggregatesDoc): boolean {
  const change = logChangedUnder(stores.log, doc);
  if (change === undefined) return false;
  stores.warn(`${change}: the aggregates are rebuilt from the log.`);
  Object.assign(doc, emptyAggregates(), { foldedSegments: safeRecord<FoldedSegment>() });
  dropSegmentTimes(stores.log);
  dropColumns(stores.log);
  return true;
}

/**
 * Folds every log line after `doc.foldedTo` into `doc` (rebuilding it first if the log changed
 * under it); returns how many entries it folded.
 */
export function foldNew(stores: Stores, doc: AggregatesDoc): number {
  rebuildIfLogChanged(stores, doc);
  let folded = 0;
  let segmentEnd: LogPosition | undefined;
  const files = new SegmentFiles(stores);
  const epochs = new EpochFolder(Object.values(doc.epochs));
  for (const line of stores.log.linesFrom(doc.foldedTo)) {
    const file = files.of(line.end.segment);
    if (segmentEnd && segmentEnd.segment !== line.end.segment) markFolded(stores.log, doc, segmentEnd);
    const entry = asEntry(parseLogLine(line, file), file, line.end.offset);
    foldEntry(doc, entry);
    if (!epochs.empty) epochs.fold(entry);
    doc.foldedTo = line.end;
    segmentEnd = line.end;
    folded++;
  }
  if (segmentEnd) markFolded(stores.log, doc, segmentEnd);
  return folded;
}

/**
 * Records that `doc` holds its segment up to `end`: the fold position, and the segment's inode and
 * (when nothing followed the fold yet) modification time, which logChangedUnder checks later.
 */
export function markFolded(log: FeedbackLog, doc: AggregatesDoc, end: LogPosition): void {
  doc.foldedTo = end;
  let record: FoldedSegment = { bytes: end.offset, ino: 0 };
  try {
    const now = segmentRecord(log, end.segment);
    // A record appended meanwhile moved the mtime past what was folded: keep only the inode.
    record = now.bytes === end.offset ? now : { bytes: end.offset, ino: now.ino };
  } catch {
    // Gone already: the next read notices.
  }
  if (doc.foldedSegments === undefined) {
    // A document from before these records: the segments below were folded whole (only the
    // newest segment is ever appended to), so their present sizes are what it holds of them.
    doc.foldedSegments = safeRecord();
    for (const segment of log.segments())
      if (segment < end.segment) setOwn(doc.foldedSegments, String(segment), segmentRecord(log, segment));
  }
  setOwn(doc.foldedSegments, String(end.segment), record);
}

function segmentRecord(log: FeedbackLog, segment: number): FoldedSegment {
  const stat = fs.statSync(log.segmentPath(segment));
  return { bytes: stat.size, ino: stat.ino, mtimeMs: stat.mtimeMs };
}

/**
 * How the log differs from what `doc` folded, or undefined when every folded byte is still there:
 * each folded segment must exist as the same file (inode), hold at least the folded bytes, still
 * end a line where the fold stopped, and — if it has not grown since — have the same mtime (a
 * file rewritten in place, or a new file that got the old inode number, has the same size but a
 * new mtime). A document from before these records is checked at its fold position only.
 */
export function logChangedUnder(log: FeedbackLog, doc: AggregatesDoc): string | undefined {
  const folded: Array<[number, FoldedSegment | undefined]> =
    doc.foldedSegments === undefined
      ? doc.foldedTo.segment > 0
        ? [[doc.foldedTo.segment, { bytes: doc.foldedTo.offset, ino: 0 }]]
        : []
      : Object.keys(doc.foldedSegments).map((key) => [Number(key), ownValue(doc.foldedSegments, key)]);
  for (const [segment, record] of folded) {
    if (!record || record.bytes <= 0) continue;
    const file = log.segmentPath(segment);
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch {
      return `the feedback log segment ${file} is gone`;
    }
    try {
      const stat = fs.fstatSync(fd);
      if (stat.size < record.bytes)
        return `the feedback log segment ${file} is ${stat.size} bytes, shorter than the ${record.bytes} bytes already counted`;
      if (record.ino !== 0 && stat.ino !== record.ino) return `the feedback log segment ${file} was replaced`;
      if (record.mtimeMs !== undefined && stat.size === record.bytes && stat.mtimeMs !== record.mtimeMs)
        return `the feedback log segment ${file} was rewritten`;
      const last = Buffer.alloc(1);
      fs.readSync(fd, last, 0, 1, record.bytes - 1);
      if (last[0] !== 0x0a) return `the feedback log segment ${file} was rewritten`;
    } finally {
      fs.closeSync(fd);
    }
  }
  return undefined;
}

/** Every entry in the log, in order (for commands that need raw records). */
export function* allEntries(stores: Stores): Generator<FeedbackEntry> {
  const files = new SegmentFiles(stores);
  for (const line of stores.log.linesFrom()) {
    const file = files.of(line.end.segment);
    yield asEntry(parseLogLine(line, file), file, line.end.offset);
  }
}

/** A segment's file name, built once per segment rather than once per line. */
export class SegmentFiles {
  private segment = -1;
  private file = '';
  constructor(private readonly stores: Stores) {}
  of(segment: number): string {
    if (segment !== this.segment) {
      this.segment = segment;
      this.file = this.stores.log.segmentPath(segment);
    }
    return this.file;
  }
}

/** Checks that a parsed log record is a feedback entry; `file` and `offset` name it if not. */
export function asEntry(record: unknown, file: string, offset: number): FeedbackEntry {
  const entry = record as Partial<FeedbackEntry> | null;
  if (
    entry === null ||
    typeof entry !== 'object' ||
    typeof entry.agentId !== 'string' ||
    typeof entry.type !== 'string' ||
    typeof entry.timestamp !== 'string' ||
    typeof entry.score !== 'number'
  ) {
    throw logCorrupt(
      `The feedback log segment ${file} is damaged: the record ending at byte ${offset} is not a feedback entry. kv1nt has not changed it.`,
      [`Restore ${file} from a backup, or remove that line by hand; every other record is intact.`],
    );
  }
  return entry as FeedbackEntry;
}

export function samePosition(a: LogPosition, b: LogPosition): boolean {
  return a.segment === b.segment && a.offset === b.offset;
}
