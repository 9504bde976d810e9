import { invalidInput } from '../core/errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90s`, `5m`, `1h30m`, `2d`, `500ms` → milliseconds. A bare number is seconds. */
export function parseDuration(flag: string, text: string): number {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return check(flag, text, Number(trimmed) * 1_000);
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== trimmed)
    throw invalidInput(`Invalid ${flag} ${JSON.stringify(text)}: give a duration like 30s, 5m, 1h30m or 1d.`);
  return check(
    flag,
    text,
    parts.reduce((total, [, value, unit]) => total + Number(value) * UNITS[unit!]!, 0),
  );
}

function check(flag: string, text: string, ms: number): number {
  if (!(ms >= 1_000) || ms > 365 * 86_400_000)
    throw invalidInput(`Invalid ${flag} ${JSON.stringify(text)}: from 1 second to 365 days.`);
  return Math.round(ms);
}
