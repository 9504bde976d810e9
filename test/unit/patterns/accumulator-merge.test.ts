// A detection split in two at any entry, the second part's state cloned (as it crosses threads)
// and merged into the first's, finds exactly what one pass over all the entries finds.
import { describe, expect, it } from 'vitest';
import {
  accumulatorState,
  addSucceeded,
  mergeAccumulator,
  succeededState,
} from '../../../src/core/patterns/accumulator-merge.js';
import type { DetectionEntry } from '../../../src/core/patterns/canonical-line.js';
import { PatternAccumulator, type PatternOptions } from '../../../src/core/patterns/detect.js';
import { random } from '../../helpers/random.js';

const OPTIONS: PatternOptions = { minFrequency: 1, minConfidence: 0, slaMs: 400 };

/**
 * Entries at few distinct times (ties everywhere, some written two ways: the same instant as
 * different text), operation ids from a small pool (retries, ids met again), a failure signature
 * in 70 kinds, messages naming durations, quality scores with dimensions, details naming kinds.
 */
function entries(count: number, seed: number): DetectionEntry[] {
  const next = random(seed);
  const list: DetectionEntry[] = [];
  for (let i = 0; i < count; i++) {
    const minute = 10 + Math.floor(next() * 12);
    const timestamp =
      next() < 0.1
        ? `2026-11-30T09:${minute}:00Z`
        : `2026-11-30T${next() < 0.6 ? '09' : '14'}:${minute}:00.000Z`;
    const roll = next();
    const base = { agentId: 'a', timestamp, score: 1 };
    if (roll < 0.45) {
      const kind = next() < 0.6 ? `k${Math.floor(next() * 70)}` : 'fetch';
      list.push({
        ...base,
        type: 'failure',
        operationId: `${kind}-${Math.floor(next() * 30)}`,
        errorType: 'timeout',
        // Longer and longer: only the first 200 messages tell the longest.
        message: `gave up after ${i * 10 + Math.floor(next() * 9)} ms`,
        ...(next() < 0.5 ? { durationMs: Math.floor(next() * 900) } : {}),
      });
    } else if (roll < 0.8) {
      list.push({
        ...base,
        type: 'success',
        operationId: `${next() < 0.5 ? 'fetch' : 'store'}-${Math.floor(next() * 30)}`,
        durationMs: Math.floor(next() * 900),
        ...(next() < 0.05 ? { details: { task: 'batch' } } : {}),
      });
    } else {
      list.push({
        ...base,
        type: 'quality_score',
        operationId: `review-${Math.floor(next() * 40)}`,
        score: Math.round(next() * 100) / 100,
        ...(next() < 0.5 ? { details: { dimensions: { accuracy: next() } } } : {}),
      });
    }
  }
  return list;
}

function onePass(list: readonly DetectionEntry[]) {
  const accumulator = new PatternAccumulator(OPTIONS.slaMs);
  for (const entry of list) accumulator.add(entry);
  return accumulator.patterns(OPTIONS);
}

/** list[0, at) by a first accumulator, list[at, …) by a mergeable one, merged through a clone. */
function merged(list: readonly DetectionEntry[], at: number) {
  const first = new PatternAccumulator(OPTIONS.slaMs);
  const second = new PatternAccumulator(OPTIONS.slaMs, true);
  list.forEach((entry, i) => (i < at ? first : second).add(entry));
  const { kinds, seqOffset } = mergeAccumulator(first, structuredClone(accumulatorState(second)), 'a');
  for (const [kind, lists] of structuredClone(succeededState(second, kinds)))
    addSucceeded(first, kind, lists, seqOffset);
  return first.patterns(OPTIONS);
}

describe('mergeAccumulator', () => {
  it('gives the single pass, split at every entry', () => {
    // 500 entries: more than 200 failure messages, the most a group parses for durations.
    for (const [seed, step] of [
      [1, 1],
      [2, 3],
      [3, 3],
    ] as const) {
      const list = entries(500, seed);
      const expected = onePass(list);
      expect(new Set(expected.map((p) => p.patternType))).toEqual(
        new Set(['failure', 'success', 'quality', 'performance', 'behavior']),
      );
      for (let at = 0; at <= list.length; at += step)
        expect(merged(list, at), `seed ${seed}, split at ${at}`).toEqual(expected);
    }
  });

  it('counts the kinds of a failure group the second part had no room for', () => {
    // The first part meets kinds `a` and `b`; the second meets 60 others (z59x first), then `b`
    // 30 times: the group has room for 48 of the 60, and counts every `b`.
    const failure = (operationId: string, minute: number): DetectionEntry => ({
      agentId: 'a',
      type: 'failure',
      operationId,
      score: 0,
      timestamp: `2026-11-30T09:${String(minute).padStart(2, '0')}:00.000Z`,
      errorType: 'disk',
      message: 'disk full',
    });
    const list = [
      ...[1, 2, 3].map((i) => failure(`a-${i}`, 1)),
      failure('b-1', 2),
      ...Array.from({ length: 60 }, (_, i) => failure(`z${59 - i}x-1`, 3)),
      ...Array.from({ length: 30 }, (_, i) => failure(`b-${i + 2}`, 4)),
    ];
    const kinds = (found: ReturnType<typeof onePass>) =>
      found.find((p) => p.signature === 'disk: disk full')!.extra!.operationKinds;
    expect(kinds(onePass(list))).toEqual(['b', 'a', 'z12x', 'z13x', 'z14x']);
    expect(kinds(merged(list, 4))).toEqual(kinds(onePass(list)));
  });
});
