import type { LineCursor } from '../store/feedback-log.js';

/**
 * Reads one top-level string field (`timestamp`, `agentId`) of each line of a log chunk straight
 * from the text. Without escapes every key and string is literal, so the text can be read as is;
 * the answer is undefined, and the line left to JSON.parse, whenever the text cannot decide: a
 * backslash in the line, a brace or bracket before the key (it could be a nested object's), the
 * key twice (JSON.parse keeps the last), a space after the colon, a line not starting with `{`. The searches that scan a whole line (for a backslash, for a second key)
 * are made once across the chunk instead, each from where the last one stopped: over a million
 * lines they cost more than the rest of the check.
 */
export class FieldPeek {
  private readonly name: string;
  private chunk = '';
  private chunkId = -1;
  private segment = -1;
  /** The next backslash and the next occurrence of the key's name, at or after the last line's start. */
  private backslash = -1;
  private key = -1;

  /** `name` is the field's name, as in `agentId`. */
  constructor(name: string) {
    this.name = `"${name}"`;
  }

  of(cursor: LineCursor): string | undefined {
    const { chunk } = cursor;
    if (cursor.chunkOffset !== this.chunkId || cursor.segment !== this.segment) {
      this.chunk = chunk;
      this.chunkId = cursor.chunkOffset;
      this.segment = cursor.segment;
      this.backslash = chunk.indexOf('\\');
      this.key = chunk.indexOf(this.name);
    }
    // The line is chunk[start, end): scanSegment cut it there.
    const end = cursor.chunkEnd - 1;
    const start = end - cursor.text.length;
    if (chunk.charCodeAt(start) !== 0x7b) return undefined;
    if (this.backslash !== -1 && this.backslash < start) this.backslash = chunk.indexOf('\\', start);
    if (this.backslash !== -1 && this.backslash < end) return undefined;
    if (this.key !== -1 && this.key < start) this.key = chunk.indexOf(this.name, start);
    const key = this.key;
    if (key === -1 || key >= end) return undefined;
    const value = key + this.name.length + 2;
    if (chunk.charCodeAt(value - 2) !== 0x3a || chunk.charCodeAt(value - 1) !== 0x22) return undefined;
    // A brace or bracket before the key could mean it belongs to a nested object.
    for (let i = start + 1; i < key; i++) {
      const c = chunk.charCodeAt(i);
      if (c === 0x7b || c === 0x5b) return undefined;
    }
    const close = chunk.indexOf('"', value);
    if (close === -1 || close >= end) return undefined;
    this.key = chunk.indexOf(this.name, close);
    // JSON.parse keeps the last of duplicate keys: a second one means the text cannot decide.
    if (this.key !== -1 && this.key < end) return undefined;
    return chunk.slice(value, close);
  }
}
