import { describe, expect, it } from 'vitest';
import { emptyAggregates, foldEntry, hourKey } from '../../../src/core/feedback/aggregates.js';
import { HourSums } from '../../../src/core/feedback/hour-sums.js';
import { FEEDBACK_SOURCES, FEEDBACK_TYPES, type FeedbackEntry } from '../../../src/core/feedback/types.js';
import { feedbackEntry } from '../../helpers/feedback-entry.js';

/** Entries of every type and source, odd names, negative and fractional figures, times out of order. */
function corpus(): FeedbackEntry[] {
  let seed = 7;
  const random = (): number => (seed = (Math.imul(seed, 48271) + 11) >>> 0) / 2 ** 32;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  return Array.from({ length: 3000 }, (_, i) => {
    const type = pick(FEEDBACK_TYPES);
    const rating = type === 'user_rating' ? 1 + Math.floor(random() * 5) : undefined;
    const score =
      type === 'failure' ? 0 : rating !== undefined ? (rating - 1) / 4 : random() < 0.1 ? 1 : random();
    const entry = feedbackEntry({
      agentId: pick(['a', 'b', 'constructor', '__proto__']),
      type,
      score,
      source: pick(FEEDBACK_SOURCES),
      timestamp: new Date(
        Date.UTC(2026, 10, 20, Math.floor(random() * 5), Math.floor(random() * 60)),
      ).toISOString(),
    });
    if (rating !== undefined) entry.rating = rating;
    if (random() < 0.7) entry.durationMs = Math.floor(random() * 20_000) / (i % 3 === 0 ? 7 : 1);
    if (type === 'failure' && random() < 0.8)
      entry.errorType = pick(['timeout', 'toString', '__proto__', 'E']);
    if (random() < 0.5) {
      entry.metrics = {};
      for (const name of ['memoryMb', '__proto__', 'valueOf', 'tokens.in'])
        if (random() < 0.6)
          Object.defineProperty(entry.metrics, name, { value: (random() - 0.2) * 500, enumerable: true });
    }
    return entry;
  });
}

describe('HourSums', () => {
  it('gives, per agent and hour, exactly the bucket addToBucket builds (values and key order)', () => {
    const entries = corpus();
    const expected = emptyAggregates();
    for (const entry of entries) foldEntry(expected, entry);
    const sums = new Map<string, HourSums>();
    for (const entry of entries) {
      const key = `${entry.agentId} ${hourKey(entry.timestamp)}`;
      let hour = sums.get(key);
      if (hour === undefined) sums.set(key, (hour = new HourSums(Date.parse(entry.timestamp))));
      hour.add(entry);
    }
    let buckets = 0;
    for (const [agentId, hours] of Object.entries(expected.agents)) {
      for (const [hour, bucket] of Object.entries(hours)) {
        const built = sums.get(`${agentId} ${hour}`)!.toBucket();
        expect(JSON.stringify(built), `${agentId} ${hour}`).toBe(JSON.stringify(bucket));
        expect(built).toEqual(bucket);
        buckets++;
      }
    }
    expect(buckets).toBe(sums.size);
    expect(buckets).toBeGreaterThan(15);
  });
});
