import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../../src/core/config/load.js';
import { healthComponents, healthScore, responseTimeScore } from '../../../src/core/analysis/health.js';
import { opportunityId, reconcile, type Opportunity } from '../../../src/core/analysis/opportunities.js';
import { DEFAULT_TREND_RULE, healthTrend, trendRuleOf } from '../../../src/core/analysis/trend.js';
import type { DetectedFinding } from '../../../src/core/plugins/run-detectors.js';

describe('health score', () => {
  it('is the contract textbook case: 8 successes, 2 failures, quality 0.9, within SLA → 87.0', () => {
    const components = healthComponents({
      successes: 8,
      failures: 2,
      meanDurationMs: 400,
      slaMs: 500,
      meanQuality: 0.9,
    });
    expect(components).toEqual({ successRate: 0.8, errorRate: 0.2, responseTimeScore: 1, codeQuality: 0.9 });
    expect(healthScore(components)).toBe(87);
  });

  it('renormalises the weights over the components that have data', () => {
    expect(
      healthScore(
        healthComponents({ successes: 4, failures: 1, meanDurationMs: null, slaMs: 500, meanQuality: null }),
      ),
    ).toBe(80);
    expect(
      healthScore({ successRate: null, errorRate: null, responseTimeScore: 0.5, codeQuality: null }),
    ).toBe(50);
    expect(
      healthScore({ successRate: null, errorRate: null, responseTimeScore: null, codeQuality: 0.75 }),
    ).toBe(75);
    expect(
      healthScore({ successRate: null, errorRate: null, responseTimeScore: null, codeQuality: null }),
    ).toBeNull();
  });

  it('scores response time 1 within the SLA and sla/mean beyond it', () => {
    expect(responseTimeScore(500, 500)).toBe(1);
    expect(responseTimeScore(1000, 500)).toBe(0.5);
    expect(responseTimeScore(null, 500)).toBeNull();
    expect(responseTimeScore(700, null)).toBeNull();
  });

  it('rounds to one decimal', () => {
    expect(
      healthScore({ successRate: 2 / 3, errorRate: 1 / 3, responseTimeScore: null, codeQuality: null }),
    ).toBe(66.7);
  });
});

describe('health trend', () => {
  const day = 86_400_000;
  const series = (scores: number[]) => scores.map((score, i) => ({ at: i * day, score }));
  // 30 daily health scores falling by 16 points with noise (see test/unit/stats/mann-kendall.test.ts:
  // R z = −5.1585, p = 2.489e-7; SciPy theilslopes: slope −0.5190476, × 29 days = −15.05).
  const FALLING = [
    89.2, 91.0, 88.2, 87.4, 85.0, 86.6, 90.0, 87.4, 88.7, 85.8, 85.7, 84.5, 78.4, 85.4, 83.8, 83.2, 76.1,
    75.4, 77.4, 78.1, 79.9, 78.3, 79.4, 75.4, 77.7, 77.4, 73.7, 80.3, 76.2, 77.6,
  ];
  // 30 days of noise around 75 (SciPy: Kendall p = 0.40, Theil–Sen slope 0.05/day).
  const NOISE = [
    77.3, 79.0, 72.7, 72.4, 76.1, 80.2, 76.3, 71.6, 72.8, 74.9, 77.9, 75.1, 74.0, 74.4, 75.6, 72.9, 75.1,
    75.9, 79.9, 74.9, 77.9, 72.1, 77.6, 75.6, 73.5, 75.0, 77.7, 74.1, 78.1, 79.6,
  ];

  it('reads a steady fall of 16 points over 30 days as declining (the ±1 point/day dead band said stable)', () => {
    const result = healthTrend(series(FALLING));
    expect(result).toMatchObject({ trend: 'declining', slopePerDay: -0.519, change: -15.1, days: 30 });
    expect(result.pValue).toBeCloseTo(2.48907526066891e-7, 12);
  });

  it('reads flat noise as stable, with its p-value and change', () => {
    const result = healthTrend(series(NOISE));
    expect(result).toMatchObject({ trend: 'stable', slopePerDay: 0.05, change: 1.4, days: 30 }); // 1.44999…
    expect(result.pValue).toBeGreaterThan(0.3);
  });

  it('reads a rising series as improving', () => {
    const rising = FALLING.map((score) => 180 - score);
    expect(healthTrend(series(rising))).toMatchObject({
      trend: 'improving',
      slopePerDay: 0.519,
      change: 15.1,
    });
  });

  it('gives insufficient_data under minDays days with a score, counting days not points', () => {
    expect(healthTrend(series([50, 90]))).toEqual({
      trend: 'insufficient_data',
      slopePerDay: null,
      pValue: null,
      change: null,
      days: 2,
    });
    // Many points on one day are one day, averaged.
    expect(healthTrend([0, 1, 2, 3].map((i) => ({ at: i * 1000, score: 50 + i * 10 }))).trend).toBe(
      'insufficient_data',
    );
    expect(healthTrend(series(FALLING.slice(0, 5)), { ...DEFAULT_TREND_RULE, minDays: 6 }).trend).toBe(
      'insufficient_data',
    );
    const twoPerDay = series([80, 70, 60, 50, 40]).flatMap((p) => [
      { at: p.at + 1000, score: p.score + 5 },
      { at: p.at + 2000, score: p.score - 5 },
    ]);
    expect(healthTrend(twoPerDay)).toMatchObject({ days: 5, slopePerDay: -10, change: -40 });
  });

  it('needs significance: 3 or 4 days can never be, 5 monotone days can (exact p = 2/5! = 0.0167)', () => {
    expect(healthTrend(series([80, 76, 72]))).toMatchObject({ trend: 'stable', change: -8 });
    expect(healthTrend(series([80, 76, 72])).pValue).toBeCloseTo(1 / 3, 12);
    expect(healthTrend(series([80, 76, 72, 68])).trend).toBe('stable');
    expect(healthTrend(series([80, 76, 72, 68, 64]))).toMatchObject({ trend: 'declining', change: -16 });
  });

  it('honours alpha: R’s exact p = 0.0107 declines at 0.05 and not at 0.01', () => {
    const scores = [80, 76, 77, 72, 70, 71, 65];
    expect(healthTrend(series(scores))).toMatchObject({
      trend: 'declining',
      slopePerDay: -2.2,
      change: -13.2,
    });
    expect(healthTrend(series(scores), { ...DEFAULT_TREND_RULE, alpha: 0.01 }).trend).toBe('stable');
  });

  it('honours minChange: a significant fall of 2.9 points over 30 days is stable unless minChange ≤ 2.9', () => {
    const slow = Array.from({ length: 30 }, (_, i) => 70 - i * 0.1);
    const result = healthTrend(series(slow));
    expect(result).toMatchObject({ trend: 'stable', change: -2.9 });
    expect(result.pValue).toBeLessThan(1e-10);
    expect(healthTrend(series(slow), { ...DEFAULT_TREND_RULE, minChange: 2.9 }).trend).toBe('declining');
    expect(healthTrend(series(slow), { ...DEFAULT_TREND_RULE, minChange: 3 }).trend).toBe('stable');
  });

  it('is not fooled by one bad day among good ones', () => {
    expect(healthTrend(series([90, 91, 40, 90, 91, 92, 90])).trend).toBe('stable');
  });

  it('takes the rule from trend.*, else thresholds.trendMinDays, else the defaults', () => {
    expect(trendRuleOf({})).toEqual({ minDays: 3, alpha: 0.05, minChange: 5 });
    expect(trendRuleOf({ thresholds: { trendMinDays: 4, trendDeadBand: 2 } })).toEqual({
      minDays: 4,
      alpha: 0.05,
      minChange: 5,
    });
    expect(
      trendRuleOf({ thresholds: { trendMinDays: 4 }, trend: { minDays: 7, alpha: 0.01, minChange: 0 } }),
    ).toEqual({ minDays: 7, alpha: 0.01, minChange: 0 });
  });

  it('validates the trend config: alpha in (0, 0.5], minChange ≥ 0, minDays whole ≥ 2; trendDeadBand still loads', () => {
    const load = (config: object) => () => validateConfig('/x/.kv1ntrc.json', config);
    expect(load({ trend: { alpha: 0.5, minChange: 0, minDays: 2 } })).not.toThrow();
    expect(load({ thresholds: { trendDeadBand: 1, trendMinDays: 3 } })).not.toThrow();
    expect(load({ trend: { alpha: 0 } })).toThrow(/trend\.alpha: alpha must be above 0/);
    expect(load({ trend: { alpha: 0.6 } })).toThrow(/trend\.alpha: alpha must be at most 0\.5/);
    expect(load({ trend: { minChange: -1 } })).toThrow(/trend\.minChange: minChange must be at least 0/);
    expect(load({ trend: { minDays: 1 } })).toThrow(/trend\.minDays: minDays must be at least 2/);
    expect(load({ trend: { minDays: 2.5 } })).toThrow(/trend\.minDays: minDays must be a whole number/);
    expect(load({ trend: { deadBand: 1 } })).toThrow(/trend\.deadBand/);
  });
});

describe('opportunity lifecycle', () => {
  const now = new Date('2026-11-24T10:00:00Z');
  const later = new Date('2026-11-25T10:00:00Z');
  const finding = (subject: string, title = `slow ${subject}`): DetectedFinding => ({
    detector: 'd1',
    type: 'performance_degradation',
    finding: { title, description: 'd', evidence: { subject }, subject },
  });

  it('gives a stable id per agent, type, detector and subject', () => {
    expect(opportunityId('a', 't', 'd', 's')).toBe(opportunityId('a', 't', 'd', 's'));
    expect(opportunityId('a', 't', 'd', 's')).not.toBe(opportunityId('b', 't', 'd', 's'));
    expect(opportunityId('a', 't', 'd', 's')).toMatch(/^opp_[0-9a-f]{20}$/);
  });

  it('adds, updates, resolves and reopens', () => {
    const first = reconcile([], 'a', [finding('x'), finding('y')], new Set(['d1']), now);
    expect(first).toHaveLength(2);
    expect(first[0]).toEqual({
      id: opportunityId('a', 'performance_degradation', 'd1', 'x'),
      agentId: 'a',
      type: 'performance_degradation',
      severity: 'MEDIUM',
      title: 'slow x',
      description: 'd',
      evidence: { subject: 'x' },
      detector: 'd1',
      subject: 'x',
      status: 'open',
      firstSeen: now.toISOString(),
      lastSeen: now.toISOString(),
      occurrences: 1,
      resolvedAt: null,
    });
    const second = reconcile(first, 'a', [finding('x', 'slower x')], new Set(['d1']), later);
    const x = second.find((o) => o.subject === 'x')!;
    const y = second.find((o) => o.subject === 'y')!;
    expect(x).toMatchObject({
      title: 'slower x',
      status: 'open',
      firstSeen: now.toISOString(),
      lastSeen: later.toISOString(),
      occurrences: 2,
    });
    expect(y).toMatchObject({ status: 'resolved', resolvedAt: later.toISOString() });
    const third = reconcile(second, 'a', [finding('y')], new Set(['d1']), later);
    expect(third.find((o) => o.subject === 'y')).toMatchObject({
      status: 'open',
      occurrences: 2,
      firstSeen: later.toISOString(),
      resolvedAt: null,
    });
  });

  it('keeps a dismissed opportunity dismissed until its severity rises', () => {
    const [open] = reconcile([], 'a', [finding('x')], new Set(['d1']), now);
    const dismissed = { ...open!, status: 'dismissed' as const };
    dismissed.dismissal = { at: now.toISOString(), reason: 'by design', severity: 'MEDIUM' };
    const same = reconcile([dismissed], 'a', [finding('x')], new Set(['d1']), later);
    expect(same[0]).toMatchObject({ status: 'dismissed', occurrences: 2, lastSeen: later.toISOString() });
    // Not found any more: a dismissed opportunity is not "resolved" either.
    expect(reconcile([dismissed], 'a', [], new Set(['d1']), later)[0]).toMatchObject({ status: 'dismissed' });
    const worse: DetectedFinding = {
      ...finding('x'),
      finding: { ...finding('x').finding, severity: 'HIGH' },
    };
    expect(reconcile([dismissed], 'a', [worse], new Set(['d1']), later)[0]).toMatchObject({
      status: 'open',
      severity: 'HIGH',
      dismissal: null,
    });
  });

  it('closes as detector_gone what a detector no longer loaded raised, but not after a failed load', () => {
    const first = reconcile([], 'a', [finding('x')], new Set(['d1']), now);
    expect(reconcile(first, 'a', [], new Set<string>(), later, new Map(), new Set(['d2']))[0]).toMatchObject({
      status: 'detector_gone',
      resolvedAt: later.toISOString(),
    });
    expect(reconcile(first, 'a', [], new Set<string>(), later, new Map(), undefined)[0]).toMatchObject({
      status: 'open',
    });
  });

  it('keeps the findings of a detector that failed this time', () => {
    const first = reconcile([], 'a', [finding('x')], new Set(['d1']), now);
    const second = reconcile(first, 'a', [], new Set<string>(), later);
    expect(second[0]).toMatchObject({ status: 'open', lastSeen: now.toISOString() });
  });

  describe('under the closed loop', () => {
    const epoch = {
      since: now.toISOString(),
      key: `a@${now.toISOString()}`,
      from: { segment: 1, offset: 10 },
    };

    it('leaves an opportunity being verified as it is, only its lastSeen moves', () => {
      const [x] = reconcile([], 'a', [finding('x')], new Set(['d1']), now);
      const held = { ...x!, status: 'verifying' as const, verificationId: 'ver_1', epoch };
      expect(reconcile([held], 'a', [finding('x', 'changed')], new Set(['d1']), later)[0]).toEqual({
        ...held,
        lastSeen: later.toISOString(),
      });
      // Not found any more: still held, not resolved.
      expect(reconcile([held], 'a', [], new Set(['d1']), later)[0]).toEqual(held);
    });

    it('judges an opportunity under an epoch on the feedback after it, not on the window', () => {
      const [x] = reconcile([], 'a', [finding('x')], new Set(['d1']), now);
      const settled = { ...x!, status: 'resolved' as const, resolvedAt: now.toISOString(), epoch };
      // The window still shows the old problem; after the change nothing was found, and too
      // little feedback came to resolve anything: it stays resolved.
      const quiet = new Map([[settled.id, { found: undefined, canResolve: false }]]);
      expect(reconcile([settled], 'a', [finding('x')], new Set(['d1']), later, quiet)[0]).toMatchObject({
        status: 'resolved',
        occurrences: 1,
      });
      // Found on the feedback after the change: open again.
      const found = new Map([[settled.id, { found: finding('x', 'still slow'), canResolve: true }]]);
      expect(reconcile([settled], 'a', [], new Set(['d1']), later, found)[0]).toMatchObject({
        status: 'open',
        title: 'still slow',
        epoch,
      });
    });

    it('resolves an open opportunity under an epoch only with enough feedback after it', () => {
      const [x] = reconcile([], 'a', [finding('x')], new Set(['d1']), now);
      const open = { ...x!, epoch };
      const short = new Map([[open.id, { found: undefined, canResolve: false }]]);
      expect(reconcile([open], 'a', [], new Set(['d1']), later, short)[0]!.status).toBe('open');
      const enough = new Map([[open.id, { found: undefined, canResolve: true }]]);
      expect(reconcile([open], 'a', [], new Set(['d1']), later, enough)[0]!.status).toBe('resolved');
    });
  });

  it('lets a finding set its own severity and sorts the most severe first', () => {
    const result: Opportunity[] = reconcile(
      [],
      'a',
      [
        finding('x'),
        {
          detector: 'd2',
          type: 'security_vulnerability',
          finding: { title: 't', description: 'd', severity: 'HIGH' },
        },
      ],
      new Set(['d1', 'd2']),
      now,
    );
    expect(result.map((o) => [o.type, o.severity])).toEqual([
      ['security_vulnerability', 'HIGH'],
      ['performance_degradation', 'MEDIUM'],
    ]);
  });
});
