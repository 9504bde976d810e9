import { invalidInput } from './errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const MAX_MS = 365 * 86_400_000;

/**
 * `90s`, `5m`, `1h30m`, `2d`, `500ms` → milliseconds; a bare number is seconds. null when the
 * text is not a duration from 1 second to 365 days.
 */
export function durationMs(text: string): number | null {
  const trimmed = text.trim();
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(trimmed)) ms = Number(trimmed) * 1_000;
  else {
    const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
    if (parts.length === 0 || parts.map((p) => p[0]).join('') !== trimmed) return null;
    ms = parts.reduce((total, [, value, unit]) => total + Number(value) * UNITS[unit!]!, 0);
  }
  return ms >= 1_000 && ms <= MAX_MS ? Math.round(ms) : null;
}

/** durationMs, or an invalid-input error that names `what` (a flag or a config key). */
export function parseDuration(what: string, text: string): number {
  const ms = durationMs(text);
  if (ms === null)
    throw invalidInput(
      `Invalid ${what} ${JSON.stringify(text)}: give a duration from 1 second to 365 days, like 30s, 5m, 1h30m or 1d.`,
    );
  return ms;
}

/** A window of days: above 0, at most ten years. */
export function checkDays(days: number): void {
  if (!Number.isFinite(days) || days <= 0 || days > 3650)
    throw invalidInput(`Invalid --days ${days}: expected a number of days above 0 and at most 3650.`);
}
