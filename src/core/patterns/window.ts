import fs from 'node:fs';
import { asEntry } from '../feedback/aggregate-index.js';
import type { FeedbackEntry } from '../feedback/types.js';
import { parseLogLine, type LineCursor } from '../store/feedback-log.js';
import type { Stores } from '../store/stores.js';
import {
  currentTimes,
  readSegmentTimes,
  segmentTimesFile,
  writeSegmentTimes,
  type SegmentTimes,
} from './segment-times.js';

const TIMESTAMP_KEY = '"timestamp":"';

/**
 * Hands each entry with `fromIso <= timestamp <= toIso` of the given agents (all when undefined)
 * to `visit`, in log order. A window read costs what the window holds, not the whole history:
 * segments whose indexed time span lies outside the window are not opened, and a line whose
 * timestamp is outside is skipped before it is parsed. Every segment read in full updates the
 * sidecar index for the next run.
 */
export function scanWindow(
  stores: Stores,
  agentIds: ReadonlySet<string> | undefined,
  fromIso: string,
  toIso: string,
  visit: (entry: FeedbackEntry) => void,
): void {
  const indexFile = segmentTimesFile(stores.log);
  const stored = readSegmentTimes(indexFile);
  const next = new Map<number, SegmentTimes>();
  let changed = false;
  for (const segment of stores.log.segments()) {
    const file = stores.log.segmentPath(segment);
    const known = currentTimes(stored.get(segment), fs.statSync(file));
    // Indexed as wholly inside the window: every line is wanted, no need to peek at timestamps.
    let inside = false;
    if (known) {
      next.set(segment, known);
      if (known.first === null || known.last! < fromIso || known.first > toIso) continue;
      inside = known.first >= fromIso && known.last! <= toIso;
    }
    let first: string | null = null;
    let last: string | null = null;
    const visitLine = (cursor: LineCursor): void => {
      let timestamp = inside ? undefined : leadingTimestamp(cursor.text);
      let entry: FeedbackEntry | undefined;
      if (timestamp === undefined) {
        entry = parseEntry(cursor);
        timestamp = entry.timestamp;
      }
      if (first === null || timestamp < first) first = timestamp;
      if (last === null || timestamp > last) last = timestamp;
      if (timestamp < fromIso || timestamp > toIso) return;
      if (!entry) {
        entry = parseEntry(cursor);
        // The fast read and the parse agree for every line kv1nt writes; the parse has the last word.
        if (entry.timestamp < fromIso || entry.timestamp > toIso) return;
      }
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
  if (changed || next.size !== stored.size) writeSegmentTimes(indexFile, next);
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
function isEntryShaped(record: unknown): record is FeedbackEntry {
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

/**
 * The top-level timestamp of a log line read straight from its text, or undefined when that is
 * not certain: kv1nt writes `timestamp` before any nested object, unescaped and once; a line of
 * any other shape is left to JSON.parse.
 */
export function leadingTimestamp(text: string): string | undefined {
  // Without escapes every key and string is literal, so the checks below can read the raw text.
  if (text.charCodeAt(0) !== 0x7b || text.includes('\\')) return undefined;
  const key = text.indexOf(TIMESTAMP_KEY);
  if (key === -1) return undefined;
  // A brace or bracket before the key could mean it belongs to a nested object.
  const brace = text.indexOf('{', 1);
  if (brace !== -1 && brace < key) return undefined;
  const bracket = text.indexOf('[');
  if (bracket !== -1 && bracket < key) return undefined;
  const start = key + TIMESTAMP_KEY.length;
  const close = text.indexOf('"', start);
  if (close === -1) return undefined;
  // JSON.parse keeps the last of duplicate keys: a second one means the text cannot decide.
  if (text.indexOf('"timestamp"', close) !== -1) return undefined;
  return text.slice(start, close);
}
