import { describe, expect, it } from 'vitest';
import type { FeedbackEntry } from '../../../src/core/feedback/types.js';
import { detectPatterns, type PatternOptions } from '../../../src/core/patterns/detect.js';
import { operationKind } from '../../../src/core/feedback/operation-kind.js';
import { impactScore, type LearningGenerator } from '../../../src/core/sdk/index.js';
import builtin from '../../../src/plugins/index.js';
import { feedbackEntry } from '../../helpers/feedback-entry.js';

let n = 0;
const base = Date.parse('2026-11-20T00:00:00Z');
function entry(partial: Partial<FeedbackEntry> & { at?: number }): FeedbackEntry {
  n++;
  const { at, ...rest } = partial;
  const timestamp = new Date(base + (at ?? n) * 3_600_000).toISOString();
  return feedbackEntry({ id: `fb_${n}`, operationId: `op-${n}`, timestamp, recordedAt: timestamp, ...rest });
}
const options: PatternOptions = { minFrequency: 3, minConfidence: 0.6, slaMs: null };
const ofType = (entries: FeedbackEntry[], type: string, opts: Partial<PatternOptions> = {}) =>
  detectPatterns(entries, { ...options, ...opts }).filter((p) => p.patternType === type);

describe('operationKind', () => {
  it('uses details.task, else the operation id without its trailing number or hash', () => {
    expect(operationKind(entry({ operationId: 'summarize-1042' }))).toBe('summarize');
    expect(operationKind(entry({ operationId: 'fetch_doc.9f3a2b1c4d' }))).toBe('fetch_doc');
    expect(operationKind(entry({ operationId: 'nightly', details: { task: 'batch' } }))).toBe('batch');
    expect(operationKind(entry({ operationId: '12345' }))).toBe('12345');
  });
});

describe('detectPatterns input order', () => {
  it('gives the same patterns, first/last seen and examples for entries out of time order', () => {
    const entries = [5, 1, 4, 2, 6, 3].map((at) =>
      entry({ at, type: 'failure', score: 0, errorType: 'timeout', message: `after ${at} s` }),
    );
    const sorted = [...entries].sort((a, b) => a.timestamp.localeCompare(b.timestamp));
    const found = ofType(entries, 'failure').find((p) => !p.signature.startsWith('kind:'));
    expect(found).toEqual(ofType(sorted, 'failure').find((p) => !p.signature.startsWith('kind:')));
    expect(found).toMatchObject({
      frequency: 6,
      firstSeen: sorted[0]!.timestamp,
      lastSeen: sorted[5]!.timestamp,
      examples: sorted.slice(0, 5).map((e) => e.operationId),
    });
  });
});

describe('detectPatterns input order (2)', () => {
  it('retries: first and last seen span every attempt, examples in order of first attempt', () => {
    // job-a fails at 1 h and succeeds at 5 h; job-b fails at 2 h and succeeds at 3 h.
    const attempts = [
      entry({ at: 3, operationId: 'job-b' }),
      entry({ at: 1, operationId: 'job-a', type: 'failure', score: 0 }),
      entry({ at: 5, operationId: 'job-a' }),
      entry({ at: 2, operationId: 'job-b', type: 'failure', score: 0 }),
    ];
    const retries = ofType(attempts, 'behavior', { minFrequency: 1 }).find((p) => p.signature === 'retries');
    expect(retries).toMatchObject({
      frequency: 2,
      firstSeen: new Date(base + 1 * 3_600_000).toISOString(),
      lastSeen: new Date(base + 5 * 3_600_000).toISOString(),
      examples: ['job-a', 'job-b'],
    });
  });
});

describe('detectPatterns over random windows', () => {
  /** A small deterministic generator (the cases are the same on every run). */
  const random = (seed: number) => () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;

  it('does not depend on the order of the entries, ties in time included', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const r = random(seed);
      const types = ['success', 'failure', 'quality_score', 'user_rating'] as const;
      const entries = Array.from({ length: 20 + Math.floor(r() * 150) }, () => {
        const type = types[Math.floor(r() * (r() < 0.6 ? 2 : 4))]!;
        return entry({
          at: Math.floor(r() * (seed % 2 ? 6 : 200)), // few distinct instants: many ties
          type,
          score: type === 'failure' ? 0 : r(),
          operationId: `${['fetch', 'sum'][Math.floor(r() * 2)]}-${Math.floor(r() * 12)}`,
          ...(r() < 0.7 ? { durationMs: Math.floor(r() * 3000) } : {}),
          ...(type === 'failure' ? { errorType: 'timeout', message: `took ${Math.floor(r() * 9)} ms` } : {}),
          ...(type === 'quality_score' ? { details: { dimensions: { clarity: r() } } } : {}),
        });
      });
      // Shuffled, and in time order with ties kept in their original order.
      const shuffled = entries
        .map((e) => [r(), e] as const)
        .sort((a, b) => a[0] - b[0])
        .map(([, e]) => e);
      const sorted = [...shuffled].sort((a, b) => a.timestamp.localeCompare(b.timestamp));
      for (const slaMs of [null, 1000]) {
        const all = { minFrequency: 1, minConfidence: 0, slaMs };
        expect(detectPatterns(shuffled, all), `seed ${seed}`).toEqual(detectPatterns(sorted, all));
      }
    }
  });
});

describe('pattern types', () => {
  it('failure: one pattern per fingerprint, confidence n/(n+1)', () => {
    const entries = [1, 2, 3].map((i) =>
      entry({
        type: 'failure',
        score: 0,
        errorType: 'timeout',
        message: `took ${i * 100} ms`,
        operationId: `x-${i}`,
        details: { task: `t${i}` },
      }),
    );
    entries.push(
      entry({ type: 'failure', score: 0, errorType: 'parse', message: 'bad json', details: { task: 'p' } }),
    );
    const found = ofType(entries, 'failure').filter((p) => !p.signature.startsWith('kind:'));
    expect(found).toEqual([
      expect.objectContaining({ signature: 'timeout: took <duration>', frequency: 3, confidence: 0.75 }),
    ]);
  });

  it("failure: carries what a fix needs — the failing kinds, their successes' p99, the durations messages name", () => {
    const entries = [
      ...Array.from({ length: 99 }, (_, i) => entry({ operationId: `chat-${i}`, durationMs: 100 + i })),
      entry({ operationId: 'chat-x', durationMs: 380 }),
      ...Array.from({ length: 40 }, (_, i) => entry({ operationId: `other-${i}`, durationMs: 9000 })),
      ...[1, 2, 3].map((i) =>
        entry({
          type: 'failure',
          score: 0,
          errorType: 'timeout',
          message: `timed out after ${i * 50} ms`,
          operationId: `chat-${200 + i}`,
        }),
      ),
    ];
    const [timeout] = ofType(entries, 'failure').filter((p) => !p.signature.startsWith('kind:'));
    expect(timeout!.extra).toMatchObject({
      errorType: 'timeout',
      operationKinds: ['chat'],
      messageMaxMs: 150,
    });
    // chat's successes only (not the 9 s ones of another kind): their 99th of 100 is 198 ms;
    // log-scale bins are within ±4.5 %.
    expect(timeout!.extra!.successP99Ms).toBeGreaterThanOrEqual(189);
    expect(timeout!.extra!.successP99Ms).toBeLessThanOrEqual(207);
  });

  it('failure (capability gap): a kind failing at least half the time', () => {
    const entries = [
      ...[1, 2, 3].map(() =>
        entry({ type: 'failure', score: 0, operationId: 'translate-1', errorType: 'e' }),
      ),
      ...[1, 2, 3].map(() => entry({ operationId: 'translate-2' })),
      ...[1, 2, 3].map(() => entry({ operationId: 'summarize-1' })),
      entry({ type: 'failure', score: 0, operationId: 'summarize-2', errorType: 'e' }),
    ];
    // A rate of one half passes the gap rule but not the default confidence (0.6) ...
    expect(ofType(entries, 'failure').filter((p) => p.signature.startsWith('kind:'))).toEqual([]);
    // ... so it shows at a lower --min-confidence.
    const gaps = ofType(entries, 'failure', { minConfidence: 0.5 }).filter((p) =>
      p.signature.startsWith('kind:'),
    );
    expect(gaps).toEqual([
      expect.objectContaining({
        signature: 'kind:translate',
        frequency: 3,
        confidence: 0.5,
        extra: { operationKind: 'translate', failureRate: 0.5, attempts: 6 },
      }),
    ]);
  });

  it('success: a kind that keeps succeeding, confidence smoothed (s+1)/(n+2)', () => {
    const entries = [
      ...[1, 2, 3, 4].map(() => entry({ operationId: 'classify-1' })),
      entry({ operationId: 'classify-9', type: 'failure', score: 0 }),
    ];
    expect(ofType(entries, 'success')).toEqual([
      expect.objectContaining({
        signature: 'kind:classify',
        frequency: 4,
        confidence: round((4 + 1) / (5 + 2)),
        extra: { operationKind: 'classify', failureRate: 0.2, attempts: 5 },
      }),
    ]);
    // Two out of four successes: (2+1)/(4+2) = 0.5, under the default 0.6.
    expect(
      ofType(
        [entry({}), entry({}), entry({ type: 'failure', score: 0 }), entry({ type: 'failure', score: 0 })],
        'success',
        { minFrequency: 2 },
      ),
    ).toEqual([]);
  });

  it('quality: falling scores, and a dimension that stays low', () => {
    const falling = [0.9, 0.85, 0.7, 0.6].map((score, i) =>
      entry({
        type: 'quality_score',
        score,
        at: i * 24,
        details: { dimensions: { brevity: 0.4, accuracy: 0.9 } },
      }),
    );
    const found = ofType(falling, 'quality');
    expect(found.map((p) => p.signature).sort()).toEqual(['dimension:brevity', 'quality:declining']);
    expect(found.find((p) => p.signature === 'quality:declining')!.confidence).toBeGreaterThan(0.9);
    const rising = [0.6, 0.7, 0.8, 0.9].map((score, i) =>
      entry({ type: 'quality_score', score, at: i * 24 }),
    );
    expect(ofType(rising, 'quality')).toEqual([]);
  });

  it('performance: durations drifting up, and a kind over the SLA', () => {
    const drifting = [100, 150, 220, 300, 390].map((durationMs, i) =>
      entry({ durationMs, at: i * 24, operationId: 'render-1' }),
    );
    expect(ofType(drifting, 'performance').map((p) => p.signature)).toEqual(['duration:rising']);
    const overSla = ofType(drifting, 'performance', { slaMs: 200 });
    expect(overSla.map((p) => p.signature).sort()).toEqual(['duration:rising', 'sla:render']);
    expect(overSla.find((p) => p.signature === 'sla:render')).toMatchObject({
      frequency: 3,
      confidence: 0.6,
    });
    const flat = [200, 190, 210, 200, 195].map((durationMs, i) =>
      entry({ durationMs, at: i * 24 + (i % 2) }),
    );
    expect(ofType(flat, 'performance').map((p) => p.signature)).not.toContain('duration:rising');
  });

  it('behavior: failures concentrated in one hour of the day, and retries', () => {
    const nightly = [0, 1, 2].map((day) =>
      entry({ type: 'failure', score: 0, at: day * 24 + 3, errorType: `e${day}` }),
    );
    nightly.push(entry({ type: 'failure', score: 0, at: 14, errorType: 'x' }));
    expect(ofType(nightly, 'behavior')).toEqual([
      expect.objectContaining({ signature: 'hour:3', frequency: 3, confidence: 0.75 }),
    ]);
    const retries = ['job-1', 'job-2', 'job-3'].flatMap((op) => [
      entry({ operationId: op, type: 'failure', score: 0 }),
      entry({ operationId: op }),
    ]);
    expect(ofType(retries, 'behavior').find((p) => p.signature === 'retries')).toMatchObject({
      frequency: 3,
      confidence: 0.75,
    });
  });
});

describe('learning generators', () => {
  it('rank impact by frequency, confidence and severity, within [0, 1]', () => {
    expect(impactScore(20, 1, 'CRITICAL')).toBe(1);
    expect(impactScore(1000, 1, 'CRITICAL')).toBe(1);
    expect(impactScore(0, 1, 'HIGH')).toBe(0);
    expect(impactScore(5, 0.8, 'HIGH')).toBeGreaterThan(impactScore(5, 0.8, 'LOW'));
    expect(impactScore(10, 0.8, 'MEDIUM')).toBeGreaterThan(impactScore(3, 0.8, 'MEDIUM'));
  });

  it('cover every learning type, each from its pattern types', async () => {
    const generators: LearningGenerator[] = builtin.learningGenerators;
    const pattern = (patternType: string, extra: Record<string, unknown> = {}) => ({
      id: 'pat_1',
      agentId: 'a',
      patternType,
      signature: 'timeout: x',
      description: 'd',
      frequency: 5,
      confidence: 0.8,
      firstSeen: 'f',
      lastSeen: 'l',
      examples: ['op-1'],
      ...extra,
    });
    const produce = async (p: ReturnType<typeof pattern>) => {
      const out = [];
      for (const g of generators)
        if ((g.patternTypes as readonly string[]).includes(p.patternType))
          out.push(
            ...(await g.generate(p as never, {
              agent: { id: 'a' },
              config: {} as never,
              options: {},
              now: new Date(),
              warn: () => undefined,
            })),
          );
      return out.map((l) => l.learningType);
    };
    expect(await produce(pattern('failure'))).toEqual(['error_avoidance']);
    expect(await produce(pattern('failure', { operationKind: 'k', failureRate: 0.7 }))).toEqual([
      'skill_enhancement',
    ]);
    expect(await produce(pattern('success', { operationKind: 'k' }))).toEqual(['positive_reinforcement']);
    // "Keep doing it this way" is no advice for a kind that fails one time in five or more.
    expect(await produce(pattern('success', { operationKind: 'k', failureRate: 0.19 }))).toEqual([
      'positive_reinforcement',
    ]);
    expect(await produce(pattern('success', { operationKind: 'k', failureRate: 0.2 }))).toEqual([]);
    expect(await produce(pattern('quality'))).toEqual(['optimization']);
    expect(await produce(pattern('performance'))).toEqual(['optimization']);
    expect(await produce(pattern('behavior', { hourUtc: 3 }))).toEqual(['pattern_recognition']);
  });
});

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
