import { defineDetector } from '../../core/sdk/index.js';

/** Fires when the mean quality score of the window is under `qualityMin`. */
export default defineDetector({
  id: 'kv1nt/quality-issues',
  type: 'quality_issues',
  description: 'Mean quality_score below thresholds.qualityMin.',
  detect({ metrics, config: { thresholds } }) {
    const { mean, count } = metrics.quality;
    if (mean === null || count === 0 || !(mean < thresholds.qualityMin)) return [];
    return [
      {
        title: `Quality score ${show(mean)} is under ${thresholds.qualityMin}`,
        description: `The mean of ${count} quality score(s) over the last ${metrics.window.days} day(s) is ${mean.toFixed(3)}; the lowest was ${metrics.minScoreByType.quality_score ?? '—'}.`,
        evidence: {
          meanQuality: mean,
          minQuality: metrics.minScoreByType.quality_score ?? null,
          samples: count,
          threshold: thresholds.qualityMin,
        },
      },
    ];
  },
});

/** Enough digits that a figure just over its threshold does not print as equal to it. */
function show(value: number, digits = 3): string {
  return String(Number(value.toFixed(digits)));
}
