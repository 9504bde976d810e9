import fs from 'node:fs';
import { asEntry } from '../feedback/aggregate-index.js';
import type { FeedbackEntry } from '../feedback/types.js';
import { parseLogLine, type FeedbackLog, type LineCursor } from '../store/feedback-log.js';
import { readCanonicalLine, type DetectionEntry } from './canonical-line.js';
import { FieldPeek } from './field-peek.js';
import {
  currentTimes,
  readSegmentTimes,
  segmentTimesFile,
  writeSegmentTimes,
  type SegmentTimes,
} from './segment-times.js';

export interface ScanOptions {
  /**
   * Write what was learnt of the segments' time spans to the sidecar index (the default). A
   * reader without write access (a plugin process) only reads the index.
   */
  updateIndex?: boolean;
  /**
   * Reads a segment the window touches some other way (its column sidecar) and returns true, or
   * returns false to have its lines read; `inside` when it is indexed as wholly in the window.
   */
  readSegment?: (segment: number, stat: fs.Stats, inside: boolean) => boolean;
}

/**
 * The ISO bounds of the window [from, to] (ms since the epoch); `to` gets five minutes of slack
 * for agents whose clocks run a little ahead.
 */
export function windowBounds(from: number, to: number): [string, string] {
  return [new Date(from).toISOString(), new Date(to + 300_000).toISOString()];
}

/**
 * Hands each entry with `fromIso <= timestamp <= toIso` of the given agents (all when undefined)
 * to `visit`, in log order. A window read costs what the window holds, not the whole history:
 * segments whose indexed time span lies outside the window are not opened, and a line whose
 * timestamp is outside, or whose agent is not wanted, is skipped before it is parsed. Every
 * segment read in full updates the sidecar index for the next run.
 */
export function scanWindow(
  stores: { log: FeedbackLog },
  agentIds: ReadonlySet<string> | undefined,
  fromIso: string,
  toIso: string,
  visit: (entry: FeedbackEntry) => void,
  { updateIndex = true, readSegment }: ScanOptions = {},
): void {
  const plan = planWindow(stores.log, fromIso, toIso);
  const filter = { agentIds, fromIso, toIso, detectionOnly: false };
  const read = new Map<number, PieceTimes>();
  for (const { segment, stat, known, inside } of plan.reads) {
    if (readSegment?.(segment, stat, inside)) continue;
    const piece = { segment, from: 0, to: Infinity, known: known !== undefined };
    // Without detectionOnly every entry handed on is a whole FeedbackEntry.
    read.set(segment, readPiece(stores.log, piece, inside, filter, visit as (entry: DetectionEntry) => void));
  }
  finishWindow(stores.log, plan, read, updateIndex);
}

/** A segment the window touches, as the index tells before it is read. */
export interface SegmentRead {
  segment: number;
  stat: fs.Stats;
  /** Its indexed time span, when the index is current for it. */
  known: SegmentTimes | undefined;
  /** Indexed as wholly inside the window: every line is wanted, no need to peek at timestamps. */
  inside: boolean;
}

export interface WindowPlan {
  indexFile: string;
  stored: Map<number, SegmentTimes>;
  /** The index as it will be written: the current entries, then those learnt by the reads. */
  next: Map<number, SegmentTimes>;
  reads: SegmentRead[];
}

/** The segments a window read must open, in log order (those indexed as outside are left out). */
export function planWindow(log: FeedbackLog, fromIso: string, toIso: string): WindowPlan {
  const indexFile = segmentTimesFile(log);
  const stored = readSegmentTimes(indexFile);
  const next = new Map<number, SegmentTimes>();
  const reads: SegmentRead[] = [];
  for (const segment of log.segments()) {
    const stat = fs.statSync(log.segmentPath(segment));
    const known = currentTimes(stored.get(segment), stat);
    let inside = false;
    if (known) {
      next.set(segment, known);
      if (known.first === null || known.last! < fromIso || known.first > toIso) continue;
      inside = known.first >= fromIso && known.last! <= toIso;
    }
    reads.push({ segment, stat, known, inside });
  }
  return { indexFile, stored, next, reads };
}

/** Which lines of a read are handed on, and how they are read. */
export interface LineFilter {
  agentIds: ReadonlySet<string> | undefined;
  fromIso: string;
  toIso: string;
  detectionOnly: boolean;
}

/** Bytes [from, to) of a segment (0, Infinity: all of it); `known`: its time span is indexed. */
export interface Piece {
  segment: number;
  from: number;
  to: number;
  known: boolean;
}

/** What a read of a piece learnt of its time span, and where its readable lines end. */
export interface PieceTimes {
  first: string | null;
  last: string | null;
  readable: number;
}

/**
 * Hands each line of the piece that passes the filter to `visit`, in log order; a line whose
 * timestamp is outside, or whose agent is not wanted, is skipped before it is parsed.
 */
export function readPiece(
  log: FeedbackLog,
  piece: Piece,
  inside: boolean,
  { agentIds, fromIso, toIso, detectionOnly }: LineFilter,
  visit: (entry: DetectionEntry) => void,
): PieceTimes {
  const known = piece.known;
  let first: string | null = null;
  let last: string | null = null;
  const timestampPeek = new FieldPeek('timestamp');
  const agentPeek = new FieldPeek('agentId');
  const visitLine = (cursor: LineCursor): void => {
    const light = detectionOnly ? readCanonicalLine(cursor.text) : undefined;
    if (light !== undefined) {
      // Text comparisons of timestamps cut out of a line are slow: only those needed are made.
      if (!inside) {
        const timestamp = light.timestamp;
        if (!known) {
          if (first === null || timestamp < first) first = timestamp;
          if (last === null || timestamp > last) last = timestamp;
        }
        if (timestamp < fromIso || timestamp > toIso) return;
      }
      if (agentIds && !agentIds.has(light.agentId)) return;
      visit(light);
      return;
    }
    // A segment indexed as wholly inside needs no timestamps: its first and last are known.
    const timestamp = inside ? undefined : timestampPeek.of(cursor);
    if (timestamp !== undefined) {
      if (first === null || timestamp < first) first = timestamp;
      if (last === null || timestamp > last) last = timestamp;
      if (timestamp < fromIso || timestamp > toIso) return;
    }
    // Another agent's line is skipped unparsed, unless it must be parsed for the index.
    if (agentIds && (inside || timestamp !== undefined)) {
      const agentId = agentPeek.of(cursor);
      if (agentId !== undefined && !agentIds.has(agentId)) return;
    }
    const entry = parseEntry(cursor);
    if (timestamp === undefined && !inside) {
      if (first === null || entry.timestamp < first) first = entry.timestamp;
      if (last === null || entry.timestamp > last) last = entry.timestamp;
    }
    // The fast reads and the parse agree for every line kv1nt writes; the parse has the last word.
    if (entry.timestamp < fromIso || entry.timestamp > toIso) return;
    if (agentIds && !agentIds.has(entry.agentId)) return;
    visit(entry);
  };
  const readable = log.scanSegment(piece.segment, visitLine, piece);
  return { first, last, readable };
}

/**
 * Indexes each segment read in full (`read`: its times, the pieces of a segment read in two
 * joined), if nothing was appended or torn while it was read, and writes the index if it changed.
 */
export function finishWindow(
  log: FeedbackLog,
  { indexFile, stored, next, reads }: WindowPlan,
  read: ReadonlyMap<number, PieceTimes>,
  updateIndex: boolean,
): void {
  let changed = false;
  for (const { segment, known } of reads) {
    const times = read.get(segment);
    if (known || !times) continue;
    const after = fs.statSync(log.segmentPath(segment));
    if (after.size !== times.readable) continue;
    const { first, last } = times;
    next.set(segment, { bytes: after.size, mtimeMs: after.mtimeMs, ino: after.ino, first, last });
    changed = true;
  }
  if (updateIndex && (changed || next.size !== stored.size)) writeSegmentTimes(indexFile, next);
}

/** Parses the cursor's line as an entry; its byte position is worked out only for the error. */
function parseEntry(cursor: LineCursor): FeedbackEntry {
  let record: unknown;
  try {
    record = JSON.parse(cursor.text);
  } catch {
    parseLogLine(cursor.line(), cursor.file);
  }
  if (isEntryShaped(record)) return record;
  return asEntry(record, cursor.file, cursor.end().offset);
}

/** The same test as asEntry, without building the error arguments for every line. */
export function isEntryShaped(record: unknown): record is FeedbackEntry {
  const entry = record as Partial<FeedbackEntry> | null;
  return (
    entry !== null &&
    typeof entry === 'object' &&
    typeof entry.agentId === 'string' &&
    typeof entry.type === 'string' &&
    typeof entry.timestamp === 'string' &&
    typeof entry.score === 'number'
  );
}
