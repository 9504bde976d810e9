import fs from 'node:fs';
import { headerOf, sameKey, type Header, type SegmentColumns, type StringTable } from './format.js';

type SegmentStat = Pick<fs.Stats, 'size' | 'mtimeMs' | 'ino'>;

/** Closes a sidecar's file once nothing can read its tables any more. */
const openFiles = new FinalizationRegistry<number>((fd) => {
  try {
    fs.closeSync(fd);
  } catch {
    // Already closed.
  }
});

/**
 * A segment's columns if its sidecar was built from the segment as `stat` shows it, else
 * undefined (missing, stale, torn or foreign: the segment is then read as lines). The numbers are
 * read at once; each string table (ids, timestamps, messages: most of the file) only when an entry
 * first reads that field, from the same open file — a sidecar replaced meanwhile is a new file, so
 * what is read always matches the numbers.
 */
export function readColumns(file: string, stat: SegmentStat): SegmentColumns | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return undefined;
  }
  let columns: SegmentColumns | undefined;
  try {
    columns = columnsOf(fd, stat);
  } catch {
    columns = undefined;
  }
  if (!columns) fs.closeSync(fd);
  return columns;
}

/** Whether the sidecar is whole and was built from the segment as `stat` shows it. */
export function isCurrent(file: string, stat: SegmentStat): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return false;
  }
  try {
    return layoutOf(fd, stat) !== undefined;
  } catch {
    return false;
  } finally {
    fs.closeSync(fd);
  }
}

interface SidecarLayout {
  header: Header;
  shapeAt: number;
  timeAt: number;
  valueAt: number[];
  numbersEnd: number;
  tableAt: Array<{ offsetsAt: number; textAt: number } | undefined>;
}

/** Where each section of the sidecar lies, if its key matches and it has all its bytes. */
function layoutOf(fd: number, stat: SegmentStat): SidecarLayout | undefined {
  const size = readAt(fd, 0, 4).readUInt32LE(0);
  const header = headerOf(readAt(fd, 4, size).toString('utf8'));
  if (!header || !sameKey(header, stat)) return undefined;
  const { count } = header;
  const layout = new Layout(4 + size);
  const shapeAt = layout.take(count * 2);
  const timeAt = layout.take(count * 8);
  const valueAt = header.slots.map((slot) => layout.take(count * (slot.kind === 'n' ? 8 : 4)));
  const numbersEnd = layout.end;
  const tableAt = header.tables.map((table) =>
    table ? { offsetsAt: layout.take((table.strings + 1) * 4), textAt: layout.take(table.bytes) } : undefined,
  );
  // A torn sidecar (a full disk) is caught now, not when a field is first read.
  if (layout.end !== fs.fstatSync(fd).size) return undefined;
  return { header, shapeAt, timeAt, valueAt, numbersEnd, tableAt };
}

function columnsOf(fd: number, stat: SegmentStat): SegmentColumns | undefined {
  const layout = layoutOf(fd, stat);
  if (!layout) return undefined;
  const { header, shapeAt, timeAt, valueAt, numbersEnd, tableAt } = layout;
  const { count } = header;
  // Shapes and times now, in one read; each other column when an entry first reads its field.
  const numbers = readAt(fd, shapeAt, (valueAt[0] ?? numbersEnd) - shapeAt);
  const shape = new Uint16Array(numbers.buffer, numbers.byteOffset, count);
  const time = new Float64Array(numbers.buffer, numbers.byteOffset + timeAt - shapeAt, count);
  const file = { fd };
  const columns: Array<Int32Array | Float64Array | undefined> = [];
  const value = (slot: number): Int32Array | Float64Array => {
    const read = columns[slot];
    if (read) return read;
    const numeric = header.slots[slot]!.kind === 'n';
    const raw = readAt(file.fd, valueAt[slot]!, count * (numeric ? 8 : 4));
    return (columns[slot] = numeric
      ? new Float64Array(raw.buffer, raw.byteOffset, count)
      : new Int32Array(raw.buffer, raw.byteOffset, count));
  };
  const tables = header.tables.map((table, s) => {
    const at = tableAt[s];
    return table && at
      ? new FileTable(file, table.strings, at.offsetsAt, at.textAt, table.bytes, table.encoding)
      : undefined;
  });
  openFiles.register(file, fd);
  const { bytes, mtimeMs, ino, slots, shapes } = header;
  return { bytes, mtimeMs, ino, count, slots, shapes, shape, time, value, tables };
}

/** Where the sections lie: each starts on a multiple of 8 bytes, as writeColumns put them. */
class Layout {
  constructor(public end: number) {}
  take(bytes: number): number {
    const start = this.end + ((8 - (this.end % 8)) % 8);
    this.end = start + bytes;
    return start;
  }
}

/** A table read from the sidecar the first time it is used: most readers touch few fields. */
class FileTable implements StringTable {
  private read: { offsets: Uint32Array; text: string } | undefined;
  constructor(
    // Holds the file open (see openFiles) for as long as the table can be read.
    private readonly file: { fd: number },
    readonly size: number,
    private readonly offsetsAt: number,
    private readonly textAt: number,
    private readonly bytes: number,
    private readonly encoding: BufferEncoding,
  ) {}

  get offsets(): Uint32Array {
    return this.load().offsets;
  }

  get text(): string {
    return this.load().text;
  }

  private load(): { offsets: Uint32Array; text: string } {
    if (this.read) return this.read;
    const raw = readAt(this.file.fd, this.offsetsAt, (this.size + 1) * 4);
    const offsets = new Uint32Array(raw.buffer, raw.byteOffset, this.size + 1);
    const text = readAt(this.file.fd, this.textAt, this.bytes).toString(this.encoding);
    return (this.read = { offsets, text });
  }
}

/** Exactly `length` bytes at `position`, in a buffer of its own (aligned for typed arrays). */
function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.allocUnsafeSlow(length);
  let done = 0;
  while (done < length) {
    const read = fs.readSync(fd, buffer, done, length - done, position + done);
    if (read === 0) throw new Error('short sidecar');
    done += read;
  }
  return buffer;
}
