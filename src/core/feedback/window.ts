import { byTimestamp } from '../patterns/timestamps.js';
import { scanWindow, windowBounds } from '../patterns/window.js';
import { DataDir } from '../store/data-dir.js';
import { FeedbackLog } from '../store/feedback-log.js';
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
 * window and parses only the lines of this agent inside it.
 */
export function readFeedbackWindow(window: FeedbackWindow): readonly FeedbackEntry[] {
  const log = new FeedbackLog(new DataDir(window.dataDir));
  const entries: FeedbackEntry[] = [];
  let ordered = true;
  scanWindow(
    { log },
    new Set([window.agentId]),
    ...windowBounds(window.from, window.to),
    (entry) => {
      const previous = entries.at(-1);
      if (previous && previous.timestamp > entry.timestamp) ordered = false;
      entries.push(freezeRecord(entry));
    },
    { updateIndex: false },
  );
  if (!ordered) entries.sort(byTimestamp);
  return Object.freeze(entries);
}

/**
 * Freezes a parsed log record and the objects in it. A record comes from JSON.parse, so it holds
 * only data properties: no need for deepFreeze's descriptor checks, which cost seconds over a
 * window of a million entries.
 */
function freezeRecord<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const key in value) freezeRecord(value[key]);
    Object.freeze(value);
  }
  return value;
}
