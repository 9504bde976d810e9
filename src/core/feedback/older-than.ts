import { invalidInput } from '../errors.js';

/** Days per unit of an age: d, w, mo (30 days) and y (365 days). */
const UNIT_DAYS: Record<string, number> = { d: 1, w: 7, mo: 30, y: 365 };
/** What people type instead, and the unit they mean. */
const WORDS: Record<string, string> = {
  day: 'd',
  days: 'd',
  week: 'w',
  weeks: 'w',
  month: 'mo',
  months: 'mo',
  mon: 'mo',
  year: 'y',
  years: 'y',
  yr: 'y',
  yrs: 'y',
};
export const MAX_AGE_DAYS = 36_500;
const GRAMMAR =
  'a whole number and a unit: d (days), w (weeks), mo (30 days) or y (365 days), e.g. 90d, 12w, 6mo, 1y';

/**
 * `what` (a flag, e.g. `--older-than`): an age in whole days, from `90d`, `12w`, `6mo` or `1y`. Never under a day:
 * prune and retention always keep the last 24 hours. Errors say what was probably meant.
 */
export function parseOlderThan(what: string, text: string): number {
  const trimmed = text.trim().toLowerCase();
  const match = /^(\d+)\s*([a-z]*)$/.exec(trimmed);
  const refuse = (hint: string) =>
    invalidInput(`Invalid ${what} ${JSON.stringify(text)}: ${hint}`, [`Give ${GRAMMAR}.`]);
  if (!match) throw refuse(`expected ${GRAMMAR}.`);
  const amount = Number(match[1]);
  const unit = match[2]!;
  const days = UNIT_DAYS[unit];
  if (days === undefined) {
    if (unit === '') throw refuse(`a number needs a unit — did you mean ${amount}d?`);
    if (unit === 'm')
      throw refuse(`m is ambiguous (minutes elsewhere in kv1nt) — did you mean ${amount}mo (months)?`);
    if (['h', 's', 'ms', 'min'].includes(unit))
      throw refuse(`prune works in whole days, at least 1d (the last 24 hours are always kept).`);
    const meant = WORDS[unit];
    if (meant) throw refuse(`did you mean ${amount}${meant}?`);
    throw refuse(`unknown unit "${unit}"; expected ${GRAMMAR}.`);
  }
  return checkAgeDays(amount * days, `${what} ${JSON.stringify(text)}`);
}

/** An age in days as prune takes it (from a flag or `retention.days`): 1 to 36500 whole days. */
export function checkAgeDays(days: number, what: string): number {
  if (!Number.isInteger(days) || days < 1)
    throw invalidInput(`Invalid ${what}: the last 24 hours are always kept, give at least 1 day (1d).`);
  if (days > MAX_AGE_DAYS) throw invalidInput(`Invalid ${what}: at most ${MAX_AGE_DAYS} days (100y).`);
  return days;
}
