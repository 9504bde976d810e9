import fs from 'node:fs';
import { currentTimes, readSegmentTimes, segmentTimesFile } from '../patterns/segment-times.js';
import type { Stores } from '../store/stores.js';
import { inTimeRange, type FeedbackFilter } from './filter.js';
import { agentOf, leadingTimestamp } from './log-fields.js';
import { readLines } from './segment-draft.js';
import type { FeedbackEntry } from './types.js';

export const EXPORT_FORMATS = ['jsonl', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The CSV columns, in order; metrics and details hold their JSON text. */
export const CSV_COLUMNS = [
  'id',
  'timestamp',
  'recordedAt',
  'agentId',
  'operationId',
  'type',
  'score',
  'rating',
  'source',
  'durationMs',
  'errorType',
  'message',
  'metrics',
  'details',
] as const;

const CHUNK_CHARS = 1024 * 1024;

export interface ExportCount {
  entries: number;
}

/**
 * The entries of the filter (agent, since, until), in the order they were stored, as text chunks
 * of about 1 MiB: memory stays bounded whatever the history. JSONL gives each stored line as it
 * is (every field, the id included), so importing the export again adds nothing. Segments whose
 * indexed time span lies outside the filter are not opened; agent and time are read from a
 * line's text, so only CSV parses lines.
 */
export function* exportFeedback(
  stores: Stores,
  filter: Pick<FeedbackFilter, 'agentId' | 'since' | 'until'>,
  format: ExportFormat,
  count: ExportCount = { entries: 0 },
): Generator<string | Buffer> {
  const everything = filter.agentId === undefined && filter.since === undefined && filter.until === undefined;
  if (format === 'jsonl' && everything) {
    for (const segment of stores.log.segments()) yield* segmentBytes(stores.log.segmentPath(segment), count);
    return;
  }
  const stored = readSegmentTimes(segmentTimesFile(stores.log));
  const timed = filter.since !== undefined || filter.until !== undefined;
  let out: string[] = format === 'csv' ? [`${CSV_COLUMNS.join(',')}\r\n`] : [];
  let size = 0;
  for (const segment of stores.log.segments()) {
    const file = stores.log.segmentPath(segment);
    const known = timed ? currentTimes(stored.get(segment), fs.statSync(file)) : undefined;
    if (known && (known.first === null || !inRange(filter, known.first, known.last!))) continue;
    for (const line of readLines(file)) {
      if (line.trim() === '') continue;
      if (filter.agentId !== undefined && agentOf(line) !== filter.agentId) continue;
      if (timed && !inTimeRange(filter, leadingTimestamp(line) ?? timestampOf(line))) continue;
      const text = format === 'csv' ? csvRow(JSON.parse(line) as FeedbackEntry) : `${line}\n`;
      out.push(text);
      size += text.length;
      count.entries++;
      if (size >= CHUNK_CHARS) {
        yield out.join('');
        out = [];
        size = 0;
      }
    }
  }
  if (out.length > 0) yield out.join('');
}

/**
 * A segment's record lines as they are stored, in chunks of bytes (the header line skipped): an
 * export of everything needs neither decoding nor parsing. A chunk where some line does not start
 * with `{` (a blank line) goes through the line-by-line path instead, which drops blank lines;
 * an unfinished last line (a write in progress) is left out, as readLines does.
 */
function* segmentBytes(file: string, count: ExportCount): Generator<string | Buffer> {
  const fd = fs.openSync(file, 'r');
  try {
    let carry = Buffer.alloc(0);
    let header = true;
    for (;;) {
      // A new buffer each time: the caller may still hold the last one (a pending stdout write).
      const buffer = Buffer.allocUnsafe(CHUNK_CHARS);
      const read = fs.readSync(fd, buffer, 0, buffer.length, null);
      if (read === 0) break;
      const bytes =
        carry.length > 0 ? Buffer.concat([carry, buffer.subarray(0, read)]) : buffer.subarray(0, read);
      let start = 0;
      if (header) {
        start = bytes.indexOf(0x0a) + 1;
        if (start === 0) {
          carry = Buffer.from(bytes);
          continue;
        }
        header = false;
      }
      const end = Math.max(start, bytes.lastIndexOf(0x0a) + 1);
      const lines = recordLinesIn(bytes, start, end);
      if (lines >= 0) {
        count.entries += lines;
        if (end > start) yield bytes.subarray(start, end);
      } else yield linesOf(bytes.toString('utf8', start, end), count);
      carry = Buffer.from(bytes.subarray(end));
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** How many lines `bytes` holds from `start` to `end` (each ends with a newline); -1 if one does not start with `{`. */
function recordLinesIn(bytes: Buffer, start: number, end: number): number {
  let lines = 0;
  for (let at = start; at < end; at = bytes.indexOf(0x0a, at) + 1) {
    if (bytes[at] !== 0x7b) return -1;
    lines++;
  }
  return lines;
}

/** Whole lines of text, blank ones dropped, each with its newline. */
function linesOf(text: string, count: ExportCount): string {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    out.push(`${line}\n`);
    count.entries++;
  }
  return out.join('');
}

function inRange(filter: Pick<FeedbackFilter, 'since' | 'until'>, first: string, last: string): boolean {
  return (
    (filter.since === undefined || last >= filter.since) &&
    (filter.until === undefined || first <= filter.until)
  );
}

function timestampOf(line: string): string {
  return (JSON.parse(line) as FeedbackEntry).timestamp;
}

/** One entry as an RFC 4180 row (CRLF-terminated). */
export function csvRow(entry: FeedbackEntry): string {
  const cells = CSV_COLUMNS.map((column) => {
    const value = entry[column];
    if (value === undefined) return '';
    return csvCell(typeof value === 'object' ? JSON.stringify(value) : String(value));
  });
  return `${cells.join(',')}\r\n`;
}

/** Quoted when it holds a comma, a quote or a line break; quotes inside are doubled. */
export function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
