import guardianFeedback from '../../../../src/plugins/detectors/guardian-feedback.js';
import type { DetectorContextInput } from '../../../../src/testing/index.js';
import { DetectorTester, exactly, readsNoFeedback } from '../../../helpers/detector-cases.js';

/** `count` guardian reports of mean score `mean` (agent reports score low). */
function guardian(count: number, mean: number | undefined, guardianScoreMin?: number): DetectorContextInput {
  return {
    metrics: {
      bySource: count > 0 ? { agent: 30, guardian: count } : { agent: 30 },
      averageScoreBySource: mean === undefined ? { agent: 0.4 } : { agent: 0.4, guardian: mean },
    },
    ...(guardianScoreMin === undefined ? {} : { thresholds: { guardianScoreMin } }),
  };
}

new DetectorTester().run(guardianFeedback, {
  valid: [
    ...[
      { name: 'guardian mean 0.8', ctx: guardian(4, 0.8) },
      { name: 'guardian mean 1', ctx: guardian(4, 1) },
      { name: 'no guardian entries (other sources score low)', ctx: guardian(0, undefined) },
      { name: 'a guardian mean but no guardian entries', ctx: guardian(0, 0.1) },
    ].map(({ name, ctx }) => ({ name: `no finding for ${name}`, ctx, check: readsNoFeedback })),
    { name: 'respects a custom guardianScoreMin of 0.5: mean 0.5', ctx: guardian(2, 0.5, 0.5) },
  ],
  invalid: [
    {
      // code_smell's default severity (MEDIUM) comes from the host.
      name: 'fires at guardian mean 0.79, with the whole finding',
      ctx: guardian(4, 0.79),
      ...exactly([
        {
          title: 'The guardian scores the agent 0.79, under 0.8',
          description: '4 guardian report(s) in the last 7 day(s) average 0.790.',
          evidence: { meanScore: 0.79, reports: 4, threshold: 0.8 },
          subject: 'guardian-feedback',
        },
      ]),
    },
    {
      name: 'respects a custom guardianScoreMin of 0.5: mean 0.49',
      ctx: guardian(2, 0.49, 0.5),
      findings: [{ title: 'The guardian scores the agent 0.49, under 0.5' }],
    },
  ],
});
