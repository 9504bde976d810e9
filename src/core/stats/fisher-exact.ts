import { requireCount } from './checks.js';

export interface FisherExactResult {
  /** Two-sided p-value, as R's `fisher.test`: the sum of the probabilities ≤ the observed one. */
  twoSided: number;
  /** P(X ≤ a): evidence that the odds ratio (a·d)/(b·c) is below 1 (R: alternative = "less"). */
  less: number;
  /** P(X ≥ a): evidence that the odds ratio is above 1 (R: alternative = "greater"). */
  greater: number;
}

/** R's tolerance: a table as probable as the observed one up to rounding counts as "as extreme". */
const RELATIVE_TOLERANCE = 1e-7;
/** Terms under e^−50 (≈ 2·10⁻²²) of the largest term they are summed with change nothing. */
const NEGLIGIBLE_LOG = -50;
/** e^−745 is below the smallest double: a cell this far from the mode has probability 0. */
const UNDERFLOW_LOG = -745;

/**
 * Fisher's exact test on the 2×2 table [[a, b], [c, d]] (Fisher 1935; Agresti, Categorical Data
 * Analysis, §3.5.1).
 *
 * Assumptions: the rows are two independent samples and the margins are treated as fixed; given
 * them, a follows the hypergeometric distribution under independence. No approximation: the
 * p-values are exact up to floating point, for any counts.
 *
 * Method: the hypergeometric probabilities are walked from the mode outward with the ratio
 * P(x+1)/P(x), in log space relative to the mode, and each walk stops once its terms are
 * negligible next to both the mode and the observed table. That is O(standard deviation) steps,
 * not O(n): a table with a million counts in one row and 30 in the other takes well under a
 * millisecond, two rows of a million a few. An observed table so far out that its probability
 * is under 10⁻³²³ of the mode's is not walked to: its tail p-values are reported as 0 (and the
 * other tail as 1).
 */
export function fisherExact(a: number, b: number, c: number, d: number): FisherExactResult {
  for (const [name, value] of [
    ['a', a],
    ['b', b],
    ['c', c],
    ['d', d],
  ] as const)
    requireCount('fisherExact', name, value);
  const row1 = a + b;
  const row2 = c + d;
  const col1 = a + c;
  const lo = Math.max(0, col1 - row2);
  const hi = Math.min(row1, col1);
  if (lo === hi) return { twoSided: 1, less: 1, greater: 1 };

  // Log of P(x±1)/P(x) for the hypergeometric distribution of the top-left cell.
  const logRatio = (x: number, direction: 1 | -1) =>
    direction > 0
      ? Math.log(((row1 - x) * (col1 - x)) / ((x + 1) * (row2 - col1 + x + 1)))
      : Math.log((x * (row2 - col1 + x)) / ((row1 - x + 1) * (col1 - x + 1)));
  const mode = Math.min(hi, Math.max(lo, Math.floor(((row1 + 1) * (col1 + 1)) / (row1 + row2 + 2))));
  const towards: 1 | -1 = a >= mode ? 1 : -1;
  const distance = Math.abs(a - mode);

  // Log-terms relative to the mode (the largest), first towards the observed cell, whose term
  // then tells how far both walks must go to keep the tails exact.
  const near = walk(towards, distance, null);
  if (near.length < distance) {
    const observedTail = { twoSided: 0, less: 0, greater: 0 };
    return towards > 0 ? { ...observedTail, less: 1 } : { ...observedTail, greater: 1 };
  }
  const logObserved = distance === 0 ? 0 : near[distance - 1]!;
  const far = walk(-towards as 1 | -1, 0, logObserved + NEGLIGIBLE_LOG);

  // One pass over the terms. Sums that hold the mode are in units of the mode's probability (it
  // is the largest term); the others in units of the observed one, which may be far below 10⁻³⁰⁸.
  const asProbable = logObserved + Math.log1p(RELATIVE_TOLERANCE);
  let total = 1;
  let modeSide = 1; // the cells from the observed one to the far end through the mode
  let observedSide = distance === 0 ? Math.exp(-logObserved) : 0; // in units of P(observed)
  let extreme = 0 <= asProbable ? Math.exp(-logObserved) : 0; // in units of P(observed)
  near.forEach((log, i) => {
    const term = Math.exp(log);
    total += term;
    if (i < distance) modeSide += term;
    if (i >= distance - 1 || log <= asProbable) {
      const relative = Math.exp(log - logObserved);
      if (i >= distance - 1) observedSide += relative;
      if (log <= asProbable) extreme += relative;
    }
  });
  for (const log of far) {
    const term = Math.exp(log);
    total += term;
    modeSide += term;
    if (log <= asProbable) extreme += Math.exp(log - logObserved);
  }
  const inUnitsOfObserved = (sum: number) =>
    Math.min(1, Math.exp(logObserved + Math.log(sum) - Math.log(total)));
  const toward = inUnitsOfObserved(observedSide);
  const away = Math.min(1, modeSide / total);
  return {
    twoSided: inUnitsOfObserved(extreme),
    less: towards > 0 ? away : toward,
    greater: towards > 0 ? toward : away,
  };

  /**
   * Log-terms of the cells after the mode in `direction`, inside the support: the first `reach`
   * cells (unless they underflow), then until a term falls under `floor` (null: under the term
   * of the `reach`-th cell plus NEGLIGIBLE_LOG).
   */
  function walk(direction: 1 | -1, reach: number, floor: number | null): number[] {
    const logs: number[] = [];
    let limit = floor ?? (reach === 0 ? NEGLIGIBLE_LOG : -Infinity);
    let log = 0;
    for (let x = mode; direction > 0 ? x < hi : x > lo; x += direction) {
      log += logRatio(x, direction);
      if (log < UNDERFLOW_LOG) break;
      if (logs.length >= reach && log < limit) break;
      logs.push(log);
      if (logs.length === reach && floor === null) limit = log + NEGLIGIBLE_LOG;
    }
    return logs;
  }
}
