import { defineDetector } from '../../core/sdk/index.js';

/** Fires when the success rate fell by more than `successRateDropPoints` against the previous window. */
export default defineDetector({
  id: 'kv1nt/success-rate-decline',
  type: 'success_rate_decline',
  description:
    'Success rate dropped by more than thresholds.successRateDropPoints points against the previous window of the same length.',
  detect({ metrics, config: { thresholds } }) {
    const decided = metrics.successes + metrics.failures;
    const before = metrics.previous.successes + metrics.previous.failures;
    // Too few outcomes on either side and a "drop" is noise.
    if (decided < thresholds.successRateMinSamples || before < thresholds.successRateMinSamples) return [];
    const current = (metrics.successes / decided) * 100;
    const previous = (metrics.previous.successes / before) * 100;
    const drop = previous - current;
    // Decide on whole numbers: in floating point 55 % → 50 % is a drop of 5.000000000000007.
    const dropTimesSamples = (metrics.previous.successes * decided - metrics.successes * before) * 100;
    if (!(dropTimesSamples > thresholds.successRateDropPoints * decided * before)) return [];
    return [
      {
        title: `Success rate fell ${drop.toFixed(1)} points`,
        description: `The success rate is ${current.toFixed(1)} % over the last ${metrics.window.days} day(s), down from ${previous.toFixed(1)} % in the ${metrics.window.days} day(s) before (threshold: a drop of more than ${thresholds.successRateDropPoints} points).`,
        evidence: {
          currentRate: round(current / 100),
          previousRate: round(previous / 100),
          dropPoints: round(drop),
          samples: decided,
          previousSamples: before,
        },
      },
    ];
  },
});

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
