import { describe, expect, it } from 'vitest';
import { normalTwoSidedP, normalUpperTail } from '../../../src/core/stats/index.js';

// R 4.2.2: pnorm(z, lower.tail = FALSE). The fit is good to 1.2e-7 relative, far out in the tail too.
const R_UPPER_TAIL: Array<[number, number]> = [
  [0, 0.5],
  [1, 0.158655253931457],
  [1.959963984540054, 0.025],
  [3, 0.00134989803163009],
  [6, 9.86587645037698e-10],
  [10, 7.61985302416053e-24],
  [30, 4.90671392714819e-198],
  [-1, 0.841344746068543],
];

describe('normal tail', () => {
  it.each(R_UPPER_TAIL)('P(Z ≥ %d) matches R to 1.2e-7 relative', (z, expected) => {
    expect(Math.abs(normalUpperTail(z) - expected)).toBeLessThanOrEqual(1.2e-7 * expected);
  });

  it('gives the two-sided p of |z|, at most 1', () => {
    expect(normalTwoSidedP(-1.959963984540054)).toBeCloseTo(0.05, 8);
    expect(normalTwoSidedP(1.959963984540054)).toBeCloseTo(0.05, 8);
    expect(normalTwoSidedP(0)).toBe(1);
  });
});
