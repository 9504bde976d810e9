import { describe, expect, it } from 'vitest';
import { theilSen } from '../../../src/core/stats/index.js';

describe('theilSen', () => {
  it('fits a straight line exactly', () => {
    expect(
      theilSen([
        [0, 3],
        [1, 5],
        [2, 7],
        [5, 13],
      ]),
    ).toEqual({ slope: 2, intercept: 3 });
  });

  it('is not carried away by an outlier, unlike least squares', () => {
    // Least squares on these points gives a slope of 13.3; the median of the 10 pairwise slopes is 1.
    const fit = theilSen([
      [0, 0],
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 100],
    ]);
    expect(fit).toEqual({ slope: 1, intercept: 0 });
  });

  it('matches SciPy: theilslopes(y, x, method="joint")', () => {
    // Slopes of (1,2) (2,3) (3,7) (4,6): −1, 1, 4/3, 1.5, 2.5, 4 → (4/3 + 1.5)/2.
    let fit = theilSen([
      [1, 2],
      [2, 3],
      [3, 7],
      [4, 6],
    ]);
    expect(fit.slope).toBeCloseTo(1.4166666666666665, 14);
    expect(fit.intercept).toBeCloseTo(0.4583333333333337, 14);
    // Daily health scores with missing days: x is the day, not the index.
    const days = [0, 1, 2, 4, 5, 7, 8, 9, 12, 13];
    const scores = [88.5, 87.1, 86.9, 84.0, 85.2, 80.3, 83.0, 79.4, 75.2, 76.8];
    fit = theilSen(days.map((day, i): [number, number] => [day, scores[i]!]));
    expect(fit.slope).toBeCloseTo(-1.0111111111111104, 13);
    expect(fit.intercept).toBeCloseTo(88.5, 13);
  });

  it('leaves out pairs with the same x and needs two distinct x', () => {
    expect(
      theilSen([
        [0, 0],
        [0, 10],
        [1, 1],
      ]).slope,
    ).toBe(-4); // slopes 1 and −9 → median −4
    expect(() =>
      theilSen([
        [1, 1],
        [1, 2],
      ]),
    ).toThrow(/theilSen: needs points at two distinct x/);
    expect(() => theilSen([])).toThrow(/theilSen/);
    expect(() =>
      theilSen([
        [0, Number.POSITIVE_INFINITY],
        [1, 2],
      ]),
    ).toThrow(/points\[0\]\[1\] must be a finite/);
  });
});
