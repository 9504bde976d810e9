import { byTimestamp } from '../patterns/timestamps.js';
import { scanWindow, windowBounds } from '../patterns/window.js';
import { DataDir } from '../store/data-dir.js';
import { FeedbackLog } from '../store/feedback-log.js';
import { freezeParsed } from './columns/column-entry.js';
import { ColumnRows } from './columns/entries.js';
import { timeOrder } from './columns/time-order.js';
import { columnsFile } from './columns/format.js';
import { readColumns } from './columns/read-columns.js';
import type { FeedbackEntry } from './types.js';

/** One agent's analysis window: what a detector's `ctx.feedback` holds. */
export interface FeedbackWindow {
  /** The data dir whose log is read. */
  dataDir: string;
  agentId: string;
  /** Epoch milliseconds, inclusive. */
  from: number;
  to: number;
}

/**
 * The window's entries, oldest first and frozen, read from the feedback log and nothing else (no
 * store, no lock, no write): kv1nt reads it for an in-process detector, and a plugin process
 * reads it itself, with read-only file access, when its detector first reads `ctx.feedback` — so
 * the entries never cross between processes. Like `patterns`, it skips the segments outside the
 * window and parses only the lines of this agent inside it. A segment with a current column
 * sidecar (columns/build.ts) is not parsed at all: its entries are built from the columns, and
 * ordered by their timestamps as numbers.
 */
export function readFeedbackWindow(window: FeedbackWindow): readonly FeedbackEntry[] {
  const log = new FeedbackLog(new DataDir(window.dataDir));
  const rows = new ColumnRows();
  // Entries parsed from lines, each after the rows added before it (-1: after none).
  const parsed: Array<{ entry: FeedbackEntry; after: number }> = [];
  const [fromIso, toIso] = windowBounds(window.from, window.to);
  const [from, to] = [Date.parse(fromIso), Date.parse(toIso)];
  scanWindow(
    { log },
    new Set([window.agentId]),
    fromIso,
    toIso,
    (entry) => parsed.push({ entry: freezeParsed(entry), after: rows.length }),
    {
      updateIndex: false,
      readSegment(segment, stat, inside) {
        // Keyed to the segment's exact size, mtime and inode: an append or a prune makes it stale.
        const columns = readColumns(columnsFile(log, segment), stat);
        if (!columns) return false;
        rows.addSegment(columns, window.agentId, from, to, inside);
        return true;
      },
    },
  );
  return Object.freeze(parsed.length === 0 ? rowEntries(rows) : mixedEntries(rows, parsed));
}

/** Entries of columns only: ordered by number (the same order as the timestamps' text), then built. */
function rowEntries(rows: ColumnRows): FeedbackEntry[] {
  const times = rows.times();
  let ordered = true;
  for (let r = 1; r < times.length && ordered; r++) ordered = times[r - 1]! <= times[r]!;
  return rows.entries(ordered ? undefined : timeOrder(times));
}

/** Some segments read as lines: everything in log order, then ordered by the timestamps' text. */
function mixedEntries(
  rows: ColumnRows,
  parsed: Array<{ entry: FeedbackEntry; after: number }>,
): FeedbackEntry[] {
  const columned = rows.entries();
  const entries: FeedbackEntry[] = [];
  let next = 0;
  for (const { entry, after } of parsed) {
    for (; next < after; next++) entries.push(columned[next]!);
    entries.push(entry);
  }
  for (; next < rows.length; next++) entries.push(columned[next]!);
  let ordered = true;
  for (let i = 1; i < entries.length && ordered; i++)
    ordered = entries[i - 1]!.timestamp <= entries[i]!.timestamp;
  if (!ordered) entries.sort(byTimestamp);
  return entries;
}
