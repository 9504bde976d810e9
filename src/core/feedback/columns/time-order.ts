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

function mergeRuns(times: Float64Array): Int32Array | undefined {
  const rows = times.length;
  let order = new Int32Array(rows);
  const starts: number[] = [];
  for (let start = 0; start < rows;) {
    if (starts.push(start) > MAX_RUNS) return undefined;
    let end = start + 1;
    // Strictly decreasing only: turning a run with ties would reverse their row order.
    if (end < rows && times[end]! < times[start]!) {
      while (end < rows && times[end]! < times[end - 1]!) end++;
      for (let k = 0; k < end - start; k++) order[start + k] = end - 1 - k;
    } else {
      while (end < rows && times[end]! >= times[end - 1]!) end++;
      for (let k = start; k < end; k++) order[k] = k;
    }
    start = end;
  }
  starts.push(rows);
  let spare = new Int32Array(rows);
  let bounds = starts;
  while (bounds.length > 2) {
    const next: number[] = [];
    for (let b = 0; b + 1 < bounds.length; b += 2) {
      const [lo, mid] = [bounds[b]!, bounds[b + 1]!];
      const hi = bounds[b + 2] ?? mid;
      next.push(lo);
      let [i, j, out] = [lo, mid, lo];
      // Ties take the left run first: rows of the same instant stay in row order.
      while (i < mid && j < hi)
        spare[out++] = times[order[j]!]! < times[order[i]!]! ? order[j++]! : order[i++]!;
      while (i < mid) spare[out++] = order[i++]!;
      while (j < hi) spare[out++] = order[j++]!;
    }
    next.push(rows);
    [order, spare] = [spare, order];
    bounds = next;
  }
  return order;
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
