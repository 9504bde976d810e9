import { requireFinite } from './checks.js';
import { normalTwoSidedP } from './normal.js';

export interface MannKendallResult {
  n: number;
  /** S = Σ_{i<j} sign(x_j − x_i): positive for a rising series, negative for a falling one. */
  s: number;
  /** Var(S) under no trend, with the tie correction. */
  varS: number;
  /** Normal score (S − sign S)/√Var(S), with the continuity correction; 0 when Var(S) = 0. */
  z: number;
  /** Kendall's tau-b between time and value: S / √(M·(M − ties)), M = n(n−1)/2. */
  tau: number;
  /** Two-sided p-value; null with fewer than 2 values. */
  pValue: number | null;
  /** `exact`: from the distribution of S (n ≤ 50, no ties); `normal`: the approximation. */
  method: 'exact' | 'normal';
}

/** Largest series whose p-value is exact; above it the normal approximation is excellent. */
export const MANN_KENDALL_EXACT_MAX = 50;

/**
 * Mann–Kendall test for a monotonic trend in a series taken in time order (Mann 1945; Kendall,
 * Rank Correlation Methods, 1975; Hipel & McLeod, Time Series Modelling of Water Resources,
 * §23.3). It is Kendall's rank correlation between time and value, so only the order of the
 * values counts: robust to outliers and to any monotonic rescaling, blind to the spacing of the
 * times.
 *
 * Assumptions: under the null hypothesis the values are independent and identically distributed
 * (no serial correlation: autocorrelated data makes the test too eager).
 *
 * p-value: exact for n ≤ 50 without ties, from the distribution of S — S = M − 2·I with I the
 * number of inversions of the ranks, whose counts over all n! orders are the Mahonian numbers,
 * computed here as probabilities (normalised at each step, so 50! never appears). Otherwise the
 * normal approximation with Var(S) = [n(n−1)(2n+5) − Σ t(t−1)(2t+5)]/18 over the tie groups t
 * and the continuity correction, as R's `Kendall::MannKendall` and `cor.test(method =
 * "kendall", exact = FALSE, continuity = TRUE)`; sound from about n = 10.
 */
export function mannKendall(series: readonly number[]): MannKendallResult {
  series.forEach((value, i) => requireFinite('mannKendall', `series[${i}]`, value));
  const n = series.length;
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) s += Math.sign(series[j]! - series[i]!);

  const groups = new Map<number, number>();
  for (const value of series) groups.set(value, (groups.get(value) ?? 0) + 1);
  let tieVariance = 0;
  let tiedPairs = 0;
  for (const t of groups.values()) {
    tieVariance += t * (t - 1) * (2 * t + 5);
    tiedPairs += (t * (t - 1)) / 2;
  }
  const pairs = (n * (n - 1)) / 2;
  const varS = (n * (n - 1) * (2 * n + 5) - tieVariance) / 18;
  const z = varS > 0 ? (s - Math.sign(s)) / Math.sqrt(varS) : 0;
  const tau = pairs > tiedPairs ? s / Math.sqrt(pairs * (pairs - tiedPairs)) : 0;
  const exact = n <= MANN_KENDALL_EXACT_MAX && tiedPairs === 0;
  const pValue = n < 2 ? null : exact ? exactTwoSidedP(n, s) : normalTwoSidedP(z);
  return { n, s, varS, z, tau, pValue, method: exact ? 'exact' : 'normal' };
}

/** P(|S| ≥ |s|) for n values without ties: 2·P(I ≤ (M − |s|)/2), the distribution being symmetric. */
function exactTwoSidedP(n: number, s: number): number {
  const inversions = inversionDistribution(n);
  const maxInversions = (n * (n - 1)) / 2;
  const atMost = (maxInversions - Math.abs(s)) / 2;
  let lowerTail = 0;
  for (let k = 0; k <= atMost; k++) lowerTail += inversions[k]!;
  return Math.min(1, 2 * lowerTail);
}

const distributions = new Map<number, Float64Array>();

/**
 * P(I = k), k = 0..n(n−1)/2, for a uniformly random order of n distinct values. Inserting the
 * m-th value adds 0..m−1 inversions with equal chance, so P_m(k) = (1/m)·Σ_{j<m} P_{m−1}(k−j).
 * Summed directly (≈ 800 000 steps for n = 50, once per n): a running window would subtract
 * large terms from large terms and lose the far tail, which holds the small p-values.
 */
function inversionDistribution(n: number): Float64Array {
  const cached = distributions.get(n);
  if (cached) return cached;
  let current = new Float64Array([1]);
  for (let m = 2; m <= n; m++) {
    const next = new Float64Array(current.length + m - 1);
    for (let k = 0; k < next.length; k++) {
      let sum = 0;
      for (let j = Math.max(0, k - current.length + 1); j <= Math.min(m - 1, k); j++) sum += current[k - j]!;
      next[k] = sum / m;
    }
    current = next;
  }
  distributions.set(n, current);
  return current;
}
