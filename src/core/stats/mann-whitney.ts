import { requireCount, requireFinite } from './checks.js';
import { normalTwoSidedP } from './normal.js';

/** Data as a histogram: value (or bin index) → how many observations have it. */
export type Histogram = ReadonlyMap<number, number> | Readonly<Record<string, number>>;

export interface MannWhitneyResult {
  nBefore: number;
  nAfter: number;
  /** U of `after`: pairs (after, before) with after > before, plus half the tied pairs. */
  u: number;
  /** Normal score of U with the tie and continuity corrections; null when a side is empty. */
  z: number | null;
  /** Two-sided p-value of the normal approximation; null when a side is empty. */
  pValue: number | null;
  /** Whether `after` tends to larger or smaller values than `before` (`none`: U at its mean). */
  direction: 'greater' | 'less' | 'none' | null;
  /**
   * Probability of superiority (the common-language effect size, McGraw & Wong 1992):
   * P(after > before) + ½·P(after = before) for a random pair, = U / (nBefore·nAfter).
   * 0.5 is no effect; null when a side is empty.
   */
  probabilityOfSuperiority: number | null;
}

/**
 * Mann–Whitney U test (Wilcoxon rank-sum test) of `after` against `before`, on data given as
 * histograms, so heavily tied data (durations in bins, scores on a few levels) costs
 * O(distinct values), not O(observations).
 *
 * Method (Hollander & Wolfe, Nonparametric Statistical Methods, §4.1; as R's
 * `wilcox.test(exact = FALSE, correct = TRUE)` and SciPy's `mannwhitneyu(method="asymptotic")`):
 * mid-ranks for ties; U = R_after − n_after(n_after+1)/2; Var(U) = n₁n₂/12 · ((N+1) −
 * Σ(t³−t)/(N(N−1))) over the tie groups t; z = (|U − n₁n₂/2| − ½)/√Var, the continuity
 * correction never taken past 0 (then p = 1); p = 2·P(Z ≥ z).
 *
 * Assumptions: the two samples are independent and each is made of independent draws from its
 * distribution; the test asks whether one distribution tends to larger values than the other
 * (stochastic dominance), not whether their means differ. The normal approximation is always used
 * (no exact small-sample distribution); it is considered sound from about 8 observations on each
 * side, and holds however large and unequal the sides are. Below that the p-value is only
 * indicative. A side without observations gives `pValue: null`; all observations equal gives
 * Var(U) = 0 and p = 1 (no evidence of a difference).
 */
export function mannWhitneyBinned(before: Histogram, after: Histogram): MannWhitneyResult {
  const counts = new Map<number, { before: number; after: number }>();
  const add = (histogram: Histogram, side: 'before' | 'after') => {
    for (const [value, count] of entriesOf(histogram)) {
      requireFinite('mannWhitneyBinned', `a value of ${side}`, value);
      requireCount('mannWhitneyBinned', `the count of ${side} at ${value}`, count);
      if (count === 0) continue;
      const slot = counts.get(value) ?? { before: 0, after: 0 };
      slot[side] += count;
      counts.set(value, slot);
    }
  };
  add(before, 'before');
  add(after, 'after');

  let nBefore = 0;
  let nAfter = 0;
  let rankSumAfter = 0;
  let tieSum = 0;
  let below = 0;
  for (const value of [...counts.keys()].sort((x, y) => x - y)) {
    const slot = counts.get(value)!;
    const tied = slot.before + slot.after;
    rankSumAfter += slot.after * (below + (tied + 1) / 2);
    tieSum += tied * tied * tied - tied;
    below += tied;
    nBefore += slot.before;
    nAfter += slot.after;
  }
  const u = rankSumAfter - (nAfter * (nAfter + 1)) / 2;
  if (nBefore === 0 || nAfter === 0)
    return { nBefore, nAfter, u, z: null, pValue: null, direction: null, probabilityOfSuperiority: null };

  const total = nBefore + nAfter;
  const pairs = nBefore * nAfter;
  const variance = (pairs / 12) * (total + 1 - tieSum / (total * (total - 1)));
  const shift = u - pairs / 2;
  const direction = shift > 0 ? 'greater' : shift < 0 ? 'less' : 'none';
  const corrected = Math.max(0, Math.abs(shift) - 0.5);
  const z = variance > 0 ? Math.sign(shift) * (corrected / Math.sqrt(variance)) : 0;
  return {
    nBefore,
    nAfter,
    u,
    z,
    pValue: normalTwoSidedP(z),
    direction,
    probabilityOfSuperiority: u / pairs,
  };
}

function entriesOf(histogram: Histogram): Array<[number, number]> {
  if (histogram instanceof Map) return [...(histogram as ReadonlyMap<number, number>).entries()];
  const record = histogram as Readonly<Record<string, number>>;
  return Object.keys(record).map((key): [number, number] => [Number(key), record[key]!]);
}
