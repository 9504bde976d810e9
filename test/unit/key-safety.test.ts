import { describe, expect, it } from 'vitest';
import { parsePairs } from '../../src/cli/feedback-flags.js';
import {
  emptyAggregates,
  foldEntry,
  totalFor,
  type ScoreAggregates,
} from '../../src/core/feedback/aggregates.js';
import { summarize } from '../../src/core/feedback/summary.js';
import type { FeedbackEntry } from '../../src/core/feedback/types.js';
import { feedbackEntry } from '../helpers/feedback-entry.js';
import { toFeedbackRecord } from '../../src/core/feedback/validate.js';
import { windowFigures } from '../../src/core/analysis/metrics.js';
import { countInto, ownValue, safeRecord, setOwn } from '../../src/core/safe-record.js';

/** Every name Object.prototype gives a plain object: each must be an ordinary key. */
const PROTO_NAMES = Object.getOwnPropertyNames(Object.prototype);
const NOW = new Date('2026-11-20T12:00:00.000Z');

/** A failure by default: the error type is what most of these tests vary. */
const entry = (partial: Partial<FeedbackEntry>): FeedbackEntry =>
  feedbackEntry({ type: 'failure', score: 0, ...partial });

/** Entries whose error type, metric name, operation id and agent id are each prototype name. */
function hostileEntries(): FeedbackEntry[] {
  return PROTO_NAMES.flatMap((name) => [
    // JSON.parse, as the log reader does: `__proto__` becomes an own key, not the prototype.
    entry({
      errorType: name,
      operationId: name,
      metrics: JSON.parse(`{"${name}": 2}`) as Record<string, number>,
    }),
    entry({ agentId: name, type: 'success', score: 1 }),
  ]);
}

/** The aggregates as the next process sees them: written as JSON and parsed back. */
function roundTrip(aggregates: ScoreAggregates): ScoreAggregates {
  return JSON.parse(JSON.stringify(aggregates)) as ScoreAggregates;
}

describe('user strings as keys (Object.prototype names)', () => {
  it('fold, JSON round trip and fold again count every name as an ordinary key', () => {
    const first = emptyAggregates();
    for (const e of hostileEntries()) foldEntry(first, e);
    const again = roundTrip(first);
    for (const e of hostileEntries()) foldEntry(again, e);
    const stored = roundTrip(again);

    const total = totalFor(stored, 'a');
    expect(Object.keys(total.errors).sort()).toEqual([...PROTO_NAMES].sort());
    expect(Object.keys(total.metrics).sort()).toEqual([...PROTO_NAMES].sort());
    for (const name of PROTO_NAMES) {
      expect(ownValue(total.errors, name), name).toBe(2);
      expect(ownValue(total.metrics, name), name).toEqual({ sum: 4, n: 2, max: 2 });
      expect(totalFor(stored, name).n, name).toBe(2);
    }
    expect(Object.keys(stored.agents).sort()).toEqual(['a', ...PROTO_NAMES].sort());
    const summary = summarize('a', 7, total);
    expect(summary.topErrors).toEqual(
      [...PROTO_NAMES]
        .sort((x, y) => x.localeCompare(y))
        .map((errorType) => ({ errorType, count: 2 }))
        .slice(0, 10),
    );
    // Nothing leaked onto the real prototype.
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual([...PROTO_NAMES].sort());
  });

  it('an agent never folded reads as empty, whatever its name', () => {
    const stored = roundTrip(emptyAggregates());
    for (const name of PROTO_NAMES) {
      expect(totalFor(stored, name).n, name).toBe(0);
      expect(windowFigures(stored, name, NOW, 7, null).metrics.total, name).toBe(0);
    }
  });

  it('the analysis reads top errors and metrics of a parsed document by own keys only', () => {
    const aggregates = emptyAggregates();
    for (const e of hostileEntries()) foldEntry(aggregates, e);
    const figures = windowFigures(roundTrip(aggregates), 'a', NOW, 7, null);
    expect(figures.metrics.topErrors.every((error) => error.count === 1)).toBe(true);
    expect(figures.metrics.topErrors).toHaveLength(10);
    for (const name of PROTO_NAMES) expect(totalFor(roundTrip(aggregates), name).n, name).toBe(1);
  });

  it('keeps every name as a metric from the flags to the stored entry', () => {
    const pairs = parsePairs(
      '--metric',
      PROTO_NAMES.map((name, i) => `${name}=${i}`),
    );
    expect(Object.keys(pairs).sort()).toEqual([...PROTO_NAMES].sort());
    const { entry: stored, line } = toFeedbackRecord(
      { agentId: 'a', operationId: 'constructor', type: 'success', metrics: pairs, errorType: 'toString' },
      NOW,
      'fb_x',
    );
    const parsed = JSON.parse(line) as FeedbackEntry;
    for (const [i, name] of PROTO_NAMES.entries()) {
      expect(ownValue(stored.metrics, name), name).toBe(i);
      expect(ownValue(parsed.metrics, name), name).toBe(i);
    }
    expect(() => parsePairs('--metric', ['__proto__=1', '__proto__=2'])).toThrow(/given twice/);
  });

  it('the helpers read and write own keys only', () => {
    const parsed = JSON.parse('{"a": 1}') as Record<string, number>;
    for (const name of PROTO_NAMES) expect(ownValue(parsed, name), name).toBeUndefined();
    for (const name of PROTO_NAMES) countInto(parsed, name);
    for (const name of PROTO_NAMES) countInto(parsed, name, 2);
    for (const name of PROTO_NAMES) expect(ownValue(parsed, name), name).toBe(3);
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    const fresh = safeRecord<number>();
    setOwn(fresh, '__proto__', 1);
    expect(JSON.stringify(fresh)).toBe('{"__proto__":1}');
    expect(ownValue(undefined, 'x')).toBeUndefined();
  });
});
