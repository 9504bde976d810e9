/** The 95th percentile at least this many times the median: a few operations are far slower. */
const RATIO = 3;

/**
 * Slow outliers: a mean under the SLA can hide a tail of very slow operations.
 *
 * @type {import('kv1nt/sdk').Detector}
 */
export const slowOutliers = {
  id: 'example/slow-outliers',
  type: 'performance_degradation',
  description: `The 95th-percentile duration is at least ${RATIO}× the median (10 timed operations or more).`,
  detect(ctx) {
    const { p50, p95, count } = ctx.metrics.duration;
    if (p50 === null || p95 === null || count < 10 || p50 <= 0) return [];
    const ratio = p95 / p50;
    if (ratio < RATIO) return [];
    return [
      {
        title: `Slow outliers: p95 is ${ratio.toFixed(1)}× the median`,
        description: `Half of the operations take ${p50} ms or less, but 1 in 20 takes ${p95} ms or more.`,
        severity: 'MEDIUM',
        evidence: { p50, p95, ratio: Math.round(ratio * 10) / 10, count },
      },
    ];
  },
};
