import fs from 'node:fs';
import path from 'node:path';
import { atomicWriteFile } from '../../store/atomic-file.js';
import type { FeedbackLog } from '../../store/feedback-log.js';

/**
 * A column sidecar of one feedback log segment (`feedback/columns/000001.bin`): every entry of
 * the segment as columns, so that a reader of a big window (a plugin's `ctx.feedback`) builds
 * the entries without parsing the lines. Each value of an entry is in the column of its key and
 * kind: a string (through a table of the distinct strings), a number, or anything else as its
 * JSON text; an entry's shape lists its keys in the order JSON.parse gave them. Like the
 * segment-times index it is derived and disposable: it counts only while the segment has the
 * exact size, mtime and inode it was built from, and a missing or stale sidecar means the
 * segment is read as before.
 */
export const COLUMNS_FORMAT = 'kv1nt-feedback-columns';
const VERSION = 1;

/** `s` a string, `n` a number, `j` any other JSON value, kept as its text. */
export type SlotKind = 's' | 'n' | 'j';

export interface Slot {
  key: string;
  kind: SlotKind;
}

/** The distinct strings of a slot: string `i` is `text.slice(offsets[i], offsets[i + 1])`. */
export interface StringTable {
  /** How many strings. */
  readonly size: number;
  readonly text: string;
  readonly offsets: Uint32Array;
}

export interface SegmentKey {
  bytes: number;
  mtimeMs: number;
  ino: number;
}

export interface SegmentColumns extends SegmentKey {
  count: number;
  slots: Slot[];
  /** Each shape: its slots, in the entry's key order. */
  shapes: number[][];
  /** Per entry: its shape. */
  shape: Uint16Array;
  /** Per entry: its timestamp in ms since the epoch (every timestamp of a columned segment is canonical ISO UTC). */
  time: Float64Array;
  /** Per entry, of a slot: a table index (`s`, `j`) or the number (`n`); unused where the entry lacks the slot. */
  value(slot: number): Int32Array | Float64Array;
  /** Per slot of kind `s` or `j`. */
  tables: Array<StringTable | undefined>;
}

export interface Header extends SegmentKey {
  format: string;
  version: number;
  count: number;
  slots: Slot[];
  shapes: number[][];
  /** Per slot with a table: its string count, and the encoding and byte length of its text. */
  tables: Array<{ strings: number; encoding: 'latin1' | 'utf16le'; bytes: number } | null>;
}

export function columnsDir(log: FeedbackLog): string {
  return path.join(path.dirname(log.dir), 'columns');
}

export function columnsFile(log: FeedbackLog, segment: number): string {
  return path.join(columnsDir(log), `${String(segment).padStart(6, '0')}.bin`);
}

/** Removes every sidecar (the log changed outside kv1nt): the next analysis with a plugin builds them afresh. */
export function dropColumns(log: FeedbackLog): void {
  try {
    fs.rmSync(columnsDir(log), { recursive: true, force: true });
  } catch {
    // Derived data: a stale sidecar is still caught by its segment's size, mtime and inode.
  }
}

/** Whether a sidecar was built from the segment exactly as it is now. */
export function sameKey(key: SegmentKey, stat: Pick<fs.Stats, 'size' | 'mtimeMs' | 'ino'>): boolean {
  return key.bytes === stat.size && key.mtimeMs === stat.mtimeMs && key.ino === stat.ino;
}

/** Writes a segment's columns atomically. */
export function writeColumns(file: string, columns: SegmentColumns): void {
  const parts: Buffer[] = [];
  let length = 0;
  const add = (part: Buffer): void => {
    const pad = (8 - (length % 8)) % 8;
    if (pad > 0) parts.push(Buffer.alloc(pad));
    parts.push(part);
    length += pad + part.length;
  };
  const tables: Header['tables'] = [];
  const blobs: Buffer[] = [];
  columns.slots.forEach((_, slot) => {
    const table = columns.tables[slot];
    if (!table) return void tables.push(null);
    // Mostly ASCII: one byte per character whenever every character fits in one.
    const encoding = /[\u0100-\uffff]/.test(table.text) ? 'utf16le' : 'latin1';
    const blob = Buffer.from(table.text, encoding);
    blobs.push(blob);
    tables.push({ strings: table.offsets.length - 1, encoding, bytes: blob.length });
  });
  const { bytes, mtimeMs, ino, count, slots, shapes } = columns;
  const header: Header = {
    format: COLUMNS_FORMAT,
    version: VERSION,
    bytes,
    mtimeMs,
    ino,
    count,
    slots,
    shapes,
    tables,
  };
  const json = Buffer.from(JSON.stringify(header));
  const size = Buffer.alloc(4);
  size.writeUInt32LE(json.length);
  add(Buffer.concat([size, json]));
  add(bytesOf(columns.shape));
  add(bytesOf(columns.time));
  columns.slots.forEach((_, slot) => add(bytesOf(columns.value(slot))));
  let blob = 0;
  columns.tables.forEach((table) => {
    if (!table) return;
    add(bytesOf(table.offsets));
    add(blobs[blob++]!);
  });
  fs.mkdirSync(path.dirname(file), { recursive: true });
  atomicWriteFile(file, Buffer.concat(parts));
}

export function headerOf(json: string): Header | undefined {
  let header: Partial<Header>;
  try {
    header = JSON.parse(json) as Partial<Header>;
  } catch {
    return undefined;
  }
  if (header.format !== COLUMNS_FORMAT || header.version !== VERSION) return undefined;
  const numbers = [header.bytes, header.mtimeMs, header.ino, header.count];
  if (!numbers.every((n) => typeof n === 'number')) return undefined;
  const { slots, shapes, tables } = header;
  if (!Array.isArray(slots) || !Array.isArray(shapes) || !Array.isArray(tables)) return undefined;
  if (tables.length !== slots.length || shapes.length > 0x10000) return undefined;
  const kinds = slots.every(
    (slot, i) =>
      typeof slot.key === 'string' &&
      (slot.kind === 'n'
        ? tables[i] === null
        : (slot.kind === 's' || slot.kind === 'j') && tables[i] !== null),
  );
  const slotLists = shapes.every(
    (list) =>
      Array.isArray(list) && list.every((slot) => Number.isInteger(slot) && slot >= 0 && slot < slots.length),
  );
  return kinds && slotLists ? (header as Header) : undefined;
}

function bytesOf(array: Uint16Array | Int32Array | Float64Array | Uint32Array): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}
