import { describe, expect, it } from 'vitest';
import { mannWhitneyBinned } from '../../../src/core/stats/index.js';

function expectRelative(actual: number | null, expected: number, rel = 1e-6) {
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(rel * expected);
}

// Reference values from R 4.2.2 on the histograms expanded to raw data
// (ex <- function(h) rep(as.numeric(names(h)), h)):
//   wilcox.test(ex(after), ex(before), exact = FALSE, correct = TRUE)   # W is U of `after`
// and from SciPy 1.17: mannwhitneyu(after, before, method="asymptotic", use_continuity=True).
// The normal tail is good to 1.2e-7 relative (Numerical Recipes erfcc), hence rel 1e-6.
describe('mannWhitneyBinned', () => {
  it('matches R on heavily tied scores (4 levels, 18 vs 16 observations)', () => {
    const result = mannWhitneyBinned({ 1: 3, 2: 5, 3: 8, 4: 2 }, { 2: 1, 3: 4, 4: 6, 5: 5 });
    expect(result).toMatchObject({ nBefore: 18, nAfter: 16, u: 245.5, direction: 'greater' });
    expectRelative(result.pValue, 0.000312177385718277); // R, and SciPy 0.00031217738571827645
    expect(result.probabilityOfSuperiority).toBeCloseTo(245.5 / (18 * 16), 15);
  });

  it('matches R on binned durations: a million-sized window against 30 after a change', () => {
    const before = new Map([
      [100, 50000],
      [200, 30000],
      [400, 15000],
      [800, 5000],
    ]);
    const slower = mannWhitneyBinned(
      before,
      new Map([
        [100, 8],
        [200, 10],
        [400, 8],
        [800, 4],
      ]),
    );
    expect(slower).toMatchObject({ nBefore: 100000, nAfter: 30, u: 1940000, direction: 'greater' });
    expectRelative(slower.pValue, 0.00246479085234792);
    const muchSlower = mannWhitneyBinned(
      before,
      new Map([
        [100, 3],
        [200, 7],
        [400, 10],
        [800, 10],
      ]),
    );
    expect(muchSlower.u).toBe(2380000);
    expectRelative(muchSlower.pValue, 1.40323512281768e-9);
  });

  it('matches R without ties (8 vs 8), and reads the direction both ways', () => {
    const before = [1.1, 2.3, 3.5, 4.0, 5.2, 6.1, 7.7, 8.8];
    const after = [3.3, 5.5, 6.6, 9.1, 9.9, 10.2, 11.0, 12.5];
    const histogram = (values: number[]) => new Map(values.map((v) => [v, 1]));
    const result = mannWhitneyBinned(histogram(before), histogram(after));
    expect(result).toMatchObject({ u: 53, direction: 'greater' });
    expectRelative(result.pValue, 0.03132413087789);
    const reversed = mannWhitneyBinned(histogram(after), histogram(before));
    expect(reversed).toMatchObject({ u: 64 - 53, direction: 'less' });
    expectRelative(reversed.pValue, 0.03132413087789);
    expect(reversed.z).toBeCloseTo(-result.z!, 12);
    expect(reversed.probabilityOfSuperiority).toBeCloseTo(1 - result.probabilityOfSuperiority!, 12);
  });

  it('matches R when U is near its mean (two levels)', () => {
    const result = mannWhitneyBinned({ 0: 4, 1: 4 }, { 0: 4, 1: 5 });
    expect(result.u).toBe(38);
    expectRelative(result.pValue, 0.867632334778193);
  });

  it('gives p = 1 and no direction when all observations are equal (SciPy: 1; R: NA)', () => {
    expect(mannWhitneyBinned({ 1: 5 }, { 1: 7 })).toEqual({
      nBefore: 5,
      nAfter: 7,
      u: 17.5,
      z: 0,
      pValue: 1,
      direction: 'none',
      probabilityOfSuperiority: 0.5,
    });
  });

  it('gives p: null when a side is empty', () => {
    expect(mannWhitneyBinned({}, { 1: 3 })).toEqual({
      nBefore: 0,
      nAfter: 3,
      u: 0,
      z: null,
      pValue: null,
      direction: null,
      probabilityOfSuperiority: null,
    });
    expect(mannWhitneyBinned(new Map([[1, 3]]), new Map([[2, 0]])).pValue).toBeNull();
  });

  it('accepts bin indices as record keys, a prototype-free record, and sums a value given twice', () => {
    const record = Object.assign(Object.create(null) as Record<string, number>, {
      '0': 3,
      '1': 5,
      '2': 8,
      '3': 2,
    });
    const asMap = mannWhitneyBinned(
      new Map([
        [0, 3],
        [1, 5],
        [2, 8],
        [3, 2],
      ]),
      new Map([
        [3, 5],
        [4, 5],
      ]),
    );
    expect(mannWhitneyBinned(record, { 3: 5, 4: 5 })).toEqual(asMap);
  });

  it('works in O(distinct values): ten million observations in three bins', () => {
    const result = mannWhitneyBinned({ 1: 4_000_000, 2: 3_000_000, 3: 3_000_000 }, { 1: 10, 2: 10, 3: 10 });
    expect(result).toMatchObject({ nBefore: 10_000_000, u: 160_000_000, direction: 'greater' });
    expectRelative(result.pValue, 0.500671264785523); // R on the 10⁷ values expanded
  });

  it('refuses counts that are not whole numbers and values that are not finite', () => {
    expect(() => mannWhitneyBinned({ 1: 2.5 }, { 1: 1 })).toThrow(
      /mannWhitneyBinned: the count of before at 1 must be a whole number ≥ 0, got 2.5/,
    );
    expect(() => mannWhitneyBinned({ x: 1 }, { 1: 1 })).toThrow(/a value of before must be a finite number/);
    expect(() => mannWhitneyBinned({ 1: 1 }, new Map([[Infinity, 1]]))).toThrow(/a value of after/);
  });
});
