import type { Stat } from '../../../../src/core/sdk/types.js';
import qualityIssues from '../../../../src/plugins/detectors/quality-issues.js';
import { DetectorTester, exactly, readsNoFeedback } from '../../../helpers/detector-cases.js';

const quiet: Array<[name: string, quality: Partial<Stat>]> = [
  ['mean 0.8', { mean: 0.8, max: 0.9, count: 12 }],
  ['mean 0.95', { mean: 0.95, max: 1, count: 12 }],
  ['no quality entries', { mean: null, max: null, count: 0 }],
  ['a mean without entries', { mean: 0.1, max: 0.1, count: 0 }],
];

new DetectorTester().run(qualityIssues, {
  valid: [
    ...quiet.map(([name, quality]) => ({
      name: `no finding for ${name}`,
      ctx: { metrics: { quality, minScoreByType: { quality_score: 0.5 } } },
      check: readsNoFeedback,
    })),
    {
      name: 'respects a custom qualityMin of 0.6: mean 0.6',
      ctx: { metrics: { quality: { mean: 0.6, max: 0.6, count: 3 } }, thresholds: { qualityMin: 0.6 } },
    },
  ],
  invalid: [
    {
      name: 'fires at mean 0.799, with the whole finding',
      ctx: {
        metrics: { quality: { mean: 0.799, max: 0.95, count: 12 }, minScoreByType: { quality_score: 0.41 } },
      },
      ...exactly([
        {
          // toFixed(2) rounds 0.799 up: the title reads "0.80 is under 0.8" (cosmetic, see the report).
          title: 'Quality score 0.799 is under 0.8',
          description:
            'The mean of 12 quality score(s) over the last 7 day(s) is 0.799; the lowest was 0.41.',
          evidence: { meanQuality: 0.799, minQuality: 0.41, samples: 12, threshold: 0.8 },
        },
      ]),
    },
    {
      name: 'stands in for an unknown lowest score',
      ctx: { metrics: { quality: { mean: 0.5, max: 0.5, count: 1 } } },
      ...exactly([
        {
          title: 'Quality score 0.5 is under 0.8',
          description: 'The mean of 1 quality score(s) over the last 7 day(s) is 0.500; the lowest was —.',
          evidence: { meanQuality: 0.5, minQuality: null, samples: 1, threshold: 0.8 },
        },
      ]),
    },
    {
      name: 'respects a custom qualityMin of 0.6: mean 0.59',
      ctx: { metrics: { quality: { mean: 0.59, max: 0.59, count: 3 } }, thresholds: { qualityMin: 0.6 } },
      findings: [{ title: 'Quality score 0.59 is under 0.6' }],
    },
  ],
});
