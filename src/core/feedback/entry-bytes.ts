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
    this.room(ROOM);
    this.key(KEY_BYTES.id);
    this.text(entry.id);
    this.key(KEY_BYTES.agentId);
    this.text(entry.agentId);
    this.key(KEY_BYTES.operationId);
    this.text(entry.operationId);
    this.key(KEY_BYTES.type);
    this.text(entry.type);
    this.key(KEY_BYTES.score);
    this.number(entry.score);
    this.key(KEY_BYTES.source);
    this.text(entry.source);
    this.key(KEY_BYTES.timestamp);
    this.text(entry.timestamp);
    this.key(KEY_BYTES.recordedAt);
    this.text(entry.recordedAt);
    if (entry.rating !== undefined) {
      this.key(KEY_BYTES.rating);
      this.number(entry.rating);
    }
    // An entry with details came with its line (validation wrote it to measure it).
    if (entry.details !== undefined) throw new Error('An entry with details is added with its line.');
    if (entry.durationMs !== undefined) {
      this.key(KEY_BYTES.durationMs);
      this.number(entry.durationMs);
    }
    if (entry.metrics !== undefined) {
      this.key(KEY_BYTES.metrics);
      let first = true;
      for (const name of Object.keys(entry.metrics)) {
        if (!first) this.buffer[this.length++] = 0x2c; // ,
        first = false;
        this.text(name);
        this.buffer[this.length++] = 0x3a; // :
        this.number(entry.metrics[name]!);
      }
      this.buffer[this.length++] = 0x7d; // }
    }
    if (entry.errorType !== undefined) {
      this.key(KEY_BYTES.errorType);
      this.text(entry.errorType);
    }
    if (entry.message !== undefined) {
      this.key(KEY_BYTES.message);
      this.text(entry.message);
    }
    this.buffer[this.length++] = 0x7d; // }
    this.buffer[this.length++] = 0x0a;
  }

  /** Starts again empty (what was written and not taken is dropped). */
  clear(): void {
    this.length = 0;
  }

  /** The bytes written, in a buffer of their own (transferable, no bigger than needed); then empty. */
  take(): Uint8Array {
    const exact = new Uint8Array(new ArrayBuffer(this.length));
    exact.set(this.buffer.subarray(0, this.length));
    this.length = 0;
    return exact;
  }

  private room(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(this.length + bytes, this.buffer.length * 2));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  private key(bytes: Uint8Array): void {
    const { buffer } = this;
    let at = this.length;
    for (let i = 0; i < bytes.length; i++) buffer[at++] = bytes[i]!;
    this.length = at;
  }

  /**
   * A JSON string: copied as it is when it is printable ASCII without a quote or a backslash
   * (ids, names, timestamps, most text), else as JSON.stringify writes it, encoded.
   */
  private text(value: string): void {
    const { buffer } = this;
    const start = this.length;
    let at = start;
    buffer[at++] = 0x22;
    for (let i = 0; i < value.length; i++) {
      const code = value.charCodeAt(i);
      if (code < 0x20 || code > 0x7e || code === 0x22 || code === 0x5c) {
        this.length = start + buffer.write(JSON.stringify(value), start);
        return;
      }
      buffer[at++] = code;
    }
    buffer[at++] = 0x22;
    this.length = at;
  }

  /** A finite number as JSON writes it (`${n}`); small whole numbers digit by digit. */
  private number(value: number): void {
    if (value >= 0 && value < 100_000 && Math.floor(value) === value) {
      const { buffer } = this;
      let at = this.length;
      if (value >= 10_000) buffer[at++] = 0x30 + Math.floor(value / 10_000);
      if (value >= 1000) buffer[at++] = 0x30 + (Math.floor(value / 1000) % 10);
      if (value >= 100) buffer[at++] = 0x30 + (Math.floor(value / 100) % 10);
      if (value >= 10) buffer[at++] = 0x30 + (Math.floor(value / 10) % 10);
      buffer[at++] = 0x30 + (value % 10);
      this.length = at;
      return;
    }
    const text = `${value}`;
    const { buffer } = this;
    let at = this.length;
    for (let i = 0; i < text.length; i++) buffer[at++] = text.charCodeAt(i);
    this.length = at;
  }
}
