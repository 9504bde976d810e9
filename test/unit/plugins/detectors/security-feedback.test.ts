import securityFeedback from '../../../../src/plugins/detectors/security-feedback.js';
import type { DetectorContextInput } from '../../../../src/testing/index.js';
import { DetectorTester, exactly, readsNoFeedback } from '../../../helpers/detector-cases.js';

/** `count` security reports with the lowest score `min` and the mean `mean`. */
function security(
  count: number,
  min: number | undefined,
  mean: number | undefined,
  securityScoreMin?: number,
): DetectorContextInput {
  return {
    metrics: {
      byType: count > 0 ? { success: 20, security: count } : { success: 20 },
      minScoreByType: min === undefined ? { success: 1 } : { success: 1, security: min },
      averageScoreByType: mean === undefined ? { success: 1 } : { success: 1, security: mean },
    },
    ...(securityScoreMin === undefined ? {} : { thresholds: { securityScoreMin } }),
  };
}

new DetectorTester().run(securityFeedback, {
  valid: [
    ...[
      { name: 'lowest security score 0.7', ctx: security(3, 0.7, 0.9) },
      { name: 'lowest security score 1', ctx: security(1, 1, 1) },
      { name: 'no security entries', ctx: security(0, undefined, undefined) },
      { name: 'a lowest score but no security entries', ctx: security(0, 0.1, 0.1) },
    ].map(({ name, ctx }) => ({ name: `no finding for ${name}`, ctx, check: readsNoFeedback })),
    { name: 'respects a custom securityScoreMin of 0.9: lowest 0.9', ctx: security(1, 0.9, 0.9, 0.9) },
  ],
  invalid: [
    {
      name: 'fires at lowest score 0.69, without a severity (the host applies CRITICAL)',
      ctx: security(3, 0.69, 0.85),
      ...exactly([
        {
          title: 'Security score as low as 0.69',
          description:
            '3 security report(s) in the last 7 day(s); the lowest scored 0.69, the mean 0.85 (threshold 0.7).',
          evidence: { minScore: 0.69, meanScore: 0.85, reports: 3, threshold: 0.7 },
          subject: 'security-feedback',
        },
      ]),
    },
    {
      name: 'fires on the lowest score even when the mean is fine, and stands in for a missing mean',
      ctx: security(2, 0, undefined),
      ...exactly([
        {
          title: 'Security score as low as 0',
          description:
            '2 security report(s) in the last 7 day(s); the lowest scored 0, the mean — (threshold 0.7).',
          evidence: { minScore: 0, meanScore: null, reports: 2, threshold: 0.7 },
          subject: 'security-feedback',
        },
      ]),
    },
    {
      name: 'respects a custom securityScoreMin of 0.9: lowest 0.89',
      ctx: security(1, 0.89, 0.89, 0.9),
      findings: [{ description: /\(threshold 0\.9\)/ }],
    },
  ],
});
