// Detector tests, grouped a few detectors per file to keep vitest's per-file start-up cost low.
import { describe, expect, it } from 'vitest';
import type { AnalysisMetrics, Stat, Thresholds } from '../../../src/core/sdk/types.js';
import guardianFeedback from '../../../src/plugins/detectors/guardian-feedback.js';
import performanceDegradation from '../../../src/plugins/detectors/performance-degradation.js';
import qualityIssues from '../../../src/plugins/detectors/quality-issues.js';
import resourceInefficiency from '../../../src/plugins/detectors/resource-inefficiency.js';
import securityFeedback from '../../../src/plugins/detectors/security-feedback.js';
import successRateDecline from '../../../src/plugins/detectors/success-rate-decline.js';
import { detect, makeContext } from '../../helpers/detector-context.js';

describe('kv1nt/success-rate-decline', () => {
  /** Current window `successes`/`failures` against the previous window's. */
  function context(
    current: [successes: number, failures: number],
    previous: [successes: number, failures: number],
    thresholds: Partial<Thresholds> = {},
  ) {
    return makeContext({
      metrics: {
        total: current[0] + current[1],
        successes: current[0],
        failures: current[1],
        previous: {
          total: previous[0] + previous[1],
          successes: previous[0],
          failures: previous[1],
          successRate: previous[0] / (previous[0] + previous[1]),
        },
      },
      thresholds,
    });
  }

  it.each([
    { case: 'a drop of exactly 5 points (95 % → 90 %)', current: [18, 2], previous: [19, 1] },
    { case: 'a drop of exactly 5 points (100 % → 95 %)', current: [19, 1], previous: [20, 0] },
    { case: 'a drop of exactly 5 points (90 % → 85 %)', current: [17, 3], previous: [9, 1] },
    { case: 'a drop of 4.9 points', current: [951, 49], previous: [100, 0] },
    { case: 'a rise', current: [20, 0], previous: [10, 10] },
    { case: 'no change', current: [10, 10], previous: [10, 10] },
    { case: 'current window under 10 outcomes', current: [0, 9], previous: [10, 0] },
    { case: 'previous window under 10 outcomes', current: [0, 10], previous: [9, 0] },
    { case: 'both windows empty', current: [0, 0], previous: [0, 0] },
  ] as const)('no finding for $case', async ({ current, previous }) => {
    const ctx = context([...current], [...previous]);
    expect(await detect(successRateDecline, ctx)).toEqual([]);
    expect(ctx.runCalls).toEqual([]);
    expect(ctx.feedbackReads).toBe(0);
  });

  it('fires on a drop of 5.1 points, with the whole finding', async () => {
    const findings = await detect(successRateDecline, context([949, 51], [100, 0]));
    expect(findings).toEqual([
      {
        title: 'Success rate fell 5.1 points',
        description:
          'The success rate is 94.9 % over the last 7 day(s), down from 100.0 % in the 7 day(s) before (threshold: a drop of more than 5 points).',
        evidence: {
          currentRate: 0.949,
          previousRate: 1,
          dropPoints: 5.1,
          samples: 1000,
          previousSamples: 100,
        },
      },
    ]);
  });

  it('fires with exactly 10 outcomes on each side (the minimum is inclusive)', async () => {
    const findings = await detect(successRateDecline, context([0, 10], [10, 0]));
    expect(findings).toEqual([
      expect.objectContaining({
        title: 'Success rate fell 100.0 points',
        evidence: { currentRate: 0, previousRate: 1, dropPoints: 100, samples: 10, previousSamples: 10 },
      }),
    ]);
    // No severity: the host applies HIGH, the type's default.
    expect(findings[0]).not.toHaveProperty('severity');
    expect(findings[0]).not.toHaveProperty('subject');
  });

  it('counts only successes and failures as outcomes (not the window total)', async () => {
    const ctx = makeContext({
      metrics: {
        total: 500,
        successes: 5,
        failures: 4,
        previous: { total: 500, successes: 100, failures: 0, successRate: 1 },
      },
    });
    expect(await detect(successRateDecline, ctx)).toEqual([]);
  });

  it.each([
    { drop: 'exactly 10 points', current: [18, 2], previous: [20, 0], fires: false },
    { drop: '10.5 points', current: [179, 21], previous: [20, 0], fires: true },
  ] as const)(
    'respects a custom successRateDropPoints of 10: $drop',
    async ({ current, previous, fires }) => {
      const findings = await detect(
        successRateDecline,
        context([...current], [...previous], { successRateDropPoints: 10 }),
      );
      expect(findings).toHaveLength(fires ? 1 : 0);
      if (fires) {
        expect(findings[0]).toMatchObject({
          title: 'Success rate fell 10.5 points',
          description: expect.stringContaining('a drop of more than 10 points') as string,
          evidence: { dropPoints: 10.5, samples: 200, previousSamples: 20 },
        });
      }
    },
  );

  it.each([
    { samples: 49, fires: false },
    { samples: 50, fires: true },
  ])('respects a custom successRateMinSamples of 50: $samples outcomes', async ({ samples, fires }) => {
    const findings = await detect(
      successRateDecline,
      context([0, samples], [samples, 0], { successRateMinSamples: 50 }),
    );
    expect(findings).toHaveLength(fires ? 1 : 0);
  });

  it('with a minimum of 0 samples, an empty window is no finding (no division by zero)', async () => {
    const findings = await detect(successRateDecline, context([0, 0], [10, 0], { successRateMinSamples: 0 }));
    expect(findings).toEqual([]);
  });

  // Regression: compared in floating point, 11/20 (55 %) → 10/20 (50 %) is a drop of 5.000000000000007.
  it('no finding for a drop of exactly 5 points that floating point overshoots (55 % → 50 %)', async () => {
    expect(await detect(successRateDecline, context([10, 10], [11, 9]))).toEqual([]);
  });
});

describe('kv1nt/performance-degradation', () => {
  function context(duration: Partial<AnalysisMetrics['duration']>) {
    return makeContext({ metrics: { duration: { count: 40, p50: 900, p95: 1400, max: 2000, ...duration } } });
  }

  it.each([
    { case: 'mean == slaMs', duration: { mean: 1000, slaMs: 1000 } },
    { case: 'mean under slaMs', duration: { mean: 10, slaMs: 1000 } },
    { case: 'no slaMs', duration: { mean: 99_999, slaMs: null } },
    {
      case: 'no durations',
      duration: { mean: null, p50: null, p95: null, max: null, count: 0, slaMs: 1000 },
    },
  ])('no finding for $case', async ({ duration }) => {
    const ctx = context(duration);
    expect(await detect(performanceDegradation, ctx)).toEqual([]);
    expect(ctx.feedbackReads).toBe(0);
  });

  it('fires at slaMs + 1, with the whole finding', async () => {
    expect(await detect(performanceDegradation, context({ mean: 1001, slaMs: 1000 }))).toEqual([
      {
        title: 'Successful operations take 1001 ms on average, over the 1000 ms SLA',
        description:
          'Over 40 timed successful operation(s) in the last 7 day(s) the mean duration is 1001 ms (p50 ≈ 900 ms, p95 ≈ 1400 ms), 0.1 % above the SLA of 1000 ms.',
        evidence: { meanMs: 1001, p50Ms: 900, p95Ms: 1400, maxMs: 2000, slaMs: 1000, samples: 40 },
      },
    ]);
  });

  it('gives the overshoot in percent and stands in for missing quantiles', async () => {
    const ctx = makeContext({
      metrics: {
        window: { days: 3 },
        duration: { mean: 1500.4, p50: null, p95: null, max: 1500.4, count: 1, slaMs: 1000 },
      },
    });
    const findings = await detect(performanceDegradation, ctx);
    expect(findings).toEqual([
      {
        title: 'Successful operations take 1500.4 ms on average, over the 1000 ms SLA',
        description:
          'Over 1 timed successful operation(s) in the last 3 day(s) the mean duration is 1500.4 ms (p50 ≈ — ms, p95 ≈ — ms), 50 % above the SLA of 1000 ms.',
        evidence: { meanMs: 1500.4, p50Ms: null, p95Ms: null, maxMs: 1500.4, slaMs: 1000, samples: 1 },
      },
    ]);
    // One finding per agent: no subject, and the type's default severity (MEDIUM) from the host.
    expect(findings[0]).not.toHaveProperty('subject');
    expect(findings[0]).not.toHaveProperty('severity');
  });
});

describe('kv1nt/quality-issues', () => {
  it.each([
    { case: 'mean 0.8', quality: { mean: 0.8, max: 0.9, count: 12 } },
    { case: 'mean 0.95', quality: { mean: 0.95, max: 1, count: 12 } },
    { case: 'no quality entries', quality: { mean: null, max: null, count: 0 } },
    { case: 'a mean without entries', quality: { mean: 0.1, max: 0.1, count: 0 } },
  ])('no finding for $case', async ({ quality }) => {
    const ctx = makeContext({ metrics: { quality, minScoreByType: { quality_score: 0.5 } } });
    expect(await detect(qualityIssues, ctx)).toEqual([]);
    expect(ctx.feedbackReads).toBe(0);
  });

  it('fires at mean 0.799, with the whole finding', async () => {
    const ctx = makeContext({
      metrics: { quality: { mean: 0.799, max: 0.95, count: 12 }, minScoreByType: { quality_score: 0.41 } },
    });
    const findings = await detect(qualityIssues, ctx);
    expect(findings).toEqual([
      {
        // toFixed(2) rounds 0.799 up: the title reads "0.80 is under 0.8" (cosmetic, see the report).
        title: 'Quality score 0.799 is under 0.8',
        description: 'The mean of 12 quality score(s) over the last 7 day(s) is 0.799; the lowest was 0.41.',
        evidence: { meanQuality: 0.799, minQuality: 0.41, samples: 12, threshold: 0.8 },
      },
    ]);
    expect(findings[0]).not.toHaveProperty('severity');
    expect(findings[0]).not.toHaveProperty('subject');
  });

  it('stands in for an unknown lowest score', async () => {
    const ctx = makeContext({ metrics: { quality: { mean: 0.5, max: 0.5, count: 1 } } });
    expect(await detect(qualityIssues, ctx)).toEqual([
      {
        title: 'Quality score 0.5 is under 0.8',
        description: 'The mean of 1 quality score(s) over the last 7 day(s) is 0.500; the lowest was —.',
        evidence: { meanQuality: 0.5, minQuality: null, samples: 1, threshold: 0.8 },
      },
    ]);
  });

  it.each([
    { mean: 0.6, fires: false },
    { mean: 0.59, fires: true },
  ])('respects a custom qualityMin of 0.6: mean $mean', async ({ mean, fires }) => {
    const ctx = makeContext({
      metrics: { quality: { mean, max: mean, count: 3 } },
      thresholds: { qualityMin: 0.6 },
    });
    const findings = await detect(qualityIssues, ctx);
    expect(findings).toHaveLength(fires ? 1 : 0);
    if (fires) expect(findings[0]).toMatchObject({ title: 'Quality score 0.59 is under 0.6' });
  });
});

describe('kv1nt/resource-inefficiency', () => {
  const none: Stat = { mean: null, max: null, p95: null, count: 0 };

  const memoryFinding = {
    title: 'Memory use is 610 MB at p95, above 500 MB',
    description:
      'Across 8 operation(s) with a recorded memoryMb in the last 7 day(s), 95 % use up to 610 MB (mean 600.5 MB, max 900 MB); the threshold is 500 MB.',
    evidence: { metric: 'memoryMb', p95: 610, mean: 600.5, max: 900, samples: 8, threshold: 500 },
    subject: 'memoryMb',
  };

  const cpuFinding = {
    title: 'CPU use is 97 % at p95, above 80 %',
    description:
      'Across 5 operation(s) with a recorded cpuPercent in the last 7 day(s), 95 % use up to 97 % (mean 95 %, max 100 %); the threshold is 80 %.',
    evidence: { metric: 'cpuPercent', p95: 97, mean: 95, max: 100, samples: 5, threshold: 80 },
    subject: 'cpuPercent',
  };

  it.each([
    { case: 'memory p95 500', memoryMb: { mean: 480, max: 900, p95: 500, count: 4 }, cpuPercent: none },
    { case: 'cpu p95 80', memoryMb: none, cpuPercent: { mean: 70, max: 100, p95: 80, count: 4 } },
    {
      case: 'both exactly at their limits',
      memoryMb: { mean: 500, max: 500, p95: 500, count: 4 },
      cpuPercent: { mean: 80, max: 80, p95: 80, count: 4 },
    },
    // The mean is over, but most runs are not: one 2000 MB spike among 100 MB runs.
    {
      case: 'a spike that lifts the mean only',
      memoryMb: { mean: 650, max: 2000, p95: 100, count: 40 },
      cpuPercent: none,
    },
    { case: 'no recorded resources', memoryMb: none, cpuPercent: none },
  ])('no finding for $case', async ({ memoryMb, cpuPercent }) => {
    const ctx = makeContext({ metrics: { memoryMb, cpuPercent } });
    expect(await detect(resourceInefficiency, ctx)).toEqual([]);
    expect(ctx.feedbackReads).toBe(0);
  });

  it('fires at memory p95 500.1 with subject memoryMb', async () => {
    const ctx = makeContext({ metrics: { memoryMb: { mean: 450, max: 800, p95: 500.1, count: 3 } } });
    expect(await detect(resourceInefficiency, ctx)).toEqual([
      {
        title: 'Memory use is 500.1 MB at p95, above 500 MB',
        description:
          'Across 3 operation(s) with a recorded memoryMb in the last 7 day(s), 95 % use up to 500.1 MB (mean 450 MB, max 800 MB); the threshold is 500 MB.',
        evidence: { metric: 'memoryMb', p95: 500.1, mean: 450, max: 800, samples: 3, threshold: 500 },
        subject: 'memoryMb',
      },
    ]);
  });

  it('fires at cpu p95 80.1 with subject cpuPercent', async () => {
    const ctx = makeContext({ metrics: { cpuPercent: { mean: 60, max: 99, p95: 80.1, count: 6 } } });
    expect(await detect(resourceInefficiency, ctx)).toEqual([
      {
        title: 'CPU use is 80.1 % at p95, above 80 %',
        description:
          'Across 6 operation(s) with a recorded cpuPercent in the last 7 day(s), 95 % use up to 80.1 % (mean 60 %, max 99 %); the threshold is 80 %.',
        evidence: { metric: 'cpuPercent', p95: 80.1, mean: 60, max: 99, samples: 6, threshold: 80 },
        subject: 'cpuPercent',
      },
    ]);
  });

  it('gives two findings, memory first, when both are over', async () => {
    const ctx = makeContext({
      metrics: {
        memoryMb: { mean: 600.5, max: 900, p95: 610, count: 8 },
        cpuPercent: { mean: 95, max: 100, p95: 97, count: 5 },
      },
    });
    const findings = await detect(resourceInefficiency, ctx);
    expect(findings).toEqual([memoryFinding, cpuFinding]);
    expect(findings.map((f) => f.subject)).toEqual(['memoryMb', 'cpuPercent']);
  });

  it('respects custom memoryMbMax and cpuPercentMax', async () => {
    const metrics = {
      memoryMb: { mean: 600.5, max: 900, p95: 610, count: 8 },
      cpuPercent: { mean: 95, max: 100, p95: 97, count: 5 },
    };
    const raised = makeContext({ metrics, thresholds: { memoryMbMax: 610, cpuPercentMax: 97 } });
    expect(await detect(resourceInefficiency, raised)).toEqual([]);
    const lowered = makeContext({ metrics, thresholds: { memoryMbMax: 256, cpuPercentMax: 99 } });
    expect(await detect(resourceInefficiency, lowered)).toEqual([
      {
        ...memoryFinding,
        title: 'Memory use is 610 MB at p95, above 256 MB',
        description: expect.stringContaining('the threshold is 256 MB.') as string,
        evidence: { ...memoryFinding.evidence, threshold: 256 },
      },
    ]);
  });
});

describe('kv1nt/guardian-feedback', () => {
  function context(count: number, mean: number | undefined, guardianScoreMin?: number) {
    return makeContext({
      metrics: {
        bySource: count > 0 ? { agent: 30, guardian: count } : { agent: 30 },
        averageScoreBySource: mean === undefined ? { agent: 0.4 } : { agent: 0.4, guardian: mean },
      },
      ...(guardianScoreMin === undefined ? {} : { thresholds: { guardianScoreMin } }),
    });
  }

  it.each([
    { case: 'guardian mean 0.8', count: 4, mean: 0.8 },
    { case: 'guardian mean 1', count: 4, mean: 1 },
    { case: 'no guardian entries (other sources score low)', count: 0, mean: undefined },
    { case: 'a guardian mean but no guardian entries', count: 0, mean: 0.1 },
  ])('no finding for $case', async ({ count, mean }) => {
    const ctx = context(count, mean);
    expect(await detect(guardianFeedback, ctx)).toEqual([]);
    expect(ctx.feedbackReads).toBe(0);
  });

  it('fires at guardian mean 0.79, with the whole finding', async () => {
    const findings = await detect(guardianFeedback, context(4, 0.79));
    expect(findings).toEqual([
      {
        title: 'The guardian scores the agent 0.79, under 0.8',
        description: '4 guardian report(s) in the last 7 day(s) average 0.790.',
        evidence: { meanScore: 0.79, reports: 4, threshold: 0.8 },
        subject: 'guardian-feedback',
      },
    ]);
    // code_smell's default severity (MEDIUM) comes from the host.
    expect(findings[0]).not.toHaveProperty('severity');
  });

  it.each([
    { mean: 0.5, fires: false },
    { mean: 0.49, fires: true },
  ])('respects a custom guardianScoreMin of 0.5: mean $mean', async ({ mean, fires }) => {
    const findings = await detect(guardianFeedback, context(2, mean, 0.5));
    expect(findings).toEqual(
      fires ? [expect.objectContaining({ title: 'The guardian scores the agent 0.49, under 0.5' })] : [],
    );
  });
});

describe('kv1nt/security-feedback', () => {
  function context(
    count: number,
    min: number | undefined,
    mean: number | undefined,
    securityScoreMin?: number,
  ) {
    return makeContext({
      metrics: {
        byType: count > 0 ? { success: 20, security: count } : { success: 20 },
        minScoreByType: min === undefined ? { success: 1 } : { success: 1, security: min },
        averageScoreByType: mean === undefined ? { success: 1 } : { success: 1, security: mean },
      },
      ...(securityScoreMin === undefined ? {} : { thresholds: { securityScoreMin } }),
    });
  }

  it.each([
    { case: 'lowest security score 0.7', count: 3, min: 0.7, mean: 0.9 },
    { case: 'lowest security score 1', count: 1, min: 1, mean: 1 },
    { case: 'no security entries', count: 0, min: undefined, mean: undefined },
    { case: 'a lowest score but no security entries', count: 0, min: 0.1, mean: 0.1 },
  ])('no finding for $case', async ({ count, min, mean }) => {
    const ctx = context(count, min, mean);
    expect(await detect(securityFeedback, ctx)).toEqual([]);
    expect(ctx.feedbackReads).toBe(0);
  });

  it('fires at lowest score 0.69, without a severity (the host applies CRITICAL)', async () => {
    const findings = await detect(securityFeedback, context(3, 0.69, 0.85));
    expect(findings).toEqual([
      {
        title: 'Security score as low as 0.69',
        description:
          '3 security report(s) in the last 7 day(s); the lowest scored 0.69, the mean 0.85 (threshold 0.7).',
        evidence: { minScore: 0.69, meanScore: 0.85, reports: 3, threshold: 0.7 },
        subject: 'security-feedback',
      },
    ]);
    expect(findings[0]).not.toHaveProperty('severity');
  });

  it('fires on the lowest score even when the mean is fine, and stands in for a missing mean', async () => {
    expect(await detect(securityFeedback, context(2, 0, undefined))).toEqual([
      {
        title: 'Security score as low as 0',
        description:
          '2 security report(s) in the last 7 day(s); the lowest scored 0, the mean — (threshold 0.7).',
        evidence: { minScore: 0, meanScore: null, reports: 2, threshold: 0.7 },
        subject: 'security-feedback',
      },
    ]);
  });

  it.each([
    { min: 0.9, fires: false },
    { min: 0.89, fires: true },
  ])('respects a custom securityScoreMin of 0.9: lowest $min', async ({ min, fires }) => {
    const findings = await detect(securityFeedback, context(1, min, min, 0.9));
    expect(findings).toEqual(
      fires
        ? [expect.objectContaining({ description: expect.stringContaining('(threshold 0.9)') as string })]
        : [],
    );
  });
});
