import { defineDetector } from '../../core/sdk/index.js';

/** code_smell from `guardian`-source feedback: its mean score is under `guardianScoreMin`. */
export default defineDetector({
  id: 'kv1nt/guardian-feedback',
  type: 'code_smell',
  description: 'Mean score of guardian-source feedback below thresholds.guardianScoreMin.',
  detect({ metrics, config: { thresholds } }) {
    const count = metrics.bySource.guardian ?? 0;
    const mean = metrics.averageScoreBySource.guardian;
    if (count === 0 || mean === undefined || !(mean < thresholds.guardianScoreMin)) return [];
    return [
      {
        title: `The guardian scores the agent ${show(mean)}, under ${thresholds.guardianScoreMin}`,
        description: `${count} guardian report(s) in the last ${metrics.window.days} day(s) average ${mean.toFixed(3)}.`,
        evidence: { meanScore: mean, reports: count, threshold: thresholds.guardianScoreMin },
        subject: 'guardian-feedback',
      },
    ];
  },
});

/** Enough digits that a figure just over its threshold does not print as equal to it. */
function show(value: number, digits = 3): string {
  return String(Number(value.toFixed(digits)));
}
