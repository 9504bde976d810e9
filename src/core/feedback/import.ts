import type { Kv1ntError } from '../errors.js';
import { invalidInput } from '../errors.js';
import { newId } from '../ids.js';
import type { FeedbackEntry } from './types.js';
import { LIMITS, isPlainObject, parseJsonInput, toFeedbackRecord } from './validate.js';

export interface InvalidLine {
  line: number;
  message: string;
}

/** One entry of an import and its log line. */
export interface ImportRecord {
  entry: FeedbackEntry;
  line: string;
}

/** Turns one non-blank line into the records it holds (JSON Lines: one; OTLP: one per span…). */
export type LineMapper = (line: string, now: Date) => ImportRecord[];

/** A JSON Lines entry, checked like a recorded one, with a fresh id. */
export const jsonlLine: LineMapper = (line, now) => {
  const parsed = parseJsonInput(line, 'the entry', LIMITS.entryBytes);
  if (!isPlainObject(parsed)) throw new Error('an entry must be a JSON object');
  return [toFeedbackRecord(parsed, now, newId('fb'))];
};

export interface ParsedImport {
  entries: FeedbackEntry[];
  /** Each entry's log line, in the same order. */
  lines: string[];
  invalid: InvalidLine[];
}

/** Parses lines into entries, collecting every invalid line with its number (1-based). */
export function parseImport(text: string, now: Date, mapLine: LineMapper = jsonlLine): ParsedImport {
  const entries: FeedbackEntry[] = [];
  const lines: string[] = [];
  const invalid: InvalidLine[] = [];
  let lineNumber = 0;
  // A byte order mark (editors on Windows write one) is not part of the first line.
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    lineNumber++;
    const line = text.charCodeAt(end - 1) === 0x0d ? text.slice(start, end - 1) : text.slice(start, end);
    start = end + 1;
    if (line.trim() === '') continue;
    try {
      for (const record of mapLine(line, now)) {
        entries.push(record.entry);
        lines.push(record.line);
      }
    } catch (error) {
      invalid.push({ line: lineNumber, message: (error as Error).message });
    }
  }
  return { entries, lines, invalid };
}

/** The all-or-nothing refusal: every invalid line is listed, nothing is written. */
export function invalidImportError(invalid: InvalidLine[]): Kv1ntError {
  const shown = invalid.slice(0, 20).map((item) => `line ${item.line}: ${item.message}`);
  if (invalid.length > shown.length) shown.push(`… and ${invalid.length - shown.length} more`);
  const error = invalidInput(
    `Nothing imported: ${invalid.length} invalid line${invalid.length === 1 ? '' : 's'}.\n  ${shown.join('\n  ')}`,
    ['Fix those lines, or pass --skip-invalid to import the valid ones.'],
  );
  return Object.assign(error, { invalidLines: invalid });
}
