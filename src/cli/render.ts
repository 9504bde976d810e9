import { cut, terminal, type Terminal } from './terminal.js';
import { visible } from '../core/index.js';

export { describeEntry } from './describe-entry.js';

export interface TableOptions {
  /** Columns (by heading) never cut: ids a user copies into the next command. */
  keep?: readonly string[];
  /** Colour for the cells of a column (by heading), applied after fitting. */
  paint?: Readonly<Record<string, (cell: string) => string>>;
  /** Where the table goes (default: stdout now). */
  term?: Terminal;
}

const GAP = 2;
/** The narrowest a column is cut to: four characters and the `…`. */
const MIN_COLUMN = 5;

/**
 * An aligned table without borders, sized to the terminal: when the rows are wider than it, the
 * widest columns give way first and their cells end in `…`; piped or with --wide, nothing is cut.
 * No colour unless `paint` asks and the terminal shows colour (never with NO_COLOR or a pipe).
 */
export async function table(
  head: string[],
  rows: Array<Array<string | number | null>>,
  options: TableOptions = {},
): Promise<string> {
  const { default: Table } = await import('cli-table3');
  const term = options.term ?? terminal();
  // Made visible before painting: only kv1nt's own colours reach the terminal.
  const cells = rows.map((row) => row.map((cell) => cut(visible(cell === null ? '—' : String(cell)), null)));
  const widths = fitWidths(
    head.map((title, i) => Math.max(title.length, ...cells.map((row) => [...(row[i] ?? '')].length))),
    head.map((title) => (options.keep?.includes(title) ? Infinity : MIN_COLUMN)),
    term.width,
  );
  const t = new Table({
    head: head.map((title, i) => cut(title, widths[i]!)),
    colWidths: widths.map((width) => width + GAP),
    style: { head: [], border: [], compact: true, 'padding-left': 0, 'padding-right': GAP },
    chars: {
      top: '',
      'top-mid': '',
      'top-left': '',
      'top-right': '',
      bottom: '',
      'bottom-mid': '',
      'bottom-left': '',
      'bottom-right': '',
      left: '',
      'left-mid': '',
      mid: '',
      'mid-mid': '',
      right: '',
      'right-mid': '',
      middle: '',
    },
  });
  const painters = head.map((title) => (term.color ? options.paint?.[title] : undefined));
  for (const row of cells)
    t.push(
      row.map((cell, i) => {
        const shown = cut(cell, widths[i]!);
        return painters[i] ? painters[i](shown) : shown;
      }),
    );
  return t
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');
}

/**
 * Column widths that fit `budget` columns (gaps included): the widest column that may still give
 * way loses one column at a time, down to its minimum. Null budget: the natural widths.
 */
export function fitWidths(
  natural: readonly number[],
  minimum: readonly number[],
  budget: number | null,
): number[] {
  const widths = [...natural];
  if (budget === null) return widths;
  let total = widths.reduce((sum, width) => sum + width, 0) + GAP * (widths.length - 1);
  while (total > budget) {
    let widest = -1;
    for (const [i, width] of widths.entries())
      if (width > minimum[i]! && (widest === -1 || width > widths[widest]!)) widest = i;
    if (widest === -1) break; // every column at its minimum: the line is longer, but nothing is lost
    widths[widest]!--;
    total--;
  }
  return widths;
}

export function percent(value: number | null): string {
  return value === null ? '—' : `${(value * 100).toFixed(1)} %`;
}

export function bytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KiB`;
  return `${(size / 1024 / 1024).toFixed(1)} MiB`;
}
