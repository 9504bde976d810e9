import { describe, expect, it } from 'vitest';
import { searchValue } from '../../../src/core/optimize/execute.js';

/** Runs the search against tests that pass when `passes(value)`, recording what was tried. */
async function searchWith(
  spec: { from: number; start: number; bound: number; step?: number },
  passes: (value: number) => boolean,
  budget = 6,
  options: { startFails?: boolean } = {},
) {
  const tried: number[] = [];
  const discarded: number[] = [];
  const best = await searchValue(
    spec,
    budget,
    (value) => {
      tried.push(value);
      return Promise.resolve(passes(value) ? { value } : ('failing' as const));
    },
    (trial) => discarded.push(trial.value),
    options,
  );
  return { best: best?.candidate ?? null, tried, discarded };
}

/** Runs the search against "the tests pass from `threshold` up", recording what was tried. */
function search(
  spec: { from: number; start: number; bound: number; step?: number },
  threshold: number,
  budget = 6,
  options: { startFails?: boolean } = {},
) {
  return searchWith(spec, (value) => value >= threshold, budget, options);
}

describe('searchValue', () => {
  it('keeps the start when it passes: the evidence pointed right', async () => {
    expect(await search({ from: 100, start: 475, bound: 10_000 }, 400)).toEqual({
      best: 475,
      tried: [475],
      discarded: [],
    });
  });

  it('steps out geometrically toward the bound, then bisects back to the smallest passing value', async () => {
    const { best, tried, discarded } = await search({ from: 100, start: 125, bound: 10_000 }, 400);
    expect(tried).toEqual([125, 250, 500, 375, 438, 407]);
    expect(best).toBe(407);
    // Each passing trial that a smaller one replaced is given back.
    expect(discarded).toEqual([500, 438]);
  });

  it('stops at the bound; nothing passing above the start, it looks below it, for the largest value that passes', async () => {
    expect((await search({ from: 1000, start: 2000, bound: 5000 }, 4600)).tried).toEqual([
      2000, 4000, 5000, 4500, 4750, 4625,
    ]);
    // A limit above which the agent breaks (a gateway that cuts requests at 3 s): the evidence
    // pointed at 3250, everything above fails, the search comes back under it.
    const capped = await searchWith({ from: 2000, start: 3250, bound: 10_000 }, (v) => v <= 3000);
    expect(capped.tried).toEqual([3250, 6500, 10_000, 2625, 2938, 3094]);
    expect(capped.best).toBe(2938);
    expect(capped.discarded).toEqual([2625]);
    // Nothing passes anywhere: null, within the budget.
    expect(await search({ from: 1000, start: 2000, bound: 5000 }, 6000)).toMatchObject({
      best: null,
      tried: [2000, 4000, 5000, 1500, 1250, 1125],
    });
  });

  it('never runs more tests than its budget, keeping two of them for the way below the start', async () => {
    const { tried } = await search({ from: 100, start: 125, bound: 100_000 }, 90_000, 4);
    expect(tried).toEqual([125, 250, 113, 107]);
  });

  it('lowering: a failing start bisects back toward the current value, which passes', async () => {
    const { best, tried } = await search({ from: 2048, start: 1024, bound: 256, step: 256 }, 1500);
    // Values stay on the step (256): 1280 fails, and nothing lies between it and 1536.
    expect(tried).toEqual([1024, 1536, 1280]);
    expect(best).toBe(1536);
  });

  it('after a failed batch, begins one step past the start', async () => {
    expect(
      (await search({ from: 2000, start: 4000, bound: 5000 }, 4500, 5, { startFails: true })).tried,
    ).toEqual([5000, 4500, 4250, 4375, 4438]);
  });

  it('stops at once when a value cannot even be applied', async () => {
    const best = await searchValue(
      { from: 1, start: 2, bound: 10 },
      6,
      () => Promise.resolve('stop' as const),
      () => undefined,
    );
    expect(best).toBeNull();
  });
});
