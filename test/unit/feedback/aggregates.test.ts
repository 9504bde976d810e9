import { describe, expect, it } from 'vitest';
import {
  binQuantile,
  durationBin,
  emptyAggregates,
  foldEntry,
  hourKey,
  totalFor,
  windowStartKey,
} from '../../../src/core/feedback/aggregates.js';
import { summarize } from '../../../src/core/feedback/summary.js';
import { feedbackEntry } from '../../helpers/feedback-entry.js';

const entry = feedbackEntry;

describe('score aggregates', () => {
  it('keys buckets by UTC hour and the window by the hour it starts in', () => {
    expect(hourKey('2026-11-20T10:59:59.999Z')).toBe('2026-11-20T10');
    expect(windowStartKey(new Date('2026-11-24T12:30:00Z'), 7)).toBe('2026-11-17T12');
    expect(windowStartKey(new Date('2026-11-24T00:10:00Z'), 0.5)).toBe('2026-11-23T12');
  });

  it('folds entries into per-hour sums that total back to the same figures', () => {
    const aggregates = emptyAggregates();
    const entries = [
      entry({ durationMs: 100, metrics: { memoryMb: 300 } }),
      entry({
        durationMs: 300,
        metrics: { memoryMb: 700, cpuPercent: 90 },
        timestamp: '2026-11-20T11:00:00.000Z',
      }),
      entry({ type: 'failure', score: 0, errorType: 'timeout', durationMs: 8000 }),
      entry({ type: 'failure', score: 0 }),
      entry({ type: 'user_rating', score: 0.5, rating: 3, source: 'user' }),
      entry({ type: 'quality_score', score: 0.7, source: 'guardian', timestamp: '2026-11-19T23:00:00.000Z' }),
      entry({ agentId: 'other' }),
    ];
    for (const e of entries) foldEntry(aggregates, e);
    expect(Object.keys(aggregates.agents.a!).sort()).toEqual([
      '2026-11-19T23',
      '2026-11-20T10',
      '2026-11-20T11',
    ]);
    const total = totalFor(aggregates, 'a');
    expect(total).toEqual({
      n: 6,
      byType: { success: 2, failure: 2, user_rating: 1, quality_score: 1 },
      bySource: { agent: 4, user: 1, guardian: 1 },
      byTypeSource: {
        'success/agent': 2,
        'failure/agent': 2,
        'user_rating/user': 1,
        'quality_score/guardian': 1,
      },
      scoreSum: { success: 2, failure: 0, user_rating: 0.5, quality_score: 0.7 },
      scoreMin: { success: 1, failure: 0, user_rating: 0.5, quality_score: 0.7 },
      sourceScoreSum: { agent: 2, user: 0.5, guardian: 0.7 },
      ratingSum: 3,
      ratingN: 1,
      errors: { timeout: 1, unknown: 1 },
      duration: { sum: 8400, n: 3, max: 8000 },
      durationBins: { [durationBin(100)]: 1, [durationBin(300)]: 1, [durationBin(8000)]: 1 },
      // The time-out's 8 s are not how long the work takes: success-only sums leave it out.
      okDuration: { sum: 400, n: 2, max: 300 },
      okDurationBins: { [durationBin(100)]: 1, [durationBin(300)]: 1 },
      qualityBins: { 70: 1 },
      metrics: { memoryMb: { sum: 1000, n: 2, max: 700 }, cpuPercent: { sum: 90, n: 1, max: 90 } },
      metricBins: {
        memoryMb: { [durationBin(300)]: 1, [durationBin(700)]: 1 },
        cpuPercent: { [durationBin(90)]: 1 },
      },
      first: '2026-11-19T23:00:00.000Z',
      last: '2026-11-20T11:00:00.000Z',
    });
    expect(totalFor(aggregates, 'a', '2026-11-20T00').n).toBe(5);
    expect(totalFor(aggregates, 'nobody').n).toBe(0);
  });

  it('summarizes: success rate from successes and failures only, mean rating, top errors by count then name', () => {
    const aggregates = emptyAggregates();
    for (const e of [
      entry({}),
      entry({}),
      entry({}),
      entry({ type: 'failure', score: 0, errorType: 'b' }),
      entry({ type: 'failure', score: 0, errorType: 'a' }),
      entry({ type: 'failure', score: 0, errorType: 'c' }),
      entry({ type: 'failure', score: 0, errorType: 'c' }),
      entry({ type: 'coverage', score: 0.25 }),
    ])
      foldEntry(aggregates, e);
    const summary = summarize('a', 7, totalFor(aggregates, 'a'));
    expect(summary.successRate).toBe(0.428571);
    expect(summary.averageRating).toBeNull();
    expect(summary.topErrors).toEqual([
      { errorType: 'c', count: 2 },
      { errorType: 'a', count: 1 },
      { errorType: 'b', count: 1 },
    ]);
    expect(summary.averageScoreByType).toEqual({ success: 1, failure: 0, coverage: 0.25 });
    expect(summarize('a', 7, totalFor(aggregates, 'none'))).toMatchObject({
      total: 0,
      successRate: null,
      firstSeen: null,
      averageDurationMs: null,
    });
  });
});

describe('duration histogram', () => {
  it('gives percentiles within 5 % of the exact ones', () => {
    const durations = Array.from({ length: 1000 }, (_, i) => 10 + i * 7);
    const bins: Record<string, number> = {};
    for (const d of durations) bins[durationBin(d)] = (bins[durationBin(d)] ?? 0) + 1;
    const exact = (q: number) => durations[Math.ceil(q * durations.length) - 1]!;
    for (const q of [0.5, 0.95, 0.99]) {
      const estimate = binQuantile(bins, q)!;
      expect(Math.abs(estimate - exact(q)) / exact(q)).toBeLessThan(0.05);
    }
    expect(binQuantile({}, 0.5)).toBeNull();
    expect(binQuantile({ [durationBin(0)]: 3 }, 0.5)).toBe(0);
  });
});
