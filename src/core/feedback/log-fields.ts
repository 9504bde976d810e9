import type { FeedbackLog, LogPosition } from '../store/feedback-log.js';
import type { IdSet } from './id-set.js';

const ID_KEY = '{"id":"';
const AGENT_KEY = '","agentId":"';
const TIMESTAMP_KEY = '"timestamp":"';

/**
 * The id of a stored line, read from its text: kv1nt writes every entry with `id` first and ids
 * need no escapes. A line of any other shape is parsed.
 */
export function idOf(line: string): string | undefined {
  if (line.startsWith(ID_KEY)) {
    const end = line.indexOf('"', ID_KEY.length);
    if (end !== -1) return line.slice(ID_KEY.length, end);
  }
  const record = parseQuietly(line) as { id?: unknown } | undefined;
  return typeof record?.id === 'string' ? record.id : undefined;
}

/** The agent id of a stored line, read like idOf (agent ids need no escapes either). */
export function agentOf(line: string): string | undefined {
  if (line.startsWith(ID_KEY)) {
    const idEnd = line.indexOf('"', ID_KEY.length);
    if (idEnd !== -1 && line.startsWith(AGENT_KEY, idEnd)) {
      const start = idEnd + AGENT_KEY.length;
      const end = line.indexOf('"', start);
      if (end !== -1) return line.slice(start, end);
    }
  }
  const record = parseQuietly(line) as { agentId?: unknown } | undefined;
  return typeof record?.agentId === 'string' ? record.agentId : undefined;
}

/**
 * Marks every id of `ids` that the log holds from `from` on; returns how many were newly marked.
 * Reads ids from the text (no parse per line), so a pass costs about a read of the log.
 */
export function markStoredIds(log: FeedbackLog, ids: IdSet, from?: LogPosition): number {
  let marked = 0;
  const visit = (text: string): void => {
    const id = idOf(text);
    if (id !== undefined && ids.mark(id)) marked++;
  };
  if (from === undefined) {
    for (const segment of log.segments()) log.scanSegment(segment, (cursor) => visit(cursor.text));
  } else {
    for (const line of log.linesFrom(from)) visit(line.text);
  }
  return marked;
}

function parseQuietly(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    // A damaged line is reported by the readers that need it whole.
    return undefined;
  }
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
