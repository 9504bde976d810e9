/**
 * `kv1nt/testing`: test detectors in a few lines (see docs/plugins.md).
 *
 *   import { DetectorTester } from 'kv1nt/testing';
 *   new DetectorTester().run(detector, {
 *     valid: [{ ctx: { metrics: { total: 0 } } }],
 *     invalid: [{ ctx: { metrics: { failures: 9 } }, findings: [{ title: /failing/, severity: 'HIGH' }] }],
 *   });
 */
export { DetectorTester } from './detector-tester.js';
export type {
  DetectorTesterOptions,
  DetectorTests,
  ErrorCase,
  ExpectedFinding,
  InvalidCase,
  ValidCase,
} from './detector-tester.js';
export { createDetectorContext, DEFAULT_NOW } from './context.js';
export type { DetectorContextInput, MetricsInput, RunStub, TestDetectorContext } from './context.js';
