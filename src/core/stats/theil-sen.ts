import { median } from 'simple-statistics';
import { statsBadArgument } from '../errors.js';
import { requireFinite } from './checks.js';

export interface TheilSenFit {
  /** Median of the slopes between every pair of points with distinct x. */
  slope: number;
  /** Median of y − slope·x. */
  intercept: number;
}

/**
 * Theil–Sen line (Theil 1950; Sen 1968): a robust linear fit. Up to 29 % of the points can be
 * arbitrary outliers without carrying the slope away, and nothing about the noise's
 * distribution is assumed. Pairs with equal x give no slope and are left out (Sen's version).
 * O(n²) pairs: meant for series of days, not for raw observations. Needs two distinct x.
 */
export function theilSen(points: ReadonlyArray<readonly [number, number]>): TheilSenFit {
  points.forEach(([x, y], i) => {
    requireFinite('theilSen', `points[${i}][0]`, x);
    requireFinite('theilSen', `points[${i}][1]`, y);
  });
  const slopes: number[] = [];
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      const [x1, y1] = points[i]!;
      const [x2, y2] = points[j]!;
      if (x1 !== x2) slopes.push((y2 - y1) / (x2 - x1));
    }
  }
  if (slopes.length === 0) throw statsBadArgument('theilSen: needs points at two distinct x at least');
  const slope = median(slopes);
  return { slope, intercept: median(points.map(([x, y]) => y - slope * x)) };
}
