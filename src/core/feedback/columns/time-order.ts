/**
 * The row numbers ordered by time, ties in row order (a stable sort). When the time span and the
 * row count fit in a double's 53 bits together, each row is one number — its time past the
 * earliest, shifted, plus its row — and the numbers are sorted natively, with no comparison
 * function: over a window of a million entries that is several times faster.
 */
export function timeOrder(times: Float64Array): ArrayLike<number> {
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
