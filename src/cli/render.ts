import type { FeedbackEntry } from '../core/index.js';

/** One line for a recorded entry. */
export function describeEntry(entry: FeedbackEntry): string {
  const parts = [`Recorded ${entry.type} for ${entry.agentId} / ${entry.operationId}`];
  if (entry.type === 'user_rating') parts.push(`rating ${entry.rating}`);
  else if (entry.type !== 'failure') parts.push(`score ${entry.score}`);
  if (entry.errorType) parts.push(`error ${entry.errorType}`);
  if (entry.durationMs !== undefined) parts.push(`${entry.durationMs} ms`);
  return `${parts.join(', ')} (${entry.id})`;
}

/** A plain aligned table: no colour, safe for pipes and NO_COLOR. */
export async function table(head: string[], rows: Array<Array<string | number | null>>): Promise<string> {
  const { default: Table } = await import('cli-table3');
  const t = new Table({
    head,
    style: { head: [], border: [], compact: true, 'padding-left': 0, 'padding-right': 2 },
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
  for (const row of rows) t.push(row.map((cell) => (cell === null ? '—' : String(cell))));
  return t
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');
}

export function percent(value: number | null): string {
  return value === null ? '—' : `${(value * 100).toFixed(1)} %`;
}

export function bytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KiB`;
  return `${(size / 1024 / 1024).toFixed(1)} MiB`;
}
