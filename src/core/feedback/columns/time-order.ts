/** More runs than this: one sort of packed numbers beats merging them. */
const MAX_RUNS = 64;

/**
 * The row numbers ordered by time, ties in row order (a stable sort). A log is mostly in runs —
 * each segment in time order, or (an import of a newest-first export) in reverse — so the runs are
 * found, the reversed ones turned, and the runs merged, with no comparison function. Otherwise,
 * when the time span and the row count fit in a double's 53 bits together, each row becomes one
 * number (its time past the earliest, shifted, plus its row) and the numbers are sorted natively.
 */
export function timeOrder(times: Float64Array): ArrayLike<number> {
  return mergeRuns(times) ?? packedSort(times);
}

// The loops below are small functions of their own: a window is read once per process, so they
// run cold, and V8 optimizes a small function with one hot loop at once, where one big function
// of several hot loops ran mostly unoptimized (≈ 150 ms instead of ≈ 20 ms over 333 k rows).

function mergeRuns(times: Float64Array): Int32Array | undefined {
  const rows = times.length;
  let order = new Int32Array(rows);
  let bounds = runsOf(times, order);
  if (!bounds) return undefined;
  let spare = new Int32Array(rows);
  while (bounds.length > 2) {
    const next: number[] = [];
    for (let b = 0; b + 1 < bounds.length; b += 2) {
      const lo = bounds[b]!;
      const mid = bounds[b + 1]!;
      const hi = b + 2 < bounds.length ? bounds[b + 2]! : mid;
      next.push(lo);
      mergeTwo(times, order, spare, lo, mid, hi);
    }
    next.push(rows);
    const merged = spare;
    spare = order;
    order = merged;
    bounds = next;
  }
  return order;
}

/** Finds the runs, writing each one's rows into `order` oldest first; their starts, then `rows`. */
function runsOf(times: Float64Array, order: Int32Array): number[] | undefined {
  const rows = times.length;
  const starts: number[] = [];
  for (let start = 0; start < rows;) {
    if (starts.push(start) > MAX_RUNS) return undefined;
    // Strictly decreasing only: turning a run with ties would reverse their row order.
    start =
      start + 1 < rows && times[start + 1]! < times[start]!
        ? turnedRun(times, order, start)
        : ascendingRun(times, order, start);
  }
  starts.push(rows);
  return starts;
}

function turnedRun(times: Float64Array, order: Int32Array, start: number): number {
  const rows = times.length;
  let end = start + 1;
  while (end < rows && times[end]! < times[end - 1]!) end++;
  for (let k = 0; k < end - start; k++) order[start + k] = end - 1 - k;
  return end;
}

function ascendingRun(times: Float64Array, order: Int32Array, start: number): number {
  const rows = times.length;
  let end = start + 1;
  while (end < rows && times[end]! >= times[end - 1]!) end++;
  for (let k = start; k < end; k++) order[k] = k;
  return end;
}

/** Merges the runs `from[lo..mid)` and `from[mid..hi)` into `to[lo..hi)`. */
function mergeTwo(
  times: Float64Array,
  from: Int32Array,
  to: Int32Array,
  lo: number,
  mid: number,
  hi: number,
): void {
  let i = lo;
  let j = mid;
  let out = lo;
  // Ties take the left run first: rows of the same instant stay in row order.
  while (i < mid && j < hi) to[out++] = times[from[j]!]! < times[from[i]!]! ? from[j++]! : from[i++]!;
  while (i < mid) to[out++] = from[i++]!;
  while (j < hi) to[out++] = from[j++]!;
}

function packedSort(times: Float64Array): ArrayLike<number> {
  const rows = times.length;
  let min = Infinity;
  let max = -Infinity;
  for (let r = 0; r < rows; r++) {
    const t = times[r]!;
    if (t < min) min = t;
    if (t > max) max = t;
  }
  const rowSpan = 2 ** Math.ceil(Math.log2(rows + 1));
  if ((max - min + 1) * rowSpan > Number.MAX_SAFE_INTEGER || !Number.isInteger(max - min)) {
    const order = Array.from(times, (_, r) => r);
    return order.sort((a, b) => times[a]! - times[b]! || a - b);
  }
  const keys = new Float64Array(rows);
  for (let r = 0; r < rows; r++) keys[r] = (times[r]! - min) * rowSpan + r;
  keys.sort();
  const order = new Int32Array(rows);
  for (let n = 0; n < rows; n++) order[n] = keys[n]! % rowSpan;
  return order;
}
