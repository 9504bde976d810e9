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
 * scanWindow for pattern detection: the visitor gets only what detection reads, so canonical
 * lines are read by readCanonicalLine instead of JSON.parse.
 */
export function scanDetectionWindow(
  stores: { log: FeedbackLog },
  agentIds: ReadonlySet<string> | undefined,
  fromIso: string,
  toIso: string,
  visit: (entry: DetectionEntry) => void,
): void {
  scanLines(stores, agentIds, fromIso, toIso, visit, { detectionOnly: true });
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
  options: ScanOptions = {},
): void {
  scanLines(stores, agentIds, fromIso, toIso, visit as (entry: DetectionEntry) => void, options);
}

function scanLines(
  stores: { log: FeedbackLog },
  agentIds: ReadonlySet<string> | undefined,
  fromIso: string,
  toIso: string,
  visit: (entry: DetectionEntry) => void,
  {
    updateIndex = true,
    readSegment,
    detectionOnly = false,
  }: ScanOptions & {
    /** The visitor reads only a DetectionEntry's fields: canonical lines are not JSON.parsed. */
    detectionOnly?: boolean;
  },
): void {
  const indexFile = segmentTimesFile(stores.log);
  const stored = readSegmentTimes(indexFile);
  const next = new Map<number, SegmentTimes>();
  let changed = false;
  for (const segment of stores.log.segments()) {
    const file = stores.log.segmentPath(segment);
    const stat = fs.statSync(file);
    const known = currentTimes(stored.get(segment), stat);
    // Indexed as wholly inside the window: every line is wanted, no need to peek at timestamps.
    let inside = false;
    if (known) {
      next.set(segment, known);
      if (known.first === null || known.last! < fromIso || known.first > toIso) continue;
      inside = known.first >= fromIso && known.last! <= toIso;
    }
    if (readSegment?.(segment, stat, inside)) continue;
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
    const readable = stores.log.scanSegment(segment, visitLine);
    if (known) continue;
    // Index the segment only if nothing was appended or torn while it was read.
    const after = fs.statSync(file);
    if (after.size !== readable) continue;
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
