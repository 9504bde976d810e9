/**
 * Finds the largest set of actions that passes together, when the whole batch failed: split the
 * suspects in halves, keep what passes on top of what is already known good, recurse into what
 * fails. With one breaking action among n this costs about 2·log2(n) test runs instead of n.
 *
 * Invariant: the returned set `good` has been tested together with `base` and passed, or is empty
 * (then `base` alone is the caller's known-good state). So the final set is always validated as a
 * whole, not just its halves.
 */
export async function findPassingSet<T>(
  suspects: readonly T[],
  passes: (set: readonly T[]) => Promise<boolean>,
  base: readonly T[] = [],
  options: { knownFailing?: boolean } = {},
): Promise<T[]> {
  if (suspects.length === 0) return [];
  if (!options.knownFailing && (await passes([...base, ...suspects]))) return [...suspects];
  if (suspects.length === 1) return [];
  const middle = Math.ceil(suspects.length / 2);
  const goodFirst = await findPassingSet(suspects.slice(0, middle), passes, base);
  const goodSecond = await findPassingSet(suspects.slice(middle), passes, [...base, ...goodFirst]);
  return [...goodFirst, ...goodSecond];
}
