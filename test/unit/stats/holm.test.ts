import { describe, expect, it } from 'vitest';
import { holmAdjust } from '../../../src/core/stats/index.js';

// Reference values from R 4.2.2: p.adjust(p, "holm").
describe('holmAdjust', () => {
  it.each([
    [
      [0.01, 0.04, 0.03, 0.005],
      [0.03, 0.06, 0.06, 0.02],
    ],
    [
      [0.2, 0.01, 0.5],
      [0.4, 0.03, 0.5],
    ],
    [
      [0.03, 0.03, 0.03],
      [0.09, 0.09, 0.09],
    ],
  ])('adjusts %j as R does', (p, expected) => {
    holmAdjust(p).forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 14));
  });

  it('keeps an empty list empty, a single p-value as it is, and refuses what is not a probability', () => {
    expect(holmAdjust([])).toEqual([]);
    expect(holmAdjust([0.04])).toEqual([0.04]);
    expect(() => holmAdjust([0.1, Number.NaN])).toThrow(
      /holmAdjust: pValues\[1\] must be in \[0, 1\], got NaN/,
    );
    expect(() => holmAdjust([1.5])).toThrow(/got 1.5/);
  });
});
