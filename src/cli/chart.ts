const BARS = '▁▂▃▄▅▆▇█';

/**
 * A one-line chart scaled to its own lowest and highest value: a fall from 74 to 58 uses the whole
 * height (a 0–100 scale would draw it as `▆▆▆▅▅`). All equal: a flat middle line.
 */
export function sparkline(values: readonly number[]): string {
  const low = Math.min(...values);
  const span = Math.max(...values) - low;
  return values
    .map((value) => {
      const level = span === 0 ? 3 : Math.round(((value - low) / span) * (BARS.length - 1));
      return BARS[level];
    })
    .join('');
}

export interface PlotOptions {
  /** Lines of the chart area. */
  height?: number;
  /** Columns the whole chart may take (labels included); null: no limit. */
  width?: number | null;
  /** A horizontal reference line, e.g. the pre-push gate's minimum health. */
  line?: { value: number; label: string };
}

/**
 * A multi-line line chart of `values` (oldest first) with the y axis labelled; the last values that
 * fit the width are drawn, one column each. Box-drawing characters join consecutive points, as
 * asciichart draws them.
 */
export function plot(values: readonly number[], options: PlotOptions = {}): string[] {
  const height = options.height ?? 10;
  const reference = options.line;
  const all = reference ? [...values, reference.value] : [...values];
  let low = Math.floor(Math.min(...all));
  let high = Math.ceil(Math.max(...all));
  if (high - low < height - 1) {
    // A nearly flat series still gets a readable axis: whole points per line at least.
    const pad = height - 1 - (high - low);
    low -= Math.floor(pad / 2);
    high += Math.ceil(pad / 2);
  }
  const labelWidth = Math.max(String(low).length, String(high).length);
  const note = reference ? ` ${reference.label}` : '';
  const room = options.width == null ? values.length : options.width - labelWidth - 2 - note.length;
  const shown = values.slice(-Math.max(2, room));
  const lineOf = (value: number) => height - 1 - Math.round(((value - low) / (high - low)) * (height - 1));
  const grid = Array.from({ length: height }, () => Array<string>(shown.length).fill(' '));
  grid[lineOf(shown[0]!)]![0] = '─';
  for (let x = 1; x < shown.length; x++) {
    const from = lineOf(shown[x - 1]!);
    const to = lineOf(shown[x]!);
    if (from === to) {
      grid[to]![x] = '─';
      continue;
    }
    const [top, bottom] = from < to ? [from, to] : [to, from];
    for (let y = top + 1; y < bottom; y++) grid[y]![x] = '│';
    // Falling (to is lower on screen): ╮ then ╰; rising: ╯ then ╭.
    grid[from]![x] = from < to ? '╮' : '╯';
    grid[to]![x] = from < to ? '╰' : '╭';
  }
  const referenceLine = reference ? lineOf(reference.value) : -1;
  return grid.map((cells, y) => {
    const value = high - (y * (high - low)) / (height - 1);
    const label = String(Math.round(value)).padStart(labelWidth);
    const row =
      y === referenceLine ? cells.map((c) => (c === ' ' ? '┈' : c)).join('') + note : cells.join('');
    return `${label} ┤${row}`.trimEnd();
  });
}
