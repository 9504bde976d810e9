import type { FeedbackEntry } from './types.js';

/**
 * Room kept free for one entry's line: more than the longest line of an entry without `details`
 * can take (free text escaped at 6 bytes a character: operation id 256, error type 128, message
 * 4 096; 64 metrics; ids and timestamps ≈ 35 kB in all). A line with details comes as text.
 */
const ROOM = 64 * 1024;

const KEYS = {
  id: '{"id":',
  agentId: ',"agentId":',
  operationId: ',"operationId":',
  type: ',"type":',
  score: ',"score":',
  source: ',"source":',
  timestamp: ',"timestamp":',
  recordedAt: ',"recordedAt":',
  rating: ',"rating":',
  durationMs: ',"durationMs":',
  metrics: ',"metrics":{',
  errorType: ',"errorType":',
  message: ',"message":',
};
const KEY_BYTES = Object.fromEntries(
  Object.entries(KEYS).map(([name, text]) => [name, Uint8Array.from(Buffer.from(text, 'latin1'))]),
) as Record<keyof typeof KEYS, Uint8Array>;

/**
 * Entries' log lines written straight into one growing buffer as UTF-8, each with its line break:
 * byte for byte `entryLine(entry)` + `\n`, without making the line as a string first. An import
 * writes millions: the string cost a tree of pieces, a flat copy and an encoding pass per line,
 * and its garbage was half of what an import allocated.
 */
export class EntryBytes {
  private buffer = Buffer.allocUnsafeSlow(4 * 1024 * 1024);
  length = 0;

  /** Adds an entry's line; `line`: its text, when validation made it already (an entry with details). */
  add(entry: FeedbackEntry, line?: string): void {
    if (line !== undefined) {
      this.room(line.length * 3 + 1);
      this.length += this.buffer.write(line, this.length);
      this.buffer[this.length++] = 0x0a;
      return;
    }
    // An entry with details comes with its line (validation wrote it to measure it).
    if (entry.details !== undefined) throw new Error('An entry with details is added with its line.');
    this.room(ROOM);
    this.length = writeEntry(this.buffer, this.length, entry);
  }

  /** Starts again empty (what was written and not taken is dropped). */
  clear(): void {
    this.length = 0;
  }

  /** The bytes written, in a buffer of their own (transferable, no bigger than needed); then empty. */
  take(): Uint8Array {
    // Not zero-filled first: every byte is copied over.
    const exact = Buffer.allocUnsafeSlow(this.length);
    this.buffer.copy(exact, 0, 0, this.length);
    this.length = 0;
    return exact;
  }

  private room(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(this.length + bytes, this.buffer.length * 2));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }
}

/**
 * Writes an entry without details at `at`, returns where it ends. Functions of the buffer and an
 * offset, not methods: a field read and written per byte cost a quarter more.
 */
function writeEntry(buffer: Buffer, at: number, entry: FeedbackEntry): number {
  at = key(buffer, at, KEY_BYTES.id);
  at = text(buffer, at, entry.id);
  at = key(buffer, at, KEY_BYTES.agentId);
  at = text(buffer, at, entry.agentId);
  at = key(buffer, at, KEY_BYTES.operationId);
  at = text(buffer, at, entry.operationId);
  at = key(buffer, at, KEY_BYTES.type);
  at = text(buffer, at, entry.type);
  at = key(buffer, at, KEY_BYTES.score);
  at = number(buffer, at, entry.score);
  at = key(buffer, at, KEY_BYTES.source);
  at = text(buffer, at, entry.source);
  at = key(buffer, at, KEY_BYTES.timestamp);
  at = text(buffer, at, entry.timestamp);
  at = key(buffer, at, KEY_BYTES.recordedAt);
  at = text(buffer, at, entry.recordedAt);
  if (entry.rating !== undefined) {
    at = key(buffer, at, KEY_BYTES.rating);
    at = number(buffer, at, entry.rating);
  }
  if (entry.durationMs !== undefined) {
    at = key(buffer, at, KEY_BYTES.durationMs);
    at = number(buffer, at, entry.durationMs);
  }
  if (entry.metrics !== undefined) {
    at = key(buffer, at, KEY_BYTES.metrics);
    let first = true;
    for (const name of Object.keys(entry.metrics)) {
      if (!first) buffer[at++] = 0x2c; // ,
      first = false;
      at = text(buffer, at, name);
      buffer[at++] = 0x3a; // :
      at = number(buffer, at, entry.metrics[name]!);
    }
    buffer[at++] = 0x7d; // }
  }
  if (entry.errorType !== undefined) {
    at = key(buffer, at, KEY_BYTES.errorType);
    at = text(buffer, at, entry.errorType);
  }
  if (entry.message !== undefined) {
    at = key(buffer, at, KEY_BYTES.message);
    at = text(buffer, at, entry.message);
  }
  buffer[at++] = 0x7d; // }
  buffer[at++] = 0x0a;
  return at;
}

function key(buffer: Buffer, at: number, bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) buffer[at + i] = bytes[i]!;
  return at + bytes.length;
}

/**
 * A JSON string: copied as it is when it is printable ASCII without a quote or a backslash
 * (ids, names, timestamps, most text), else as JSON.stringify writes it, encoded.
 */
function text(buffer: Buffer, at: number, value: string): number {
  const start = at;
  buffer[at++] = 0x22;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code > 0x7e || code === 0x22 || code === 0x5c)
      return start + buffer.write(JSON.stringify(value), start);
    buffer[at++] = code;
  }
  buffer[at++] = 0x22;
  return at;
}

/** A finite number as JSON writes it (`${n}`); small whole numbers digit by digit. */
function number(buffer: Buffer, at: number, value: number): number {
  if (value >= 0 && value < 100_000 && Math.floor(value) === value) {
    if (value >= 10_000) buffer[at++] = 0x30 + Math.floor(value / 10_000);
    if (value >= 1000) buffer[at++] = 0x30 + (Math.floor(value / 1000) % 10);
    if (value >= 100) buffer[at++] = 0x30 + (Math.floor(value / 100) % 10);
    if (value >= 10) buffer[at++] = 0x30 + (Math.floor(value / 10) % 10);
    buffer[at++] = 0x30 + (value % 10);
    return at;
  }
  const digits = `${value}`;
  for (let i = 0; i < digits.length; i++) buffer[at++] = digits.charCodeAt(i);
  return at;
}
