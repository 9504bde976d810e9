import { describe, expect, it } from 'vitest';
import { mannKendall } from '../../../src/core/stats/index.js';

function expectRelative(actual: number | null, expected: number, rel: number) {
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(rel * expected);
}

// Reference values from R 4.2.2 (base R: the Mann–Kendall test is Kendall's tau between time
// and value):
//   cor.test(seq_along(x), x, method = "kendall", exact = TRUE)                       # no ties
//   cor.test(seq_along(x), x, method = "kendall", exact = FALSE, continuity = TRUE)   # normal
// cross-checked with SciPy 1.17: kendalltau(range(n), x, method="exact").
const A = [80, 76, 77, 72, 70, 71, 65];
const L = [
  80.28, 83.35, 76.41, 81.78, 77.62, 77.22, 83.3, 77.67, 76.67, 78.59, 79.38, 75.51, 76.96, 71.88, 73.3,
  72.69, 69.6, 68.67, 67.92, 71.68,
];
const M = [
  80.12, 81.14, 78.12, 80.31, 81.78, 79.98, 83.19, 75.59, 78.2, 75.63, 75.15, 76.7, 77.66, 78.01, 78.02,
  82.95, 78.59, 70.97, 76.11, 73.38, 73.45, 78.67, 73.83, 68.4, 74.93, 72.88, 69.98, 70.49, 71.12, 72.68,
  71.22, 72.46, 77.51, 69.35, 69.08, 70.5, 74.29, 68.63, 74.8, 66.33, 66.9, 69.59, 66.91, 67.39, 70.35, 70.92,
  68.84, 67.43, 72.03, 68.96,
];
// 30 daily health scores falling by 16 points with noise (ties: 87.4, 75.4 and 77.4 twice).
const C = [
  89.2, 91.0, 88.2, 87.4, 85.0, 86.6, 90.0, 87.4, 88.7, 85.8, 85.7, 84.5, 78.4, 85.4, 83.8, 83.2, 76.1, 75.4,
  77.4, 78.1, 79.9, 78.3, 79.4, 75.4, 77.7, 77.4, 73.7, 80.3, 76.2, 77.6,
];

describe('mannKendall', () => {
  it('is exact for a short series without ties (n = 7: R p = 0.0107142857142857)', () => {
    const result = mannKendall(A);
    expect(result).toMatchObject({ n: 7, s: -17, method: 'exact' });
    expectRelative(result.pValue, 0.0107142857142857, 1e-12);
    expect(result.tau).toBeCloseTo(-0.80952380952381, 12);
  });

  it('gives the exact 2/n! of a perfectly monotone series', () => {
    expectRelative(mannKendall([5, 4, 3, 2, 1]).pValue, 2 / 120, 1e-12);
    expect(mannKendall([1, 2, 3]).pValue).toBeCloseTo(1 / 3, 15);
    // Mahonian numbers: 1, n−1 and (n−2)(n+1)/2 orders with 0, 1 and 2 inversions, so for
    // n = 40 with two swapped pairs p = 2·(1 + 39 + 779)/40! (SciPy exact: 2.007561365292296e-45;
    // R's own exact value cancels to −4.4e-16 there).
    const twoSwaps = [
      2,
      1,
      ...Array.from({ length: 18 }, (_, i) => i + 3),
      22,
      21,
      ...Array.from({ length: 18 }, (_, i) => i + 23),
    ];
    expectRelative(mannKendall(twoSwaps).pValue, 2.007561365292296e-45, 1e-9);
  });

  it('is exact up to n = 50 (R: n = 20 p = 1.71537518688882e-05, n = 50 p = 2.17534880570848e-11)', () => {
    const twenty = mannKendall(L);
    expect(twenty).toMatchObject({ n: 20, method: 'exact' });
    expectRelative(twenty.pValue, 1.71537518688882e-5, 1e-9);
    const fifty = mannKendall(M);
    expect(fifty).toMatchObject({ n: 50, method: 'exact' });
    expectRelative(fifty.pValue, 2.17534880570848e-11, 1e-9);
    expect(fifty.tau).toBeCloseTo(-0.604897959183674, 12);
  });

  it('uses the normal approximation above 50 (R: n = 51, z = −6.33532466789261, p = 2.36842008998857e-10)', () => {
    const result = mannKendall([...M, 67.5]);
    expect(result.method).toBe('normal');
    expect(result.z).toBeCloseTo(-6.33532466789261, 10);
    expectRelative(result.pValue, 2.36842008998857e-10, 1e-6);
  });

  it('corrects the variance for ties (R: z = 3.57012745652952, p = 0.00035680757433585)', () => {
    const result = mannKendall([1, 2, 2, 3, 3, 3, 4, 5, 5, 6]);
    expect(result).toMatchObject({ n: 10, method: 'normal' });
    // Var(S) = [10·9·25 − (2·1·9 + 3·2·11 + 2·1·9)]/18 = (2250 − 102)/18.
    expect(result.varS).toBeCloseTo(2148 / 18, 12);
    expect(result.z).toBeCloseTo(3.57012745652952, 12);
    expectRelative(result.pValue, 0.00035680757433585, 1e-6);
    expect(result.tau).toBeCloseTo(0.942809041582063, 12);
  });

  it('finds the 16-point fall over 30 days with ties (R: z = −5.15852150282978, p = 2.48907526066891e-07)', () => {
    const result = mannKendall(C);
    expect(result).toMatchObject({ n: 30, method: 'normal' });
    expect(result.z).toBeCloseTo(-5.15852150282978, 12);
    expectRelative(result.pValue, 2.48907526066891e-7, 1e-6);
    expect(result.tau).toBeCloseTo(-0.668977476599572, 12);
  });

  it('gives p = 1 for a flat series and null below two values', () => {
    expect(mannKendall([70, 70, 70, 70])).toMatchObject({ s: 0, varS: 0, z: 0, pValue: 1, tau: 0 });
    expect(mannKendall([70]).pValue).toBeNull();
    expect(mannKendall([]).pValue).toBeNull();
  });

  it('refuses values that are not finite numbers', () => {
    expect(() => mannKendall([1, Number.NaN, 3])).toThrow(/mannKendall: series\[1\] must be a finite number/);
  });
});
