import type { AnalysisMetrics } from '../../../../src/core/sdk/types.js';
import performanceDegradation from '../../../../src/plugins/detectors/performance-degradation.js';
import { DetectorTester, exactly, readsNoFeedback } from '../../../helpers/detector-cases.js';

function durations(duration: Partial<AnalysisMetrics['duration']>) {
  return { metrics: { duration: { count: 40, p50: 900, p95: 1400, max: 2000, ...duration } } };
}

new DetectorTester().run(performanceDegradation, {
  valid: [
    { name: 'no finding for mean == slaMs', ctx: durations({ mean: 1000, slaMs: 1000 }) },
    { name: 'no finding for mean under slaMs', ctx: durations({ mean: 10, slaMs: 1000 }) },
    { name: 'no finding for no slaMs', ctx: durations({ mean: 99_999, slaMs: null }) },
    {
      name: 'no finding for no durations',
      ctx: durations({ mean: null, p50: null, p95: null, max: null, count: 0, slaMs: 1000 }),
    },
  ].map((testCase) => ({ ...testCase, check: readsNoFeedback })),
  invalid: [
    {
      name: 'fires at slaMs + 1, with the whole finding',
      ctx: durations({ mean: 1001, slaMs: 1000 }),
      ...exactly([
        {
          title: 'Successful operations take 1001 ms on average, over the 1000 ms SLA',
          description:
            'Over 40 timed successful operation(s) in the last 7 day(s) the mean duration is 1001 ms (p50 ≈ 900 ms, p95 ≈ 1400 ms), 0.1 % above the SLA of 1000 ms.',
          evidence: { meanMs: 1001, p50Ms: 900, p95Ms: 1400, maxMs: 2000, slaMs: 1000, samples: 40 },
        },
      ]),
    },
    {
      // One finding per agent: no subject, and the type's default severity (MEDIUM) from the host.
      name: 'gives the overshoot in percent and stands in for missing quantiles',
      ctx: {
        metrics: {
          window: { days: 3 },
          duration: { mean: 1500.4, p50: null, p95: null, max: 1500.4, count: 1, slaMs: 1000 },
        },
      },
      ...exactly([
        {
          title: 'Successful operations take 1500.4 ms on average, over the 1000 ms SLA',
          description:
            'Over 1 timed successful operation(s) in the last 3 day(s) the mean duration is 1500.4 ms (p50 ≈ — ms, p95 ≈ — ms), 50 % above the SLA of 1000 ms.',
          evidence: { meanMs: 1500.4, p50Ms: null, p95Ms: null, maxMs: 1500.4, slaMs: 1000, samples: 1 },
        },
      ]),
    },
  ],
});
