import { DataDir } from '../store/data-dir.js';
import { FeedbackLog, parseLogLine } from '../store/feedback-log.js';
import { asEntry } from './aggregate-index.js';
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

/** Entries up to this long after the window's end still count (a clock a little ahead). */
const CLOCK_SKEW_MS = 300_000;

/**
 * The window's entries, oldest first, read from the feedback log and nothing else (no store, no
 * lock, no write): kv1nt reads it for an in-process detector, and a plugin process reads it
 * itself, with read-only file access, when its detector first reads `ctx.feedback` — so the
 * entries never cross between processes.
 */
export function readFeedbackWindow(window: FeedbackWindow): FeedbackEntry[] {
  const log = new FeedbackLog(new DataDir(window.dataDir));
  const entries: FeedbackEntry[] = [];
  let segment = -1;
  let file = '';
  for (const line of log.linesFrom()) {
    if (line.end.segment !== segment) {
      segment = line.end.segment;
      file = log.segmentPath(segment);
    }
    const entry = asEntry(parseLogLine(line, file), file, line.end.offset);
    if (entry.agentId !== window.agentId) continue;
    const at = Date.parse(entry.timestamp);
    if (at >= window.from && at <= window.to + CLOCK_SKEW_MS) entries.push(entry);
  }
  return entries.sort((a, b) => a.timestamp.localeCompare(b.timestamp));
}
