import { defineDetector } from '../../core/sdk/index.js';

/**
 * Fires when the mean duration of the window's SUCCESSFUL operations is above the agent's SLA.
 * Failed operations are left out: a call that timed out after 8 s is a timeout problem
 * (error_pattern), and counting it here would propose "do less work" for it.
 */
export default defineDetector({
  id: 'kv1nt/performance-degradation',
  type: 'performance_degradation',
  description: "Mean duration of successful operations above the agent's slaMs.",
  detect({ metrics }) {
    const { mean, p50, p95, max, count, slaMs } = metrics.duration;
    if (slaMs === null || mean === null || !(mean > slaMs)) return [];
    return [
      {
        title: `Successful operations take ${show(mean, 1)} ms on average, over the ${slaMs} ms SLA`,
        description: `Over ${count} timed successful operation(s) in the last ${metrics.window.days} day(s) the mean duration is ${show(mean, 1)} ms (p50 ≈ ${p50 ?? '—'} ms, p95 ≈ ${p95 ?? '—'} ms), ${show((mean / slaMs - 1) * 100, 1)} % above the SLA of ${slaMs} ms.`,
        evidence: { meanMs: mean, p50Ms: p50, p95Ms: p95, maxMs: max, slaMs, samples: count },
      },
    ];
  },
});

/** Enough digits that a figure just over its threshold does not print as equal to it. */
function show(value: number, digits = 3): string {
  return String(Number(value.toFixed(digits)));
}
