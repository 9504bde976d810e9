import { invalidInput } from '../errors.js';
import { CANONICAL_UTC, digits } from '../patterns/timestamps.js';

/** How far in the future a timestamp may be (clocks drift): LIMITS.futureSkewMs. */
export const FUTURE_SKEW_MS = 5 * 60 * 1000;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/** `now` as ISO-8601; a burst of records shares the millisecond, so the last one is kept. */
let lastIso = { time: NaN, iso: '' };
export function isoOf(now: Date): string {
  const time = now.getTime();
  if (time !== lastIso.time) lastIso = { time, iso: now.toISOString() };
  return lastIso.iso;
}

/**
 * The time of the timestamp checkTimestamp last accepted: checkEntry hands it on with the
 * record (an import's sums need times, and reading them again from the text cost as much as
 * checking it).
 */
let checkedTime = NaN;

export function lastCheckedTime(): number {
  return checkedTime;
}

/** The timestamp in canonical form (ISO-8601 UTC with milliseconds), or a throw that says why not. */
export function checkTimestamp(timestamp: unknown, now: Date, field = 'timestamp'): string {
  if (timestamp === undefined) {
    checkedTime = now.getTime();
    return isoOf(now);
  }
  // Fast path for the canonical form kv1nt itself writes: valid exactly when it round-trips.
  if (typeof timestamp === 'string' && CANONICAL_UTC.test(timestamp)) {
    const time = canonicalTime(timestamp);
    if (Number.isNaN(time))
      throw invalidInput(`Invalid ${field} ${JSON.stringify(timestamp)}: not a real date.`);
    if (time > now.getTime() + FUTURE_SKEW_MS)
      throw invalidInput(`Invalid ${field} ${JSON.stringify(timestamp)}: it is in the future.`);
    checkedTime = time;
    return timestamp;
  }
  if (typeof timestamp !== 'string' || !ISO_8601.test(timestamp.trim())) {
    throw invalidInput(
      `Invalid ${field} ${JSON.stringify(timestamp)}: expected ISO-8601, e.g. 2026-01-31T12:00:00Z.`,
    );
  }
  const time = Date.parse(timestamp.trim());
  if (Number.isNaN(time) || !isRealDate(timestamp.trim()))
    throw invalidInput(`Invalid ${field} ${JSON.stringify(timestamp)}: not a real date.`);
  if (time > now.getTime() + FUTURE_SKEW_MS) {
    throw invalidInput(`Invalid ${field} ${JSON.stringify(timestamp)}: it is in the future.`);
  }
  checkedTime = time;
  return new Date(time).toISOString();
}

/** The day ('YYYY-MM-DD') of the last canonical timestamp checked, and its time: an import's lines come day by day. */
let checkedDay = '';
let checkedDayTime = 0;

/**
 * The time of a canonical UTC timestamp (its form checked by CANONICAL_UTC), or NaN when it is
 * not a real instant — the same verdict as "Date.parse round-trips through toISOString", without
 * building a Date per entry.
 */
function canonicalTime(timestamp: string): number {
  const hour = digits(timestamp, 11, 13);
  const minute = digits(timestamp, 14, 16);
  const second = digits(timestamp, 17, 19);
  if (hour > 23 || minute > 59 || second > 59) return NaN;
  const timeOfDay = ((hour * 60 + minute) * 60 + second) * 1000 + digits(timestamp, 20, 23);
  if (checkedDay !== '' && sameDay(timestamp, checkedDay)) return checkedDayTime + timeOfDay;
  const year = digits(timestamp, 0, 4);
  const month = digits(timestamp, 5, 7);
  const day = digits(timestamp, 8, 10);
  if (year < 100) {
    // Date.UTC reads two-digit years as 19xx: take the general route.
    const time = Date.parse(timestamp);
    return Number.isNaN(time) || new Date(time).toISOString() !== timestamp ? NaN : time;
  }
  // A day past the end of its month would roll over into the next one.
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return NaN;
  checkedDay = timestamp.slice(0, 10);
  checkedDayTime = Date.UTC(year, month - 1, day);
  return checkedDayTime + timeOfDay;
}

/** Whether a timestamp starts with a 'YYYY-MM-DD' (a loop: startsWith cost a call into the runtime per entry). */
function sameDay(timestamp: string, day: string): boolean {
  for (let i = 0; i < 10; i++) if (timestamp.charCodeAt(i) !== day.charCodeAt(i)) return false;
  return true;
}

/** Days of a month of the proleptic Gregorian calendar (what Date uses), without a Date per entry. */
function daysIn(year: number, month: number): number {
  if (month !== 2) return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

/** Date.parse quietly rolls 2026-02-31 over to March 3rd; a typo must not become another day. */
function isRealDate(text: string): boolean {
  const [year, month, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
