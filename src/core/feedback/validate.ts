import { invalidInput } from '../errors.js';
import { assertAgentId, assertOperationId, newId } from '../ids.js';
import { safeRecord, setOwn } from '../safe-record.js';
import { entryLine } from './entry-line.js';
import { checkTimestamp, FUTURE_SKEW_MS, isoOf, lastCheckedTime } from './timestamp-check.js';
import {
  FEEDBACK_SOURCES,
  FEEDBACK_TYPES,
  type FeedbackEntry,
  type FeedbackInput,
  type FeedbackSource,
  type FeedbackType,
} from './types.js';

/** Limits that keep one record from being a denial of service (checked before anything is stored). */
export const LIMITS = {
  entryBytes: 64 * 1024,
  detailsBytes: 32 * 1024,
  depth: 32,
  metrics: 64,
  errorType: 128,
  message: 4096,
  futureSkewMs: FUTURE_SKEW_MS,
} as const;

const INPUT_FIELDS = new Set([
  'agentId',
  'operationId',
  'type',
  'score',
  'rating',
  'source',
  'details',
  'durationMs',
  'metrics',
  'errorType',
  'message',
  'timestamp',
]);
/** An import line may also carry what an export wrote: the stored id and recording time. */
const IMPORT_FIELDS = new Set([...INPUT_FIELDS, 'id', 'recordedAt']);
/** Ids kv1nt writes (`fb_…`) and ids other tools give (span ids, UUIDs). */
const ENTRY_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const METRIC_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

/**
 * Turns caller input into a stored entry, or throws a Kv1ntError (exit 2) that names the field.
 * Pure apart from the id: `now` is passed in.
 */
export function toFeedbackEntry(input: FeedbackInput, now: Date, id: string = newId('fb')): FeedbackEntry {
  return toFeedbackRecord(input, now, id).entry;
}

/** Input as it arrives from a file or a plain-JS caller: every field is checked here. */
export type UncheckedInput = { readonly [K in keyof FeedbackInput]?: unknown };

/** An import line: an input, or an exported entry (its `id` and `recordedAt` are kept). */
export type UncheckedImport = UncheckedInput & { readonly id?: unknown; readonly recordedAt?: unknown };

/** The entry and its log line: each entry is serialized once, for the size check and the log. */
export function toFeedbackRecord(
  input: UncheckedImport,
  now: Date,
  id: string = newId('fb'),
  imported = false,
): FeedbackRecord {
  const { entry, time, line } = checkEntry(input, now, id, imported);
  return { entry, line: line ?? entryLine(entry), time };
}

/** A checked entry and its time; its log line when the size check needed it. */
export interface CheckedEntry {
  entry: FeedbackEntry;
  time: number;
  /** Made for an entry with details, the only kind whose line can be too long. */
  line: string | undefined;
}

/**
 * Checks caller input and makes the entry, or throws a Kv1ntError (exit 2) that names the field.
 * `imported`: the input may carry an exported entry's `id`, `recordedAt`, and a user_rating's
 * derived score — so export → import gives back the very same line. Only an entry with details
 * can pass LIMITS.entryBytes (without, its line is under 40 kB: every field is bounded), so only
 * its line is made here, to measure it.
 */
export function checkEntry(
  input: UncheckedImport,
  now: Date,
  id: string = newId('fb'),
  imported = false,
): CheckedEntry {
  const fields = imported ? IMPORT_FIELDS : INPUT_FIELDS;
  const unknown = unknownFields(input, fields);
  if (unknown.length > 0)
    throw invalidInput(
      `Unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')}.`,
      [`Known fields: ${[...fields].join(', ')}.`],
    );
  const agentId = assertAgentId(input.agentId);
  const operationId = assertOperationId(input.operationId);
  const type = checkType(input.type);
  const score = checkScore(type, derivedScoreDropped(type, input, imported), input.rating);
  const rating = type === 'user_rating' ? (input.rating as number) : undefined;
  const source = checkSource(input.source);
  const timestamp = checkTimestamp(input.timestamp, now);
  const time = lastCheckedTime();
  const entry: FeedbackEntry = {
    id: imported && input.id !== undefined ? checkId(input.id) : id,
    agentId,
    operationId,
    type,
    score,
    source,
    timestamp,
    recordedAt:
      imported && input.recordedAt !== undefined
        ? checkTimestamp(input.recordedAt, now, 'recordedAt')
        : isoOf(now),
  };
  if (rating !== undefined) entry.rating = rating;
  let detailsText: string | undefined;
  if (input.details !== undefined) {
    detailsText = checkDetails(input.details);
    entry.details = input.details as Record<string, unknown>;
  }
  if (input.durationMs !== undefined) entry.durationMs = checkDuration(input.durationMs);
  if (input.metrics !== undefined) entry.metrics = checkMetrics(input.metrics, imported);
  if (input.errorType !== undefined)
    entry.errorType = checkText('errorType', input.errorType, LIMITS.errorType);
  if (input.message !== undefined) entry.message = checkText('message', input.message, LIMITS.message);
  if (detailsText === undefined) return { entry, time, line: undefined };
  const line = entryLine(entry, detailsText);
  if (line.length > LIMITS.entryBytes / 3 && Buffer.byteLength(line) > LIMITS.entryBytes) {
    throw invalidInput(
      `The entry is larger than ${LIMITS.entryBytes / 1024} KiB; keep bulky data out of feedback.`,
    );
  }
  return { entry, time, line };
}

/** A validated entry, its log line and its time (ms since the epoch, read while validating). */
export interface FeedbackRecord {
  entry: FeedbackEntry;
  line: string;
  time: number;
}

/** Field names the input has but an entry does not know (no array is built when all are known). */
function unknownFields(input: UncheckedInput, known: ReadonlySet<string>): string[] {
  // for…in walks a parsed object's cached keys: no array per entry unless one is unknown.
  for (const key in input) {
    if (!known.has(key)) return Object.keys(input).filter((k) => !known.has(k));
  }
  return NO_FIELDS;
}

/**
 * An exported failure or user_rating carries its derived score (0, or from the rating); it is
 * dropped when it is exactly that, so an export imports again.
 */
function derivedScoreDropped(type: FeedbackType, input: UncheckedImport, imported: boolean): unknown {
  if (!imported) return input.score;
  if (type === 'failure') return input.score === 0 ? undefined : input.score;
  if (type !== 'user_rating' || typeof input.rating !== 'number') return input.score;
  return input.score === (input.rating - 1) / 4 ? undefined : input.score;
}

function checkId(value: unknown): string {
  if (typeof value === 'string' && ENTRY_ID.test(value)) return value;
  throw invalidInput(
    `Invalid id ${JSON.stringify(value)}: an entry id is 1–128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit.`,
  );
}
const NO_FIELDS: string[] = [];

function checkType(type: unknown): FeedbackType {
  if (typeof type === 'string' && (FEEDBACK_TYPES as readonly string[]).includes(type))
    return type as FeedbackType;
  throw invalidInput(`Invalid type ${JSON.stringify(type)}: expected one of ${FEEDBACK_TYPES.join(', ')}.`);
}

function checkSource(source: unknown): FeedbackSource {
  if (source === undefined) return 'agent';
  if (typeof source === 'string' && (FEEDBACK_SOURCES as readonly string[]).includes(source))
    return source as FeedbackSource;
  throw invalidInput(
    `Invalid source ${JSON.stringify(source)}: expected one of ${FEEDBACK_SOURCES.join(', ')}.`,
  );
}

/**
 * The entry's score: given, or derived from its type (failure 0, success 1) or, for a
 * user_rating, from its rating (checked here: then the rating is a number from 1 to 5).
 */
function checkScore(type: FeedbackType, score: unknown, rating: unknown): number {
  if (type === 'user_rating') {
    if (score !== undefined)
      throw invalidInput('A user_rating takes a rating from 1 to 5, not a score.', [
        'Use `kv1nt feedback rate <agent> <op> <rating>`, or `rating` in an import line.',
      ]);
    if (typeof rating !== 'number' || !Number.isFinite(rating) || rating < 1 || rating > 5) {
      throw invalidInput(
        `Invalid rating ${JSON.stringify(rating)}: a user_rating needs a rating from 1 to 5.`,
      );
    }
    return (rating - 1) / 4;
  }
  if (rating !== undefined) throw invalidInput(`A rating belongs to user_rating entries only, not ${type}.`);
  if (type === 'failure') {
    if (score !== undefined) throw invalidInput('A failure always scores 0: leave the score out.');
    return 0;
  }
  if (score === undefined) {
    if (type === 'success') return 1;
    throw invalidInput(`A ${type} entry needs a score from 0 to 1.`);
  }
  if (typeof score !== 'number' || !Number.isFinite(score) || score < 0 || score > 1) {
    throw invalidInput(`Invalid score ${JSON.stringify(score)}: a score is a number from 0 to 1.`);
  }
  return score;
}

function checkDuration(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw invalidInput(
      `Invalid duration ${JSON.stringify(value)}: a duration is a number of milliseconds, 0 or more.`,
    );
  }
  return value;
}

/**
 * The checked metrics. `owned`: the input object is the import's own (parsed from its line, or
 * made by a format's mapper), so it is kept as it is instead of copied — millions of copies
 * otherwise; a caller's object is copied, so the caller cannot change a stored entry.
 */
function checkMetrics(value: unknown, owned: boolean): Record<string, number> {
  if (!isPlainObject(value)) throw invalidInput('metrics must be an object of name → number.');
  const names = Object.keys(value);
  if (names.length > LIMITS.metrics)
    throw invalidInput(`Too many metrics (${names.length}); at most ${LIMITS.metrics}.`);
  const metrics = owned ? undefined : safeRecord<number>();
  for (const name of names) {
    const figure = value[name];
    if (!METRIC_NAME.test(name))
      throw invalidInput(
        `Invalid metric name ${JSON.stringify(name)}: use letters, digits, '_', '.', '-' (e.g. memoryMb).`,
      );
    if (typeof figure !== 'number' || !Number.isFinite(figure))
      throw invalidInput(
        `Invalid value for metric ${name}: ${JSON.stringify(figure)} is not a finite number.`,
      );
    if (metrics) setOwn(metrics, name, figure);
  }
  return metrics ?? (value as Record<string, number>);
}

function checkText(field: string, value: unknown, max: number): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    throw invalidInput(`Invalid ${field}: it must be a non-empty string of at most ${max} characters.`);
  }
  return value;
}

/** Checks details and returns their JSON text (the log line reuses it). */
function checkDetails(value: unknown): string {
  if (!isPlainObject(value)) throw invalidInput('details must be a JSON object.');
  checkDepth(value, LIMITS.depth, 'details');
  const text = JSON.stringify(value) as string | undefined;
  if (text === undefined) throw invalidInput('details must be a JSON object.');
  if (text.length * 3 > LIMITS.detailsBytes && Buffer.byteLength(text) > LIMITS.detailsBytes) {
    throw invalidInput(`details is larger than ${LIMITS.detailsBytes / 1024} KiB.`);
  }
  return text;
}

/** Iterative, so a hostile 100 000-level document cannot blow the stack while being checked. */
export function checkDepth(value: unknown, maxDepth: number, what: string): void {
  if (value === null || typeof value !== 'object') return;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > maxDepth) throw invalidInput(`${what} is nested more than ${maxDepth} levels deep.`);
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
}

/**
 * Parses untrusted JSON text with the size checked first: megabytes of input or pathological
 * nesting are refused before the parser spends time on them.
 */
/** `maxDepth` counts the parsed value itself as level 1; a whole entry allows details one level down. */
export function parseJsonInput(
  text: string,
  what: string,
  maxBytes: number,
  maxDepth: number = LIMITS.depth + 1,
): unknown {
  // UTF-8 takes at most 3 bytes per UTF-16 unit: short texts need no byte count.
  if (text.length * 3 > maxBytes && Buffer.byteLength(text) > maxBytes)
    throw invalidInput(`${what} is larger than ${Math.round(maxBytes / 1024)} KiB.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw invalidInput(`${what} is not valid JSON: ${(error as Error).message}.`);
  }
  // Fewer brackets than levels allowed: it cannot be too deep, and the walk is skipped.
  if (countBrackets(text, maxDepth) > maxDepth) checkDepth(parsed, maxDepth, what);
  return parsed;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Counts `{` and `[` (stopping once above `stopAbove`) with native searches, not a loop per character. */
function countBrackets(text: string, stopAbove: number): number {
  let count = 0;
  for (const bracket of ['{', '[']) {
    for (
      let at = text.indexOf(bracket);
      at !== -1 && count <= stopAbove;
      at = text.indexOf(bracket, at + 1)
    ) {
      count++;
    }
  }
  return count;
}
