import type { ValueSearch } from '../sdk/types.js';

/**
 * The engine side of a ValueSearch: try `start`; while it fails, step out geometrically (×2)
 * toward the bound (raising) or back toward `from` (lowering); then bisect between the last
 * failing and the first passing value, to the smallest value that passes. When raising finds
 * nothing up to the bound, the tests do not want more but less (a limit above which the agent
 * breaks, like a gateway that cuts requests at 3 s): the last runs — two are kept for it — bisect
 * between `from` and `start` for the largest value that passes. At most `budget` test runs; a
 * passing trial that a better one replaces is discarded.
 */
export async function searchValue<T>(
  search: ValueSearch,
  budget: number,
  attempt: (value: number) => Promise<T | 'failing' | 'stop'>,
  discard: (trial: T) => void,
  options: { startFails?: boolean } = {},
): Promise<{ trial: T; candidate: number } | null> {
  const raising = search.bound > search.from;
  const align = aligner(search);
  let runs = 0;
  let best: { trial: T; candidate: number } | null = null;
  let stopped = false;
  /** Runs the tests at `value`: true when they pass (and it becomes the best), false when not. */
  const tryValue = async (value: number): Promise<boolean> => {
    runs += 1;
    const outcome = await attempt(value);
    if (outcome === 'stop') stopped = true;
    if (outcome === 'stop' || outcome === 'failing') return false;
    if (best) discard(best.trial);
    best = { trial: outcome, candidate: value };
    return true;
  };
  const start = align(search.start);
  let failing: number | null = null;
  // 1. The start, then (raising) the steps out toward the bound, two runs kept for the way back.
  let value: number | null = start;
  if (options.startFails) {
    failing = start;
    value = stepOut(search, align, start);
  }
  while (value !== null && !stopped && runs < budget - (raising && runs > 0 ? 2 : 0)) {
    if (await tryValue(value)) break;
    failing = value;
    value = raising ? stepOut(search, align, value) : null;
  }
  if (stopped) return best;
  if (best !== null || !raising) {
    // 2. Between the last failing value and the passing one (lowering: the current value passes).
    let upper = (best as { candidate: number } | null)?.candidate ?? search.from;
    while (failing !== null && !stopped && runs < budget) {
      const middle = align((failing + upper) / 2);
      if (middle <= failing || middle >= upper) break;
      if (await tryValue(middle)) upper = middle;
      else failing = middle;
    }
    return best;
  }
  // 3. Nothing passed above the start: the largest passing value between `from` and the start.
  let lower = search.from;
  let above = start;
  while (!stopped && runs < budget) {
    const middle = align((lower + above) / 2);
    if (middle <= lower || middle >= above) break;
    if (await tryValue(middle)) lower = middle;
    else above = middle;
  }
  return best;
}

function stepOut(search: ValueSearch, align: (value: number) => number, value: number): number | null {
  const next = align(Math.min(search.bound, value * 2));
  return next > value && next <= search.bound ? next : null;
}

/** Rounds a searched value like the param it sets: to `step`, or whole when `from` is whole. */
export function aligner(search: ValueSearch): (value: number) => number {
  return (value) => {
    if (search.step !== undefined && search.step > 0) {
      const steps = Math.round(Number((value / search.step).toPrecision(12)));
      return Number((steps * search.step).toPrecision(12));
    }
    return Number.isInteger(search.from) ? Math.round(value) : Number(value.toPrecision(6));
  };
}
