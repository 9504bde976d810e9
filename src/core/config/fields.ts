import * as v from 'valibot';

/** The building blocks of the config schema: each names the key in its messages. */

export const positiveInt = (what: string) =>
  v.pipe(
    v.number(`${what} must be a number`),
    v.integer(`${what} must be a whole number`),
    v.minValue(1, `${what} must be at least 1`),
  );

/** The longest delay a Node.js timer takes (2^31 − 1 ms, about 24.8 days); a longer one fires at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
/** Strategies give a fixer or `npm install` 15 × toolTimeoutMs, which must still be a valid timer. */
export const MAX_TOOL_TIMEOUT_MS = Math.floor(MAX_TIMER_MS / 15);

/** A time limit in whole milliseconds that a timer can hold. */
export const timerMs = (what: string, max = MAX_TIMER_MS) =>
  v.pipe(
    positiveInt(what),
    v.maxValue(
      max,
      `${what} must be at most ${max} ms (the longest timer Node.js runs is ${MAX_TIMER_MS} ms)`,
    ),
  );
export const nonEmpty = (what: string) =>
  v.pipe(v.string(`${what} must be a string`), v.minLength(1, `${what} must not be empty`));

/** An optional number within [min, max]. */
export const bounded = (what: string, description: string, min: number, max: number) =>
  v.optional(
    v.pipe(
      v.number(`${what} must be a number`),
      v.finite(`${what} must be a finite number`),
      v.minValue(min, `${what} must be at least ${min}`),
      v.maxValue(max, `${what} must be at most ${max}`),
      v.description(description),
    ),
  );

/** A health score bound (0–100), optional. */
export const healthScore = (what: string, description: string) => bounded(what, description, 0, 100);

/** An optional whole number from `min` (to `max`). */
export const count = (what: string, description: string, min: number, max = Number.MAX_SAFE_INTEGER) =>
  v.optional(
    v.pipe(
      v.number(`${what} must be a number`),
      v.integer(`${what} must be a whole number`),
      v.minValue(min, `${what} must be at least ${min}`),
      v.maxValue(max, `${what} must be at most ${max}`),
      v.description(description),
    ),
  );
