import { afterEach, describe, expect, it, vi } from 'vitest';
import { fisherExact } from '../../../src/core/stats/index.js';

/** |actual − expected| ≤ rel·expected: p-values span hundreds of orders of magnitude. */
function expectRelative(actual: number, expected: number, rel = 1e-9) {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * expected);
}

// Reference values from R 4.2.2, for each table t = c(a, b, c, d):
//   m <- matrix(t, 2, byrow = TRUE)
//   fisher.test(m)$p.value
//   fisher.test(m, alternative = "less")$p.value
//   fisher.test(m, alternative = "greater")$p.value
const R_REFERENCE: Array<[[number, number, number, number], number, number, number]> = [
  // Fisher's lady tasting tea.
  [[3, 1, 1, 3], 0.485714285714286, 0.985714285714286, 0.242857142857143],
  [[10, 2, 3, 15], 0.000536724119143436, 0.999984519018686, 0.000465180943362906],
  [[0, 5, 5, 0], 0.00793650793650794, 0.00396825396825397, 1],
  [[1, 9, 11, 3], 0.00275945618522008, 0.00137972809261004, 0.999966348095302],
  [[2, 7, 8, 2], 0.0230141375652212, 0.0185217259520665, 0.999014916971573],
  [[12, 5, 29, 2], 0.0802685520741047, 0.0445547378350769, 0.994525206021882],
  // A million-entry before-window against 30 entries after a change.
  [[990000, 10000, 20, 10], 2.51643050388627e-13, 0.999999999999995, 2.51643050388587e-13],
  [[999970, 30, 25, 5], 5.5471957550297e-18, 1, 5.54719575502749e-18],
  [[500000, 500000, 499000, 501000], 0.157714504788113, 0.921557855086069, 0.0788572523940555],
  [[1000000, 0, 0, 30], 2.65129547158357e-148, 1, 2.65129547158424e-148],
  [[30, 0, 0, 1000000], 2.65129547158478e-148, 1, 2.65129547158467e-148],
];

describe('fisherExact', () => {
  afterEach(() => vi.restoreAllMocks());

  it.each(R_REFERENCE)(
    '%j matches R fisher.test (two-sided, less, greater)',
    (table, twoSided, less, greater) => {
      const result = fisherExact(...table);
      // R's own tail sums differ from each other by 1e-13 relative at 1e-13: compare at 1e-9.
      expectRelative(result.twoSided, twoSided);
      expectRelative(result.less, less);
      expectRelative(result.greater, greater);
    },
  );

  it('counts a table as extreme as the observed one within R’s 1e-7 relative tolerance', () => {
    // [[3,1],[1,3]] and [[1,3],[3,1]] are equally probable: both tails are in the two-sided p.
    expect(fisherExact(1, 3, 3, 1).twoSided).toBeCloseTo(0.485714285714286, 14);
  });

  it('reads a success rate with before in the first row: a small `less` is better after', () => {
    // 80 % before, 29 of 30 after. R: alternative "less" 0.0206712188280891, "greater"
    // 0.997670848582751, two-sided 0.0439631239547957.
    const result = fisherExact(80, 20, 29, 1);
    expectRelative(result.less, 0.0206712188280891);
    expectRelative(result.greater, 0.997670848582751);
    expectRelative(result.twoSided, 0.0439631239547957);
  });

  it('gives 1 for a table whose margins allow one table only', () => {
    expect(fisherExact(7, 0, 0, 0)).toEqual({ twoSided: 1, less: 1, greater: 1 });
    expect(fisherExact(0, 0, 3, 4)).toEqual({ twoSided: 1, less: 1, greater: 1 });
    expect(fisherExact(0, 0, 0, 0)).toEqual({ twoSided: 1, less: 1, greater: 1 });
  });

  it('underflows to 0, never to NaN, far beyond 1e-300 (R: 0)', () => {
    const result = fisherExact(400, 600, 5000, 2);
    expect(result.twoSided).toBeLessThan(1e-300);
    expect(result.less).toBeLessThan(1e-300);
    expect(result.greater).toBe(1);
  });

  it('walks O(standard deviation) terms, not O(n), on million-count tables', () => {
    // One log per hypergeometric ratio: counting them counts the work, without timing it.
    const log = vi.spyOn(Math, 'log');
    fisherExact(990000, 10000, 20, 10);
    expect(log.mock.calls.length).toBeLessThan(100); // the support has 31 cells
    log.mockClear();
    fisherExact(500000, 500000, 499000, 501000);
    // sd ≈ 354: about ±10 sd are walked, out of a support of 10⁶ cells.
    expect(log.mock.calls.length).toBeLessThan(20000);
  });

  it('refuses counts that are not whole numbers ≥ 0, naming the argument', () => {
    expect(() => fisherExact(1, -1, 2, 3)).toThrow(/fisherExact: b must be a whole number ≥ 0, got -1/);
    expect(() => fisherExact(1.5, 1, 2, 3)).toThrow(/fisherExact: a must be/);
    expect(() => fisherExact(1, 1, Number.NaN, 3)).toThrow(/fisherExact: c must be/);
  });
});
