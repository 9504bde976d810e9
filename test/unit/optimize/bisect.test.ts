import { describe, expect, it } from 'vitest';
import { findPassingSet } from '../../../src/core/optimize/bisect.js';

/** A test suite that fails when any of `breaking` is in the set, counting its runs. */
function suite(breaking: number[], conflicts: Array<[number, number]> = []) {
  const runs: number[][] = [];
  const passes = (set: readonly number[]) => {
    runs.push([...set]);
    const bad =
      set.some((n) => breaking.includes(n)) || conflicts.some(([a, b]) => set.includes(a) && set.includes(b));
    return Promise.resolve(!bad);
  };
  return { passes, runs };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('findPassingSet', () => {
  it('keeps everything when the batch passes', async () => {
    const { passes, runs } = suite([]);
    expect(await findPassingSet(range(5), passes)).toEqual(range(5));
    expect(runs).toHaveLength(1);
  });

  it('finds one breaking action among eight in about 2·log2(n) runs', async () => {
    const { passes, runs } = suite([6]);
    expect(await findPassingSet(range(8), passes, [], { knownFailing: true })).toEqual([1, 2, 3, 4, 5, 7, 8]);
    expect(runs.length).toBeLessThanOrEqual(6);
  });

  it('drops several breaking actions and keeps the rest', async () => {
    const { passes } = suite([1, 4, 7]);
    expect(await findPassingSet(range(8), passes)).toEqual([2, 3, 5, 6, 8]);
  });

  it('keeps nothing when every action breaks', async () => {
    const { passes } = suite(range(4));
    expect(await findPassingSet(range(4), passes)).toEqual([]);
  });

  it('handles two actions that only break together: one is kept', async () => {
    const { passes, runs } = suite([], [[2, 5]]);
    const kept = await findPassingSet(range(6), passes);
    expect(kept).toHaveLength(5);
    expect(kept.includes(2) && kept.includes(5)).toBe(false);
    // The final set was tested as a whole, not only its halves.
    expect(runs.some((run) => run.length === kept.length && kept.every((n) => run.includes(n)))).toBe(true);
  });

  it('every kept set is validated together with what was kept before it', async () => {
    const { passes, runs } = suite([3]);
    const kept = await findPassingSet(range(4), passes, [], { knownFailing: true });
    expect(kept).toEqual([1, 2, 4]);
    expect(runs.at(-1)).toEqual([1, 2, 4]);
  });
});
