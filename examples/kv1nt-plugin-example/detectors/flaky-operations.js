/**
 * Operations that both succeed and fail in the window: flaky rather than broken. Reads the raw
 * entries (`ctx.feedback`), which the built-in detectors do not need, and one option from the
 * config's `pluginOptions.example`: `flakyMinEach`, the successes and failures each an operation
 * needs (default 2).
 *
 * @type {import('kv1nt/sdk').Detector}
 */
export const flakyOperations = {
  id: 'example/flaky-operations',
  type: 'error_pattern',
  description: 'An operation that both succeeds and fails in the window (at least 2 of each by default).',
  detect(ctx) {
    const minEach = minEachOf(ctx);
    /** @type {Map<string, {successes: number, failures: number}>} */
    const byOperation = new Map();
    for (const entry of ctx.feedback) {
      if (entry.type !== 'success' && entry.type !== 'failure') continue;
      const counts = byOperation.get(entry.operationId) ?? { successes: 0, failures: 0 };
      if (entry.type === 'success') counts.successes++;
      else counts.failures++;
      byOperation.set(entry.operationId, counts);
    }
    const findings = [];
    for (const [operationId, counts] of byOperation) {
      if (counts.successes < minEach || counts.failures < minEach) continue;
      const failureRate = counts.failures / (counts.successes + counts.failures);
      findings.push({
        title: `Operation ${operationId} is flaky`,
        description: `${operationId} succeeded ${counts.successes} and failed ${counts.failures} times in the last ${ctx.metrics.window.days} days: look for races, time-outs or shared state.`,
        severity: failureRate >= 0.5 ? 'HIGH' : 'MEDIUM',
        subject: operationId,
        evidence: { operationId, ...counts, failureRate: Math.round(failureRate * 1000) / 1000 },
      });
    }
    return findings;
  },
};

/** `ctx.options.flakyMinEach` when it is a whole number from 1; else the default, with a warning. */
function minEachOf(ctx) {
  const value = ctx.options.flakyMinEach;
  if (value === undefined) return 2;
  if (Number.isInteger(value) && value >= 1) return value;
  ctx.warn(
    `pluginOptions.example.flakyMinEach must be a whole number from 1, not ${JSON.stringify(value)}: using 2`,
  );
  return 2;
}
