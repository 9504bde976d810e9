import type { Thresholds } from '../../../../src/core/sdk/types.js';
import successRateDecline from '../../../../src/plugins/detectors/success-rate-decline.js';
import type { DetectorContextInput } from '../../../../src/testing/index.js';
import { DetectorTester, exactly, runsNothing } from '../../../helpers/detector-cases.js';

type Outcomes = [successes: number, failures: number];

/** Current window `successes`/`failures` against the previous window's. */
function outcomes(current: Outcomes, previous: Outcomes, thresholds: Partial<Thresholds> = {}) {
  return {
    metrics: {
      total: current[0] + current[1],
      successes: current[0],
      failures: current[1],
      previous: {
        total: previous[0] + previous[1],
        successes: previous[0],
        failures: previous[1],
        successRate: previous[0] / (previous[0] + previous[1]),
      },
    },
    thresholds,
  } satisfies DetectorContextInput;
}

const quiet: Array<[name: string, current: Outcomes, previous: Outcomes]> = [
  ['a drop of exactly 5 points (95 % → 90 %)', [18, 2], [19, 1]],
  ['a drop of exactly 5 points (100 % → 95 %)', [19, 1], [20, 0]],
  ['a drop of exactly 5 points (90 % → 85 %)', [17, 3], [9, 1]],
  ['a drop of 4.9 points', [951, 49], [100, 0]],
  ['a rise', [20, 0], [10, 10]],
  ['no change', [10, 10], [10, 10]],
  ['current window under 10 outcomes', [0, 9], [10, 0]],
  ['previous window under 10 outcomes', [0, 10], [9, 0]],
  ['both windows empty', [0, 0], [0, 0]],
];

new DetectorTester().run(successRateDecline, {
  valid: [
    ...quiet.map(([name, current, previous]) => ({
      name: `no finding for ${name}`,
      ctx: outcomes(current, previous),
      check: runsNothing,
    })),
    {
      name: 'counts only successes and failures as outcomes (not the window total)',
      ctx: {
        metrics: {
          total: 500,
          successes: 5,
          failures: 4,
          previous: { total: 500, successes: 100, failures: 0, successRate: 1 },
        },
      },
    },
    {
      name: 'respects a custom successRateDropPoints of 10: exactly 10 points',
      ctx: outcomes([18, 2], [20, 0], { successRateDropPoints: 10 }),
    },
    {
      name: 'respects a custom successRateMinSamples of 50: 49 outcomes',
      ctx: outcomes([0, 49], [49, 0], { successRateMinSamples: 50 }),
    },
    {
      name: 'with a minimum of 0 samples, an empty window is no finding (no division by zero)',
      ctx: outcomes([0, 0], [10, 0], { successRateMinSamples: 0 }),
    },
    // Regression: compared in floating point, 11/20 (55 %) → 10/20 (50 %) is a drop of 5.000000000000007.
    {
      name: 'no finding for a drop of exactly 5 points that floating point overshoots (55 % → 50 %)',
      ctx: outcomes([10, 10], [11, 9]),
    },
  ],
  invalid: [
    {
      name: 'fires on a drop of 5.1 points, with the whole finding',
      ctx: outcomes([949, 51], [100, 0]),
      ...exactly([
        {
          title: 'Success rate fell 5.1 points',
          description:
            'The success rate is 94.9 % over the last 7 day(s), down from 100.0 % in the 7 day(s) before (threshold: a drop of more than 5 points).',
          evidence: {
            currentRate: 0.949,
            previousRate: 1,
            dropPoints: 5.1,
            samples: 1000,
            previousSamples: 100,
          },
        },
      ]),
    },
    {
      // No severity and no subject: the host applies HIGH, the type's default.
      name: 'fires with exactly 10 outcomes on each side (the minimum is inclusive)',
      ctx: outcomes([0, 10], [10, 0]),
      ...exactly([
        {
          title: 'Success rate fell 100.0 points',
          description:
            'The success rate is 0.0 % over the last 7 day(s), down from 100.0 % in the 7 day(s) before (threshold: a drop of more than 5 points).',
          evidence: { currentRate: 0, previousRate: 1, dropPoints: 100, samples: 10, previousSamples: 10 },
        },
      ]),
    },
    {
      name: 'respects a custom successRateDropPoints of 10: 10.5 points',
      ctx: outcomes([179, 21], [20, 0], { successRateDropPoints: 10 }),
      findings: [
        {
          title: 'Success rate fell 10.5 points',
          description: /a drop of more than 10 points/,
          evidence: { dropPoints: 10.5, samples: 200, previousSamples: 20 },
        },
      ],
    },
    {
      name: 'respects a custom successRateMinSamples of 50: 50 outcomes',
      ctx: outcomes([0, 50], [50, 0], { successRateMinSamples: 50 }),
      findings: 1,
    },
  ],
});
