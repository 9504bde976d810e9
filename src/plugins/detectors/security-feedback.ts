import { defineDetector } from '../../core/sdk/index.js';

/** security_vulnerability from `security` feedback: a score in the window under `securityScoreMin`. */
export default defineDetector({
  id: 'kv1nt/security-feedback',
  type: 'security_vulnerability',
  description: 'A security feedback score below thresholds.securityScoreMin in the window.',
  detect({ metrics, config: { thresholds } }) {
    const count = metrics.byType.security ?? 0;
    const lowest = metrics.minScoreByType.security;
    if (count === 0 || lowest === undefined || !(lowest < thresholds.securityScoreMin)) return [];
    return [
      {
        title: `Security score as low as ${show(lowest)}`,
        description: `${count} security report(s) in the last ${metrics.window.days} day(s); the lowest scored ${lowest}, the mean ${metrics.averageScoreByType.security ?? '—'} (threshold ${thresholds.securityScoreMin}).`,
        evidence: {
          minScore: lowest,
          meanScore: metrics.averageScoreByType.security ?? null,
          reports: count,
          threshold: thresholds.securityScoreMin,
        },
        subject: 'security-feedback',
      },
    ];
  },
});

/** Enough digits that a figure just over its threshold does not print as equal to it. */
function show(value: number, digits = 3): string {
  return String(Number(value.toFixed(digits)));
}
