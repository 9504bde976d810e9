import { expect } from 'vitest';
import type { PatternInfo } from '../../../../src/core/sdk/types.js';
import errorPattern from '../../../../src/plugins/detectors/error-pattern.js';
import { DetectorTester, exactly, readsNoFeedback } from '../../../helpers/detector-cases.js';

/** The error types of the window: `count` failures of type TimeoutError. */
const timeouts = (count: number) => ({
  metrics: { failures: 5, topErrors: [{ errorType: 'TimeoutError', count }] },
});

const timeoutPattern = (partial: Partial<PatternInfo> = {}): Partial<PatternInfo> => ({
  id: 'pat_timeout',
  signature: 'failure:TimeoutError:fetch <url> timed out after <n> ms',
  description: 'fetch <url> timed out after <n> ms',
  frequency: 3,
  confidence: 0.75,
  firstSeen: '2026-11-18T08:00:00.000Z',
  lastSeen: '2026-11-23T16:00:00.000Z',
  examples: ['fetch https://a.example timed out after 5000 ms'],
  ...partial,
});

// Enough for a finding of its own if the metrics were used alongside the stored patterns.
const metrics = { failures: 9, topErrors: [{ errorType: 'TimeoutError', count: 9 }] };
const inactive = timeoutPattern({ frequency: 50, status: 'inactive' });
const byMinCount = { failures: 2, topErrors: [{ errorType: 'E', count: 2 }] };

new DetectorTester().run(errorPattern, {
  valid: [
    {
      name: 'from the error types of the window: an error type seen 2 times at the default errorPatternMinCount (3)',
      ctx: timeouts(2),
      check: readsNoFeedback,
    },
    {
      name: 'from the error types of the window: respects a custom errorPatternMinCount (5)',
      ctx: { metrics: byMinCount, thresholds: { errorPatternMinCount: 5 } },
    },
    { name: 'from the error types of the window: no finding without errors' },
    {
      name: 'from stored failure patterns: a pattern of frequency 2, the metrics ignored',
      ctx: { metrics, patterns: [timeoutPattern({ frequency: 2 })] },
    },
  ],
  invalid: [
    {
      name: 'from the error types of the window: an error type seen 3 times at the default errorPatternMinCount (3)',
      ctx: timeouts(3),
      ...exactly(
        [
          {
            title: 'Recurring error: TimeoutError (3×)',
            description: '3 of 5 failure(s) in the last 7 day(s) have the error type TimeoutError.',
            evidence: { errorType: 'TimeoutError', count: 3, failures: 5 },
            subject: 'errorType:TimeoutError',
          },
        ],
        readsNoFeedback,
      ),
    },
    {
      name: 'from the error types of the window: gives one finding per recurring error type, keyed by type',
      ctx: {
        metrics: {
          failures: 12,
          topErrors: [
            { errorType: 'TimeoutError', count: 6 },
            { errorType: 'ECONNRESET', count: 4 },
            { errorType: 'TypeError', count: 2 },
          ],
        },
      },
      findings: [{ subject: 'errorType:TimeoutError' }, { subject: 'errorType:ECONNRESET' }],
    },
    {
      name: 'from the error types of the window: respects a custom errorPatternMinCount (2)',
      ctx: { metrics: byMinCount, thresholds: { errorPatternMinCount: 2 } },
      findings: 1,
    },
    {
      name: 'from stored failure patterns: a pattern of frequency 3, the metrics ignored',
      ctx: { metrics, patterns: [timeoutPattern({ frequency: 3 })] },
      ...exactly([
        {
          title: 'Recurring failure: fetch <url> timed out after <n> ms',
          description:
            'fetch <url> timed out after <n> ms — seen 3 times between 2026-11-18T08:00:00.000Z and 2026-11-23T16:00:00.000Z (confidence 0.75).',
          evidence: {
            patternId: 'pat_timeout',
            signature: 'failure:TimeoutError:fetch <url> timed out after <n> ms',
            frequency: 3,
            confidence: 0.75,
            examples: ['fetch https://a.example timed out after 5000 ms'],
          },
          subject: 'pattern:failure:TimeoutError:fetch <url> timed out after <n> ms',
        },
      ]),
    },
    {
      name: 'from stored failure patterns: ignores inactive patterns',
      ctx: {
        metrics,
        patterns: [inactive, timeoutPattern({ id: 'pat_b', signature: 'sig-b', frequency: 4 })],
      },
      findings: [{ subject: 'pattern:sig-b' }],
    },
    {
      name: 'from stored failure patterns: falls back to the metrics when no active pattern is left',
      ctx: { metrics, patterns: [inactive] },
      findings: [{ subject: 'errorType:TimeoutError' }],
    },
    {
      name: 'from stored failure patterns: ignores patterns that are not failure patterns',
      ctx: { metrics, patterns: [{ patternType: 'performance', frequency: 40 }, { patternType: 'success' }] },
      findings: [{ subject: 'errorType:TimeoutError' }],
    },
    {
      name: 'from stored failure patterns: treats a pattern without a status as active',
      ctx: { patterns: [timeoutPattern({ frequency: 3, status: undefined })] },
      findings: 1,
      check: (_findings, ctx) => expect(ctx.patterns[0]?.status).toBeUndefined(),
    },
  ],
});
