import { defineDetector, type Finding } from '../../core/sdk/index.js';

/**
 * Fires per resource whose 95th percentile is above its threshold (memoryMb, cpuPercent): most
 * runs use that much. Judged on the p95, not the mean, so one 2000 MB spike among a hundred
 * 100 MB runs is not a finding, while a steady 600 MB is.
 */
export default defineDetector({
  id: 'kv1nt/resource-inefficiency',
  type: 'resource_inefficiency',
  description:
    'p95 of recorded memoryMb above thresholds.memoryMbMax, or of cpuPercent above thresholds.cpuPercentMax.',
  detect({ metrics, config: { thresholds } }) {
    const findings: Finding[] = [];
    const check = (metric: 'memoryMb' | 'cpuPercent', limit: number, unit: string) => {
      const { mean, max, p95, count } = metrics[metric];
      if (p95 === null || !(p95 > limit)) return;
      findings.push({
        title: `${metric === 'memoryMb' ? 'Memory' : 'CPU'} use is ${show(p95)}${unit} at p95, above ${limit}${unit}`,
        description: `Across ${count} operation(s) with a recorded ${metric} in the last ${metrics.window.days} day(s), 95 % use up to ${p95}${unit} (mean ${mean}${unit}, max ${max}${unit}); the threshold is ${limit}${unit}.`,
        evidence: { metric, p95, mean, max, samples: count, threshold: limit },
        subject: metric,
      });
    };
    check('memoryMb', thresholds.memoryMbMax, ' MB');
    check('cpuPercent', thresholds.cpuPercentMax, ' %');
    return findings;
  },
});

/** Enough digits that a figure just over its threshold does not print as equal to it. */
function show(value: number, digits = 3): string {
  return String(Number(value.toFixed(digits)));
}
