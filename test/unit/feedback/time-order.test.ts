import { describe, expect, it } from 'vitest';
import { timeOrder } from '../../../src/core/feedback/columns/time-order.js';

/** The reference: a stable sort of the rows by time. */
const stableOrder = (times: number[]) =>
  times.map((_, r) => r).sort((a, b) => times[a]! - times[b]! || a - b);

/** A deterministic pseudo-random sequence (no flaky inputs). */
function random(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

describe('timeOrder', () => {
  const next = random(7);
  const base = Date.parse('2026-11-20T12:00:00.000Z');
  const runs = (count: number, length: number, ties: boolean) =>
    Array.from({ length: count }, (_, run) => {
      const times = Array.from({ length }, () => base + Math.floor(next() * (ties ? 5 : 1e9)));
      return run % 2 === 0 ? times.sort((a, b) => a - b) : times.sort((a, b) => b - a);
    }).flat();
  const cases: Array<[string, number[]]> = [
    ['segments newest-first and oldest-first, no ties', runs(4, 500, false)],
    ['runs with many ties (equal instants keep row order)', runs(5, 300, true)],
    ['more runs than are worth merging', runs(200, 5, true)],
    ['random order', Array.from({ length: 2000 }, () => base + Math.floor(next() * 1e6))],
    ['a span too wide to pack with the row', [8e15, -8e15, 0, 8e15, 1, -8e15, 0.5, 0.25]],
    ['one row', [base]],
  ];
  it.each(cases)('orders %s as a stable sort does', (_, times) => {
    expect(Array.from(timeOrder(Float64Array.from(times)))).toEqual(stableOrder(times));
  });
});
