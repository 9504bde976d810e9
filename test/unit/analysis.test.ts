import { describe, expect, it } from 'vitest';
import { healthComponents, healthScore, responseTimeScore } from '../../src/core/analysis/health.js';
import { opportunityId, reconcile, type Opportunity } from '../../src/core/analysis/opportunities.js';
import { healthTrend } from '../../src/core/analysis/trend.js';
import type { DetectedFinding } from '../../src/core/plugins/run-detectors.js';

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

  it('needs a minimum of distinct days', () => {
    expect(healthTrend(series([50, 90])).trend).toBe('insufficient_data');
    // Many points on one day are one day.
    expect(healthTrend([0, 1, 2, 3].map((i) => ({ at: i * 1000, score: 50 + i * 10 }))).trend).toBe(
      'insufficient_data',
    );
  });

  it('reads the regression slope against the dead band', () => {
    expect(healthTrend(series([60, 65, 70, 75]))).toEqual({ trend: 'improving', slopePerDay: 5, days: 4 });
    expect(healthTrend(series([80, 76, 72]))).toEqual({ trend: 'declining', slopePerDay: -4, days: 3 });
    expect(healthTrend(series([70, 71, 70, 71])).trend).toBe('stable');
    // Exactly on the dead band is stable; just beyond is not.
    expect(healthTrend(series([70, 71, 72])).trend).toBe('stable');
    expect(healthTrend(series([70, 71.1, 72.2])).trend).toBe('improving');
    expect(healthTrend(series([70, 71, 72]), { minPoints: 3, deadBandPerDay: 0.5 }).trend).toBe('improving');
  });

  it('is not fooled by one bad day among good ones', () => {
    expect(healthTrend(series([90, 91, 40, 90, 91, 92, 90])).trend).not.toBe('improving');
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
