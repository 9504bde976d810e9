import type { FeedbackEntry } from '../feedback/types.js';

/**
 * Orders entries by timestamp. Stored timestamps are canonical ISO-8601 UTC: code-unit order is
 * time order (and much cheaper than localeCompare over a million entries).
 */
export function byTimestamp(a: FeedbackEntry, b: FeedbackEntry): number {
  return a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0;
}

export const CANONICAL_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Milliseconds since the epoch; canonical timestamps are read digit by digit (Date.parse is slow). */
export function timeOf(timestamp: string): number {
  if (!CANONICAL_UTC.test(timestamp)) return Date.parse(timestamp);
  const year = digits(timestamp, 0, 4);
  // Date.UTC reads years 0–99 as 1900–1999.
  if (year < 100) return Date.parse(timestamp);
  return Date.UTC(
    year,
    digits(timestamp, 5, 7) - 1,
    digits(timestamp, 8, 10),
    digits(timestamp, 11, 13),
    digits(timestamp, 14, 16),
    digits(timestamp, 17, 19),
    digits(timestamp, 20, 23),
  );
}

/**
 * The number written by the digits text[from, to). A top-level function, not a closure in
 * timeOf: the bundle's keepNames wraps every named closure in a defineProperty call per creation,
 * which cost more than the parse itself over a million timestamps.
 */
function digits(text: string, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i++) value = value * 10 + text.charCodeAt(i) - 48;
  return value;
}

/** The UTC hour; stored timestamps are canonical ISO-8601, so it is read from the text. */
export function utcHour(timestamp: string): number {
  if (CANONICAL_UTC.test(timestamp)) {
    return (timestamp.charCodeAt(11) - 48) * 10 + (timestamp.charCodeAt(12) - 48);
  }
  return new Date(timestamp).getUTCHours();
}
