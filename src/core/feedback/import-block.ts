import { EntryBytes } from './entry-bytes.js';
import { entryLine } from './entry-line.js';
import { jsonLine, newLineRecords, recordsOf, type InvalidLine, type LineMapper } from './import.js';
import type { FeedbackEntry } from './types.js';
import { SOURCE_INDEX, TYPE_INDEX } from './hour-sums.js';

/** A run of whole lines of an import, as read: bytes without the last line's break. */
export interface ImportBlock {
  bytes: Uint8Array;
  /** The number of the block's first line in the input (from 1). */
  firstLine: number;
  /** The input's first block: a byte order mark before its first line is dropped. */
  first: boolean;
  /** On the first block of a regular file: the file's size (a big one starts the workers at once). */
  inputBytes?: number;
  /** `bytes.buffer` holds nothing else: it may move to another thread whole, without a copy. */
  ownsBuffer?: boolean;
}

/**
 * What the entries of a block add to the aggregates, as columns (one slot per entry, strings through
 * per-block tables): typed arrays pass between threads without a copy per entry, and the main
 * thread folds them in input order — the very sums a fold of the log gives, to the last bit.
 */
export interface TallyColumns {
  agents: string[];
  agent: Uint32Array;
  type: Uint8Array;
  source: Uint8Array;
  score: Float64Array;
  /** NaN: none. */
  rating: Float64Array;
  durationMs: Float64Array;
  /** Index in `errorTypes`, -1: none. */
  errorType: Int32Array;
  errorTypes: string[];
  /** Each entry's metrics: `metricCount[i]` pairs, in order, from `metricName`/`metricValue`. */
  metricCount: Uint16Array;
  metricNames: string[];
  metricName: Uint32Array;
  metricValue: Float64Array;
  /**
   * The entries' times (ms since the epoch). Validated timestamps are canonical, so a time gives
   * back its text, and orders as the text does: the main thread makes no string per entry.
   */
  time: Float64Array;
}

export interface BlockResult {
  /** Lines in the block, blank ones included (for line numbers and progress). */
  lines: number;
  /** The accepted entries' log lines, each with its line break. */
  bytes: Uint8Array;
  /** Entries in `bytes`, and where each one's line ends. */
  count: number;
  ends: Uint32Array;
  /** Ids the input gave (they may be duplicates), with the index of their entry. */
  givenIds: string[];
  givenAt: Uint32Array;
  /** The first invalid lines (at most `MAX_LISTED`), and how many there were. */
  invalid: InvalidLine[];
  invalidCount: number;
  tally: TallyColumns;
}

export const MAX_LISTED = 100;

/**
 * Validates a block's lines and builds the log lines of its entries (a line is taken whole or not
 * at all). Pure: the main thread runs it for small imports and other formats, the import workers
 * for big JSON Lines files; both give the same bytes.
 */
export function processBlock(block: ImportBlock, now: Date, mapLine: LineMapper): BlockResult {
  const lines = blockLines(block);
  const out = entryBytes;
  out.clear();
  const tally = new TallyBuilder(lines.length);
  const ends: number[] = [];
  const givenIds: string[] = [];
  const givenAt: number[] = [];
  const invalid: InvalidLine[] = [];
  let invalidCount = 0;
  const records = newLineRecords();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.length === 0 || (line.charCodeAt(0) !== 0x7b && line.trim() === '')) continue;
    try {
      recordsOf(line, now, mapLine, records);
    } catch (error) {
      invalidCount++;
      if (invalid.length < MAX_LISTED)
        invalid.push({ line: block.firstLine + i, message: (error as Error).message });
      continue;
    }
    for (let k = 0; k < records.count; k++) {
      const entry = records.entries[k]!;
      if (records.given[k]) {
        givenIds.push(entry.id);
        givenAt.push(ends.length);
      }
      out.add(entry, records.lines[k]);
      ends.push(out.length);
      tally.add(entry, records.times[k]!);
    }
  }
  return {
    lines: lines.length,
    bytes: out.take(),
    count: ends.length,
    ends: Uint32Array.from(ends),
    givenIds,
    givenAt: Uint32Array.from(givenAt),
    invalid,
    invalidCount,
    tally: tally.columns(),
  };
}

/**
 * Decoded a piece at a time, cut at line breaks: a string over 128 KiB is a large object V8 puts
 * in pages of its own, new ones for every block — a megabyte decoded at once cost 250 page faults
 * and the cache misses of fresh memory (a quarter of the time of decoding and parsing the block).
 */
const PIECE_BYTES = 64 * 1024;

/** A block's lines, without their line breaks (a trailing CR and a leading byte order mark dropped). */
export function blockLines(block: ImportBlock): string[] {
  const bytes = Buffer.from(block.bytes.buffer, block.bytes.byteOffset, block.bytes.byteLength);
  const lines: string[] = [];
  for (let start = 0; ;) {
    let end = bytes.length;
    if (end - start > PIECE_BYTES) {
      end = bytes.lastIndexOf(0x0a, start + PIECE_BYTES);
      // A line longer than a piece is decoded whole.
      if (end < start) end = bytes.indexOf(0x0a, start + PIECE_BYTES);
      if (end === -1) end = bytes.length;
    }
    for (const line of bytes.toString('utf8', start, end).split('\n')) {
      lines.push(line.charCodeAt(line.length - 1) === 0x0d ? line.slice(0, -1) : line);
    }
    if (end === bytes.length) break;
    start = end + 1;
  }
  // A byte order mark (editors on Windows write one) is not part of the first line.
  if (block.first && lines[0]!.charCodeAt(0) === 0xfeff) lines[0] = lines[0]!.slice(1);
  return lines;
}

export interface ParsedImport {
  entries: FeedbackEntry[];
  /** Each entry's log line, in the same order. */
  lines: string[];
  invalid: InvalidLine[];
}

/**
 * Parses text held in memory (small inputs, tests) into entries and invalid lines, JSON Lines by
 * default: the lines an import reads (blockLines), checked as it checks them.
 */
export function parseImport(text: string, now: Date, mapLine: LineMapper = jsonLine): ParsedImport {
  const parsed: ParsedImport = { entries: [], lines: [], invalid: [] };
  blockLines({ bytes: Buffer.from(text), firstLine: 1, first: true }).forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      const records = recordsOf(line, now, mapLine);
      parsed.entries.push(...records.entries.slice(0, records.count));
      for (let k = 0; k < records.count; k++)
        parsed.lines.push(records.lines[k] ?? entryLine(records.entries[k]!));
    } catch (error) {
      parsed.invalid.push({ line: index + 1, message: (error as Error).message });
    }
  });
  return parsed;
}

/** The typed arrays of a result, to hand over to another thread without copying them. */
export function transferables(result: BlockResult): ArrayBuffer[] {
  const { tally } = result;
  const arrays = [
    result.bytes,
    result.ends,
    result.givenAt,
    tally.agent,
    tally.type,
    tally.source,
    tally.score,
    tally.rating,
    tally.durationMs,
    tally.errorType,
    tally.metricCount,
    tally.metricName,
    tally.metricValue,
    tally.time,
  ];
  return [...new Set(arrays.map((array) => array.buffer as ArrayBuffer))];
}

/** This thread's buffer for a block's log lines: grown when needed, then kept. */
const entryBytes = new EntryBytes();

/** Columns filled in place (sized for one entry per line, grown for formats that give more). */
class TallyBuilder {
  private count = 0;
  private readonly agents = new Table();
  private readonly errorTypes = new Table();
  private readonly metricNames = new Table();
  private agent: Uint32Array;
  private type: Uint8Array;
  private source: Uint8Array;
  private score: Float64Array;
  private rating: Float64Array;
  private durationMs: Float64Array;
  private errorType: Int32Array;
  private metricCount: Uint16Array;
  private time: Float64Array;
  private readonly metricName: number[] = [];
  private readonly metricValue: number[] = [];

  constructor(capacity: number) {
    this.agent = new Uint32Array(capacity);
    this.type = new Uint8Array(capacity);
    this.source = new Uint8Array(capacity);
    this.score = new Float64Array(capacity);
    this.rating = new Float64Array(capacity);
    this.durationMs = new Float64Array(capacity);
    this.errorType = new Int32Array(capacity);
    this.metricCount = new Uint16Array(capacity);
    this.time = new Float64Array(capacity);
  }

  add(
    entry: {
      agentId: string;
      type: string;
      source: string;
      score: number;
      rating?: number | undefined;
      durationMs?: number | undefined;
      errorType?: string | undefined;
      metrics?: Record<string, number> | undefined;
    },
    time: number,
  ): void {
    if (this.count === this.agent.length) this.grow();
    const i = this.count++;
    this.agent[i] = this.agents.of(entry.agentId);
    this.type[i] = TYPE_INDEX.get(entry.type)!;
    this.source[i] = SOURCE_INDEX.get(entry.source)!;
    this.score[i] = entry.score;
    this.rating[i] = entry.rating ?? NaN;
    this.durationMs[i] = entry.durationMs ?? NaN;
    this.errorType[i] = entry.errorType === undefined ? -1 : this.errorTypes.of(entry.errorType);
    let metrics = 0;
    if (entry.metrics !== undefined)
      for (const name of Object.keys(entry.metrics)) {
        this.metricName.push(this.metricNames.of(name));
        this.metricValue.push(entry.metrics[name]!);
        metrics++;
      }
    this.metricCount[i] = metrics;
    this.time[i] = time;
  }

  columns(): TallyColumns {
    const n = this.count;
    return {
      agents: this.agents.list,
      agent: this.agent.subarray(0, n),
      type: this.type.subarray(0, n),
      source: this.source.subarray(0, n),
      score: this.score.subarray(0, n),
      rating: this.rating.subarray(0, n),
      durationMs: this.durationMs.subarray(0, n),
      errorType: this.errorType.subarray(0, n),
      errorTypes: this.errorTypes.list,
      metricCount: this.metricCount.subarray(0, n),
      metricNames: this.metricNames.list,
      metricName: Uint32Array.from(this.metricName),
      metricValue: Float64Array.from(this.metricValue),
      time: this.time.subarray(0, n),
    };
  }

  private grow(): void {
    const size = Math.max(16, this.count * 2);
    this.agent = resized(this.agent, size);
    this.type = resized(this.type, size);
    this.source = resized(this.source, size);
    this.score = resized(this.score, size);
    this.rating = resized(this.rating, size);
    this.durationMs = resized(this.durationMs, size);
    this.errorType = resized(this.errorType, size);
    this.metricCount = resized(this.metricCount, size);
    this.time = resized(this.time, size);
  }
}

type Column = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array;

function resized<T extends Column>(from: T, size: number): T {
  const to = new (from.constructor as new (length: number) => T)(size);
  to.set(from);
  return to;
}

/** Strings by first-seen index. */
class Table {
  readonly list: string[] = [];
  private readonly index = new Map<string, number>();

  of(value: string): number {
    let i = this.index.get(value);
    if (i === undefined) {
      i = this.list.push(value) - 1;
      this.index.set(value, i);
    }
    return i;
  }
}
