/**
 * Orders entries by timestamp. Stored timestamps are canonical ISO-8601 UTC: code-unit order is
 * time order (and much cheaper than localeCompare over a million entries).
 */
export function byTimestamp(a: { timestamp: string }, b: { timestamp: string }): number {
  return a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0;
}

export const CANONICAL_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** The day of the last canonical timestamp read, and its time: a window spans a few days. */
let dayText = '';
let dayTime = 0;

/** Milliseconds since the epoch; canonical timestamps are read digit by digit (Date.parse is slow). */
export function timeOf(timestamp: string): number {
  // Same day as the last one (ten characters, 'YYYY-MM-DD'): only the time of day is read.
  if (dayText !== '' && timestamp.length === 24 && timestamp.startsWith(dayText)) {
    const time = timeOfDay(timestamp);
    if (!Number.isNaN(time)) return dayTime + time;
  }
  if (!CANONICAL_UTC.test(timestamp)) return Date.parse(timestamp);
  const year = digits(timestamp, 0, 4);
  // Date.UTC reads years 0–99 as 1900–1999.
  if (year < 100) return Date.parse(timestamp);
  dayText = timestamp.slice(0, 10);
  dayTime = Date.UTC(year, digits(timestamp, 5, 7) - 1, digits(timestamp, 8, 10));
  return dayTime + timeOfDay(timestamp);
}

/** 'THH:MM:SS.mmmZ' of a canonical timestamp in ms (Date.UTC's arithmetic), NaN for any other text. */
function timeOfDay(text: string): number {
  if (
    text.charCodeAt(10) !== 0x54 ||
    text.charCodeAt(13) !== 0x3a ||
    text.charCodeAt(16) !== 0x3a ||
    text.charCodeAt(19) !== 0x2e ||
    text.charCodeAt(23) !== 0x5a
  )
    return NaN;
  return (
    ((digits(text, 11, 13) * 60 + digits(text, 14, 16)) * 60 + digits(text, 17, 19)) * 1000 +
    digits(text, 20, 23)
  );
}

/**
 * The number written by the digits text[from, to) (NaN if one is not a digit). A top-level function, not a closure in
 * timeOf: the bundle's keepNames wraps every named closure in a defineProperty call per creation,
 * which cost more than the parse itself over a million timestamps.
 */
export function digits(text: string, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return NaN;
    value = value * 10 + digit;
  }
  return value;
}

/** The UTC hour; stored timestamps are canonical ISO-8601, so it is read from the text. */
export function utcHour(timestamp: string): number {
  if (CANONICAL_UTC.test(timestamp)) {
    return (timestamp.charCodeAt(11) - 48) * 10 + (timestamp.charCodeAt(12) - 48);
  }
  return new Date(timestamp).getUTCHours();
}
