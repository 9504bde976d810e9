import { describe, expect, it } from 'vitest';
import { emptyAggregates, foldEntry, totalFor } from '../../../src/core/feedback/aggregates.js';
import type { FeedbackEntry } from '../../../src/core/feedback/types.js';
import { evaluate, namedMetricOf } from '../../../src/core/verify/evaluate.js';

let n = 0;
/** A bucket of `successes` and `failures` (errorType `timeout` for the first `timeouts` of them). */
function bucket(spec: {
  successes: number;
  failures: number;
  timeouts?: number;
  durationMs?: (i: number) => number;
  quality?: number[];
}) {
  const aggregates = emptyAggregates();
  const add = (partial: Partial<FeedbackEntry>) =>
    foldEntry(aggregates, {
      id: `fb_${++n}`,
      agentId: 'a',
      operationId: `op-${n}`,
      type: 'success',
      score: 1,
      source: 'agent',
      timestamp: '2026-11-20T10:00:00.000Z',
      recordedAt: '2026-11-20T10:00:00.000Z',
      ...partial,
    });
  for (let i = 0; i < spec.successes; i++) add({ durationMs: spec.durationMs?.(i) ?? 1000 });
  for (let i = 0; i < spec.failures; i++)
    add({ type: 'failure', score: 0, errorType: i < (spec.timeouts ?? 0) ? 'timeout' : 'crash' });
  for (const score of spec.quality ?? []) add({ type: 'quality_score', score });
  return totalFor(aggregates, 'a');
}

describe('evaluate', () => {
  it('confirms a change whose targeted error share fell significantly, with every test stated', () => {
    const before = bucket({ successes: 250, failures: 50, timeouts: 50 });
    const after = bucket({ successes: 40, failures: 0 });
    const { verdict, tests, reason } = evaluate(
      before,
      after,
      { kind: 'errorShare', errorType: 'timeout' },
      0.05,
    );
    expect(verdict).toBe('confirmed');
    expect(tests[0]).toMatchObject({
      metric: 'errorShare:timeout',
      method: "Fisher's exact test",
      before: 0.166667,
      after: 0,
      better: true,
      role: 'named',
      significant: true,
    });
    expect(tests.map((t) => t.metric)).toEqual([
      'errorShare:timeout',
      'successRate',
      'successDurationMs',
      'qualityScore',
    ]);
    expect(reason).toMatch(
      /^errorShare:timeout 0\.1667 → 0 \(Fisher's exact test, p = 0\.00\d+\); no guarded metric worse$/,
    );
  });

  it('calls a significant fall of a guarded metric regressed, whatever the named metric did', () => {
    const before = bucket({ successes: 250, failures: 50, timeouts: 50 });
    const after = bucket({ successes: 20, failures: 20, timeouts: 0 });
    const result = evaluate(before, after, { kind: 'errorShare', errorType: 'timeout' }, 0.05);
    expect(result.verdict).toBe('regressed');
    expect(result.reason).toMatch(
      /successRate 0\.8333 → 0\.5 \(Fisher's exact test, p = .*\(Holm-adjusted over 2 guarded metric\(s\), alpha 0\.05\)/,
    );
  });

  it('tests durations of successful operations by Mann–Whitney U: slower after is a regression', () => {
    const before = bucket({ successes: 60, failures: 0, durationMs: (i) => 1000 + (i % 10) * 10 });
    const after = bucket({ successes: 40, failures: 0, durationMs: (i) => 3000 + (i % 10) * 10 });
    const { verdict, tests } = evaluate(before, after, { kind: 'none' }, 0.05);
    expect(verdict).toBe('regressed');
    expect(tests.find((t) => t.metric === 'successDurationMs')).toMatchObject({
      method: 'Mann–Whitney U',
      better: false,
      significant: true,
    });
  });

  it('says no_effect when the named metric did not improve significantly', () => {
    const before = bucket({ successes: 90, failures: 10, timeouts: 10 });
    const after = bucket({ successes: 27, failures: 3, timeouts: 3 });
    const result = evaluate(before, after, { kind: 'errorShare', errorType: 'timeout' }, 0.05);
    expect(result.verdict).toBe('no_effect');
    expect(result.reason).toMatch(/not a significant improvement at alpha 0\.05/);
  });

  it('confirms an opportunity that names no feedback metric when no guard got worse', () => {
    const same = () => bucket({ successes: 40, failures: 2 });
    expect(evaluate(same(), same(), { kind: 'none' }, 0.05).verdict).toBe('confirmed');
  });

  it('runs no test on a side with fewer than 5 values (p-value null, not significant)', () => {
    const before = bucket({ successes: 3, failures: 1 });
    const after = bucket({ successes: 40, failures: 0 });
    const result = evaluate(before, after, { kind: 'successRate' }, 0.05);
    expect(result.tests.find((t) => t.metric === 'successRate')).toMatchObject({
      pValue: null,
      significant: false,
    });
    expect(result.verdict).toBe('no_effect');
  });

  it('judges quality by rank: higher scores after confirm a quality change', () => {
    const before = bucket({
      successes: 0,
      failures: 0,
      quality: Array.from({ length: 30 }, (_, i) => 0.5 + (i % 5) / 100),
    });
    const after = bucket({
      successes: 0,
      failures: 0,
      quality: Array.from({ length: 30 }, (_, i) => 0.9 + (i % 5) / 100),
    });
    const result = evaluate(before, after, { kind: 'quality' }, 0.05);
    expect(result.verdict).toBe('confirmed');
    expect(result.tests.find((t) => t.metric === 'qualityScore')).toMatchObject({
      role: 'named+guard',
      better: true,
      before: 0.52,
      after: 0.92,
    });
  });
});

describe('namedMetricOf', () => {
  it.each([
    [
      { type: 'error_pattern', subject: 'errorType:timeout', evidence: {} },
      { kind: 'errorShare', errorType: 'timeout' },
    ],
    [
      { type: 'error_pattern', subject: 'pattern:x', evidence: { errorType: 'ETIMEDOUT' } },
      { kind: 'errorShare', errorType: 'ETIMEDOUT' },
    ],
    [{ type: 'error_pattern', subject: 'pattern:x', evidence: {} }, { kind: 'successRate' }],
    [{ type: 'performance_degradation', subject: '', evidence: {} }, { kind: 'durations' }],
    [{ type: 'quality_issues', subject: '', evidence: {} }, { kind: 'quality' }],
    [
      { type: 'resource_inefficiency', subject: 'cpuPercent', evidence: {} },
      { kind: 'resource', metric: 'cpuPercent' },
    ],
    [{ type: 'tool_upgrade', subject: 'lodash', evidence: {} }, { kind: 'none' }],
  ] as const)('%j → %j', (opportunity, expected) => {
    expect(namedMetricOf(opportunity)).toEqual(expected);
  });
});
