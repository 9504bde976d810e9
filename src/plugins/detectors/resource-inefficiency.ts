import { defineDetector, type Finding } from '../../core/sdk/index.js';

/** Fires per resource whose mean recorded figure is above its threshold (memoryMb, cpuPercent). */
export default defineDetector({
  id: 'kv1nt/resource-inefficiency',
  type: 'resource_inefficiency',
  description:
    'Mean recorded memoryMb above thresholds.memoryMbMax, or cpuPercent above thresholds.cpuPercentMax.',
  detect({ metrics, config: { thresholds } }) {
    const findings: Finding[] = [];
    const check = (metric: 'memoryMb' | 'cpuPercent', limit: number, unit: string) => {
      const { mean, max, count } = metrics[metric];
      if (mean === null || !(mean > limit)) return;
      findings.push({
        title: `${metric === 'memoryMb' ? 'Memory' : 'CPU'} use averages ${show(mean)}${unit}, above ${limit}${unit}`,
        description: `Across ${count} operation(s) with a recorded ${metric} in the last ${metrics.window.days} day(s), the mean is ${mean}${unit} (max ${max}${unit}); the threshold is ${limit}${unit}.`,
        evidence: { metric, mean, max, samples: count, threshold: limit },
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
