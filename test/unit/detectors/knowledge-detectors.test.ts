// Detector tests, grouped a few detectors per file to keep vitest's per-file start-up cost low.
import { describe, expect, it } from 'vitest';
import type { PatternInfo } from '../../../src/core/sdk/types.js';
import capabilityGap from '../../../src/plugins/detectors/capability-gap.js';
import errorPattern from '../../../src/plugins/detectors/error-pattern.js';
import trainingNeeded from '../../../src/plugins/detectors/training-needed.js';
import { detect, learning, makeContext, pattern } from '../../helpers/detector-context.js';

describe('kv1nt/error-pattern', () => {
  describe('from the error types of the window (no failure pattern stored)', () => {
    it.each([
      { count: 2, fires: false },
      { count: 3, fires: true },
    ])(
      'an error type seen $count times at the default errorPatternMinCount (3)',
      async ({ count, fires }) => {
        const ctx = makeContext({
          metrics: { failures: 5, topErrors: [{ errorType: 'TimeoutError', count }] },
        });
        const findings = await detect(errorPattern, ctx);
        expect(findings).toEqual(
          fires
            ? [
                {
                  title: 'Recurring error: TimeoutError (3×)',
                  description: '3 of 5 failure(s) in the last 7 day(s) have the error type TimeoutError.',
                  evidence: { errorType: 'TimeoutError', count: 3, failures: 5 },
                  subject: 'errorType:TimeoutError',
                },
              ]
            : [],
        );
        expect(ctx.feedbackReads).toBe(0);
      },
    );

    it('gives one finding per recurring error type, keyed by type', async () => {
      const ctx = makeContext({
        metrics: {
          failures: 12,
          topErrors: [
            { errorType: 'TimeoutError', count: 6 },
            { errorType: 'ECONNRESET', count: 4 },
            { errorType: 'TypeError', count: 2 },
          ],
        },
      });
      const findings = await detect(errorPattern, ctx);
      expect(findings.map((f) => f.subject)).toEqual(['errorType:TimeoutError', 'errorType:ECONNRESET']);
    });

    it('respects a custom errorPatternMinCount', async () => {
      const metrics = { failures: 2, topErrors: [{ errorType: 'E', count: 2 }] };
      expect(
        await detect(errorPattern, makeContext({ metrics, thresholds: { errorPatternMinCount: 2 } })),
      ).toHaveLength(1);
      expect(
        await detect(errorPattern, makeContext({ metrics, thresholds: { errorPatternMinCount: 5 } })),
      ).toEqual([]);
    });

    it('no finding without errors', async () => {
      expect(await detect(errorPattern, makeContext())).toEqual([]);
    });
  });

  describe('from stored failure patterns', () => {
    const timeoutPattern = (partial: Partial<PatternInfo> = {}) =>
      pattern({
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
    // Enough for a finding of its own if the metrics were used.
    const metrics = { failures: 9, topErrors: [{ errorType: 'TimeoutError', count: 9 }] };

    it.each([
      { frequency: 2, fires: false },
      { frequency: 3, fires: true },
    ])('a pattern of frequency $frequency, the metrics ignored', async ({ frequency, fires }) => {
      const ctx = makeContext({ metrics, patterns: [timeoutPattern({ frequency })] });
      expect(await detect(errorPattern, ctx)).toEqual(
        fires
          ? [
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
            ]
          : [],
      );
    });

    it('ignores inactive patterns (and falls back to the metrics when no active one is left)', async () => {
      const inactive = timeoutPattern({ frequency: 50, status: 'inactive' });
      const withActive = makeContext({
        metrics,
        patterns: [inactive, timeoutPattern({ id: 'pat_b', signature: 'sig-b', frequency: 4 })],
      });
      expect((await detect(errorPattern, withActive)).map((f) => f.subject)).toEqual(['pattern:sig-b']);

      const onlyInactive = makeContext({ metrics, patterns: [inactive] });
      expect((await detect(errorPattern, onlyInactive)).map((f) => f.subject)).toEqual([
        'errorType:TimeoutError',
      ]);
    });

    it('ignores patterns that are not failure patterns', async () => {
      const ctx = makeContext({
        metrics,
        patterns: [
          pattern({ patternType: 'performance', frequency: 40 }),
          pattern({ patternType: 'success' }),
        ],
      });
      expect((await detect(errorPattern, ctx)).map((f) => f.subject)).toEqual(['errorType:TimeoutError']);
    });

    it('treats a pattern without a status as active', async () => {
      const { status: _status, ...rest } = timeoutPattern({ frequency: 3 });
      const ctx = makeContext({ patterns: [rest] });
      expect(await detect(errorPattern, ctx)).toHaveLength(1);
    });
  });
});

describe('kv1nt/capability-gap', () => {
  it.each([
    { failureRate: 0.49, fires: false },
    { failureRate: 0.5, fires: true },
  ])('a pattern with an operationKind and failureRate $failureRate', async ({ failureRate, fires }) => {
    const ctx = makeContext({
      patterns: [
        pattern({
          id: 'pat_pdf',
          patternType: 'behavior',
          operationKind: 'pdf-export',
          failureRate,
          frequency: 14,
          lastSeen: '2026-11-23T16:00:00.000Z',
        }),
      ],
    });
    expect(await detect(capabilityGap, ctx)).toEqual(
      fires
        ? [
            {
              title: 'The agent keeps failing "pdf-export" operations',
              description: '50 % of "pdf-export" operations fail (14 seen, last 2026-11-23T16:00:00.000Z).',
              evidence: {
                operationKind: 'pdf-export',
                failureRate: 0.5,
                frequency: 14,
                patternId: 'pat_pdf',
              },
              subject: 'kind:pdf-export',
            },
          ]
        : [],
    );
    expect(ctx.feedbackReads).toBe(0);
  });

  it.each([
    { case: 'no operationKind', extra: { failureRate: 0.9 } },
    { case: 'no failureRate', extra: { operationKind: 'ocr' } },
    { case: 'a failureRate that is not a number', extra: { operationKind: 'ocr', failureRate: '0.9' } },
    { case: 'an inactive pattern', extra: { operationKind: 'ocr', failureRate: 0.9, status: 'inactive' } },
  ] as const)('no finding for $case', async ({ extra }) => {
    const ctx = makeContext({ patterns: [pattern(extra)] });
    expect(await detect(capabilityGap, ctx)).toEqual([]);
  });

  it('an unabsorbed skill_enhancement learning is a finding', async () => {
    const ctx = makeContext({
      learnings: [
        learning({
          id: 'lrn_ocr',
          learningType: 'skill_enhancement',
          title: 'Learn to read scanned invoices',
          description: 'OCR fails on rotated scans; deskew before reading.',
          impactScore: 0.7,
          absorbedAt: null,
        }),
      ],
    });
    expect(await detect(capabilityGap, ctx)).toEqual([
      {
        title: 'Learn to read scanned invoices',
        description: 'OCR fails on rotated scans; deskew before reading.',
        evidence: { learningId: 'lrn_ocr', impactScore: 0.7 },
        subject: 'learning:lrn_ocr',
      },
    ]);
  });

  it.each([
    {
      case: 'an absorbed skill_enhancement learning',
      partial: { learningType: 'skill_enhancement', absorbedAt: '2026-11-24T09:00:00.000Z' },
    },
    {
      case: 'an unabsorbed learning of another type',
      partial: { learningType: 'error_avoidance', absorbedAt: null },
    },
  ] as const)('no finding for $case', async ({ partial }) => {
    const ctx = makeContext({ learnings: [learning(partial)] });
    expect(await detect(capabilityGap, ctx)).toEqual([]);
  });

  it('reports patterns first, then learnings, one subject each', async () => {
    const ctx = makeContext({
      patterns: [
        pattern({ operationKind: 'ocr', failureRate: 1 }),
        pattern({ operationKind: 'upload', failureRate: 0.6 }),
      ],
      learnings: [learning({ id: 'lrn_x', learningType: 'skill_enhancement' })],
    });
    expect((await detect(capabilityGap, ctx)).map((f) => f.subject)).toEqual([
      'kind:ocr',
      'kind:upload',
      'learning:lrn_x',
    ]);
  });

  it('no finding without patterns or learnings', async () => {
    expect(await detect(capabilityGap, makeContext())).toEqual([]);
  });
});

describe('kv1nt/training-needed', () => {
  it('no finding without learnings', async () => {
    const ctx = makeContext();
    expect(await detect(trainingNeeded, ctx)).toEqual([]);
    expect(ctx.feedbackReads).toBe(0);
  });

  it('no finding when every learning is absorbed', async () => {
    const ctx = makeContext({
      learnings: [
        learning({ absorbedAt: '2026-11-20T10:00:00.000Z' }),
        learning({ learningType: 'skill_enhancement', absorbedAt: '2026-11-21T10:00:00.000Z' }),
      ],
    });
    expect(await detect(trainingNeeded, ctx)).toEqual([]);
  });

  it('one finding for a single unabsorbed learning (absorbedAt null or absent)', async () => {
    const { absorbedAt: _absorbedAt, ...withoutField } = learning({
      id: 'lrn_b',
      title: 'Retry on 503',
      impactScore: 0.4,
    });
    const ctx = makeContext({
      learnings: [learning({ id: 'lrn_a', absorbedAt: '2026-11-20T10:00:00.000Z' }), withoutField],
    });
    expect(await detect(trainingNeeded, ctx)).toEqual([
      {
        title: '1 learning(s) not absorbed yet',
        description: 'The agent has 1 learning(s) it has not absorbed; the most impactful: "Retry on 503".',
        evidence: {
          pending: 1,
          learningIds: ['lrn_b'],
          top: [{ id: 'lrn_b', title: 'Retry on 503', impactScore: 0.4 }],
        },
      },
    ]);
  });

  it('lists every pending learning and the top 5 by impact', async () => {
    const impacts = [0.1, 0.9, 0.3, 0.7, 0.5, 0.2, 0.8];
    const learnings = [
      ...impacts.map((impactScore, i) => learning({ id: `lrn_${i}`, title: `L${i}`, impactScore })),
      learning({ id: 'lrn_done', title: 'absorbed', impactScore: 1, absorbedAt: '2026-11-20T10:00:00.000Z' }),
    ];
    const findings = await detect(trainingNeeded, makeContext({ learnings }));
    expect(findings).toEqual([
      {
        title: '7 learning(s) not absorbed yet',
        description:
          'The agent has 7 learning(s) it has not absorbed; the most impactful: "L1", "L6", "L3", "L4", "L2".',
        evidence: {
          pending: 7,
          learningIds: ['lrn_0', 'lrn_1', 'lrn_2', 'lrn_3', 'lrn_4', 'lrn_5', 'lrn_6'],
          top: [
            { id: 'lrn_1', title: 'L1', impactScore: 0.9 },
            { id: 'lrn_6', title: 'L6', impactScore: 0.8 },
            { id: 'lrn_3', title: 'L3', impactScore: 0.7 },
            { id: 'lrn_4', title: 'L4', impactScore: 0.5 },
            { id: 'lrn_2', title: 'L2', impactScore: 0.3 },
          ],
        },
      },
    ]);
    // One finding per agent: the host keys it by type alone and applies LOW.
    expect(findings[0]).not.toHaveProperty('subject');
    expect(findings[0]).not.toHaveProperty('severity');
  });
});
