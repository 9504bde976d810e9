import type { Kv1ntError } from '../errors.js';
import { invalidInput } from '../errors.js';
import type { FeedbackEntry } from './types.js';
import { LIMITS, checkEntry, isPlainObject, parseJsonInput, type UncheckedImport } from './validate.js';

export interface InvalidLine {
  line: number;
  message: string;
}

/**
 * One line of an import → the inputs it holds, or a throw (an invalid line). JSON Lines hold one
 * entry per line; another format (OTLP: one request of many spans per line) plugs in its own.
 * An input with an `id` keeps it, and is skipped as a duplicate when that id is stored already.
 */
export type LineMapper = (line: string) => readonly UncheckedImport[];

/** JSON Lines: each line one object, an entry as `feedback export` writes it or just its input fields. */
export const jsonLine: LineMapper = (line) => {
  const parsed = parseJsonInput(line, 'the entry', LIMITS.entryBytes);
  if (!isPlainObject(parsed)) throw new Error('an entry must be a JSON object');
  return [parsed];
};

export interface LineRecords {
  /** How many records the line gave: the arrays are reused, and may hold stale ones past it. */
  count: number;
  entries: FeedbackEntry[];
  /** An entry's log line when validation made it (an entry with details), else undefined. */
  lines: Array<string | undefined>;
  /** Each entry's time (ms since the epoch). */
  times: number[];
  /** Whether each entry's id came from the input (and so may be stored already). */
  given: boolean[];
}

export function newLineRecords(): LineRecords {
  return { count: 0, entries: [], lines: [], times: [], given: [] };
}

/**
 * The records of one line, all validated before any is used: a line is taken whole or not at all.
 * `out` is emptied and filled (a streaming import reuses one: no three arrays per line).
 */
export function recordsOf(
  line: string,
  now: Date,
  mapLine: LineMapper,
  out: LineRecords = newLineRecords(),
): LineRecords {
  let count = 0;
  for (const input of mapLine(line)) {
    const record = checkEntry(input, now, undefined, true);
    out.entries[count] = record.entry;
    out.lines[count] = record.line;
    out.times[count] = record.time;
    out.given[count] = input.id !== undefined;
    count++;
  }
  out.count = count;
  return out;
}

/**
 * The all-or-nothing refusal: the invalid lines by number (the first ones: `count` says how many
 * there were), nothing written.
 */
export function invalidImportError(
  invalid: InvalidLine[],
  count = invalid.length,
  stoppedAt?: number,
): Kv1ntError {
  const shown = invalid.slice(0, 20).map((item) => `line ${item.line}: ${item.message}`);
  if (count > shown.length) shown.push(`… and ${count - shown.length} more`);
  const what =
    stoppedAt === undefined
      ? `${count} invalid line${count === 1 ? '' : 's'}`
      : `${count} invalid lines by line ${stoppedAt}, where reading stopped`;
  const error = invalidInput(`Nothing imported: ${what}.\n  ${shown.join('\n  ')}`, [
    'Fix those lines, or pass --skip-invalid to import the valid ones.',
  ]);
  return Object.assign(error, { invalidLines: invalid });
}
