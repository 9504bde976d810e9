import type { FeedbackEntry } from './types.js';

/** The id's trailing numbers, counters and hashes, with the separator before each. */
const NUMBERED_SUFFIX = /(?:[-_.:/#]?(?:\d+|[0-9a-f]{8,}))+$/i;

/**
 * Stems already worked out, by the id's text before its trailing digits and how many digits
 * follow: the pattern treats every digit alike, so that decides the stem. Most ids are a few
 * names with a counter (`summarize-1042`): one regex run per name instead of one per entry.
 */
const stems = new Map<string, string>();
const STEMS_KEPT = 10_000;

/** `summarize-1042` → `summarize`; `details.task` wins when present. */
export function operationKind(entry: Pick<FeedbackEntry, 'operationId' | 'details'>): string {
  const task = entry.details?.task;
  if (typeof task === 'string' && task !== '') return task;
  const id = entry.operationId;
  let digitsFrom = id.length;
  while (digitsFrom > 0 && isDigit(id.charCodeAt(digitsFrom - 1))) digitsFrom -= 1;
  if (digitsFrom === id.length || digitsFrom === 0) return stemOf(id);
  // The name never ends in a digit, so the count that follows it cannot blur into it.
  const key = `${id.slice(0, digitsFrom)}${id.length - digitsFrom}`;
  const known = stems.get(key);
  if (known !== undefined) return known;
  const stem = stemOf(id);
  // An id that is all number is its own kind: that stem depends on the digits, so it is not kept.
  if (stem !== id) {
    if (stems.size >= STEMS_KEPT) stems.clear();
    stems.set(key, stem);
  }
  return stem;
}

function stemOf(id: string): string {
  const stem = id.replace(NUMBERED_SUFFIX, '');
  return stem === '' ? id : stem;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}
