import { visible, type FeedbackEntry, type ImportResult } from '../core/index.js';
import { table } from './render.js';

/** `feedback import`'s summary: how many, which agents, which dates; the skipped lines on stderr. */
export async function renderImport(result: ImportResult): Promise<string> {
  const extras: string[] = [];
  if (result.duplicates > 0)
    extras.push(`${result.duplicates} duplicate${result.duplicates === 1 ? '' : 's'} skipped`);
  if (result.skipped > 0)
    extras.push(`${result.skipped} invalid line${result.skipped === 1 ? '' : 's'} skipped`);
  const lines = [
    `Imported ${result.imported} entr${result.imported === 1 ? 'y' : 'ies'}${extras.length > 0 ? ` (${extras.join(', ')})` : ''}.`,
  ];
  if (result.ignored && result.ignored.spans + result.ignored.evaluations > 0)
    lines.push(
      `Ignored ${result.ignored.spans} span(s) without gen_ai.operation.name and ${result.ignored.evaluations} evaluation(s) without a score from 0 to 1.`,
    );
  if (result.from !== null) lines.push(`Dates: ${result.from} → ${result.to}`);
  const agents = Object.entries(result.agents).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (agents.length > 0) lines.push('', await table(['agent', 'entries'], agents));
  if (result.skipped > 0) {
    const shown = result.invalidLines.map((s) => `  line ${s.line}: ${s.message}`);
    if (result.skipped > shown.length) shown.push(`  … and ${result.skipped - shown.length} more`);
    process.stderr.write(visible(`Skipped ${result.skipped} invalid line(s):\n${shown.join('\n')}\n`));
  }
  return lines.join('\n');
}

/** `feedback list` as a table; on a terminal the free-text columns are cut to fit its width. */
export async function renderEntries(entries: readonly FeedbackEntry[], columns?: number): Promise<string> {
  if (entries.length === 0) return 'No entries match.';
  const rows = entries.map((e) => [
    e.timestamp.replace('T', ' ').replace(/\.\d{3}Z$/, 'Z'),
    e.agentId,
    e.operationId,
    e.type,
    e.type === 'user_rating' ? `${e.rating}/5` : String(e.score),
    e.source,
    e.durationMs === undefined ? '' : `${e.durationMs} ms`,
    e.errorType ?? '',
  ]);
  const head = ['time', 'agent', 'operation', 'type', 'score', 'source', 'duration', 'error'];
  if (columns !== undefined) fitWidth(head, rows, columns);
  return table(head, rows);
}

/** Cuts the widest free-text cells (operation, then agent, then error) until a row fits `columns`. */
function fitWidth(head: string[], rows: string[][], columns: number): void {
  const widths = head.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  // cli-table3 pads every column by two spaces.
  let excess = widths.reduce((sum, w) => sum + w + 2, 0) - columns;
  for (const column of [2, 1, 7]) {
    if (excess <= 0) return;
    const keep = Math.max(head[column]!.length, 8, widths[column]! - excess);
    excess -= widths[column]! - keep;
    for (const row of rows)
      if (row[column]!.length > keep) row[column] = `${row[column]!.slice(0, keep - 1)}…`;
    widths[column] = keep;
  }
}
