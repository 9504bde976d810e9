// Run with `npm test` (node --test) in this folder; kv1nt's own `npm test` runs it too.
import { DetectorTester } from 'kv1nt/testing';
import { flakyOperations } from '../detectors/flaky-operations.js';
import { slowOutliers } from '../detectors/slow-outliers.js';

const tester = new DetectorTester();

const outcomes = (operationId, successes, failures) => [
  ...Array.from({ length: successes }, () => ({ operationId, type: 'success' })),
  ...Array.from({ length: failures }, () => ({ operationId, type: 'failure', errorType: 'Timeout' })),
];

tester.run(flakyOperations, {
  valid: [
    { name: 'no feedback' },
    { name: 'always succeeds', ctx: { feedback: outcomes('deploy', 5, 0) } },
    { name: 'one failure is not flakiness', ctx: { feedback: outcomes('deploy', 5, 1) } },
    { name: 'ratings are ignored', ctx: { feedback: [{ type: 'user_rating', score: 0.25, rating: 2 }] } },
    {
      name: 'flakyMinEach raises the bar',
      ctx: { feedback: outcomes('deploy', 2, 3), options: { flakyMinEach: 3 } },
    },
  ],
  invalid: [
    {
      name: 'mostly failing is HIGH',
      ctx: { feedback: outcomes('deploy', 2, 3) },
      findings: [
        {
          title: 'Operation deploy is flaky',
          severity: 'HIGH',
          subject: 'deploy',
          evidence: { successes: 2, failures: 3, failureRate: 0.6 },
        },
      ],
    },
    {
      name: 'one finding per flaky operation',
      ctx: { feedback: [...outcomes('build', 8, 2), ...outcomes('lint', 4, 0), ...outcomes('test', 2, 2)] },
      findings: [
        { title: /build/, severity: 'MEDIUM' },
        { title: /test/, severity: 'HIGH' },
      ],
    },
    {
      name: 'a bad flakyMinEach is a warning, and the default is used',
      ctx: { feedback: outcomes('deploy', 2, 2), options: { flakyMinEach: 'two' } },
      findings: 1,
      warnings: [/flakyMinEach must be a whole number/],
    },
  ],
});

tester.run(slowOutliers, {
  valid: [
    { name: 'no durations' },
    { name: 'too few operations', ctx: { metrics: { duration: { p50: 100, p95: 900, count: 5 } } } },
    { name: 'an even tail', ctx: { metrics: { duration: { p50: 100, p95: 250, count: 40 } } } },
  ],
  invalid: [
    {
      name: 'a long tail',
      ctx: { metrics: { duration: { p50: 100, p95: 450, count: 40 } } },
      findings: [{ title: /4\.5×/, severity: 'MEDIUM', evidence: { ratio: 4.5, count: 40 } }],
    },
  ],
});
