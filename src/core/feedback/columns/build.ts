import fs from 'node:fs';
import path from 'node:path';
import { CANONICAL_UTC, timeOf } from '../../patterns/timestamps.js';
import { readSegmentTimes, segmentTimesFile } from '../../patterns/segment-times.js';
import { isEntryShaped } from '../../patterns/window.js';
import type { FeedbackLog } from '../../store/feedback-log.js';
import { columnsDir, columnsFile, sameKey, writeColumns, type SegmentColumns, type Slot } from './format.js';
import { isCurrent } from './read-columns.js';

/** More distinct keys or key orders than this: the segment is odd, and is read as lines. */
const MAX_SLOTS = 256;
const MAX_SHAPES = 0x10000;

/**
 * Builds the column sidecar of every sealed segment whose sidecar is missing or stale, and removes
 * the sidecars of segments that are gone; `wanted` picks the segments worth it (those a window
 * touches). kv1nt does this after a plugin process has read a window (a plugin process may not
 * write). Returns how many sidecars were built. The newest segment, while appends still go to it,
 * is left to the line reader — a sidecar of it would be stale after the next record, and building
 * one parses every agent's lines — and so is a segment that cannot be columned (an unparsable or
 * odd line, an append while it was read).
 */
export function ensureColumns(log: FeedbackLog, wanted: (segment: number) => boolean = () => true): number {
  const segments = log.segments();
  removeGone(log, new Set(segments));
  let built = 0;
  for (const segment of segments) {
    if (!wanted(segment)) continue;
    const file = columnsFile(log, segment);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(log.segmentPath(segment));
    } catch {
      continue;
    }
    if (segment === segments.at(-1) && stat.size < log.maxSegmentBytes) continue;
    if (isCurrent(file, stat)) continue;
    const columns = buildColumns(log, segment);
    if (!columns) continue;
    try {
      writeColumns(file, columns);
      built++;
    } catch {
      // Derived data (a read-only data dir, a full disk): the segment is read as lines instead.
    }
  }
  return built;
}

/**
 * ensureColumns for the segments that may hold entries from `from` (ms since the epoch) on: the
 * segment-times index tells which older ones to leave alone.
 */
export function prepareColumns(log: FeedbackLog, from: number): number {
  const times = readSegmentTimes(segmentTimesFile(log));
  const fromIso = new Date(from).toISOString();
  return ensureColumns(log, (segment) => {
    const known = times.get(segment);
    return !known || known.last === null || known.last >= fromIso;
  });
}

/** A segment's columns, or undefined when it cannot be columned as it is now. */
export function buildColumns(log: FeedbackLog, segment: number): SegmentColumns | undefined {
  const file = log.segmentPath(segment);
  const builder = new ColumnsBuilder();
  let ok = true;
  let before: fs.Stats;
  let readable: number;
  try {
    before = fs.statSync(file);
    readable = log.scanSegment(segment, (cursor) => {
      if (!ok) return;
      try {
        ok = builder.add(JSON.parse(cursor.text));
      } catch {
        ok = false;
      }
    });
  } catch {
    return undefined;
  }
  const after = fs.statSync(file);
  // Only a segment that did not change while it was read, and that ends with a whole line.
  if (
    !ok ||
    after.size !== readable ||
    !sameKey({ bytes: before.size, mtimeMs: before.mtimeMs, ino: before.ino }, after)
  )
    return undefined;
  return builder.columns({ bytes: after.size, mtimeMs: after.mtimeMs, ino: after.ino });
}

/** Accumulates entries into columns. */
export class ColumnsBuilder {
  private count = 0;
  private readonly slots: Slot[] = [];
  private readonly slotIds = new Map<string, number>();
  private readonly shapes: number[][] = [];
  private readonly shapeIds = new Map<string, number>();
  private readonly shape: number[] = [];
  private readonly time: number[] = [];
  private readonly values: number[][] = [];
  private readonly strings: Array<Map<string, number> | undefined> = [];

  /** Adds one parsed line; false when it is not an entry that columns can hold exactly. */
  add(record: unknown): boolean {
    // Ordered and filtered by number, so only timestamps whose number gives them back exactly.
    if (!isEntryShaped(record) || !CANONICAL_UTC.test(record.timestamp)) return false;
    const time = timeOf(record.timestamp);
    if (!(Math.abs(time) <= 8.64e15) || new Date(time).toISOString() !== record.timestamp) return false;
    const slotList: number[] = [];
    const values: number[] = [];
    for (const [key, value] of Object.entries(record)) {
      // JSON.parse makes `__proto__` an own property; an assignment would set the prototype.
      if (key === '__proto__') return false;
      const kind = typeof value === 'string' ? 's' : typeof value === 'number' ? 'n' : 'j';
      const slot = this.slotOf(key, kind);
      if (slot === undefined) return false;
      slotList.push(slot);
      values.push(
        kind === 'n'
          ? (value as number)
          : this.stringOf(slot, kind === 's' ? (value as string) : JSON.stringify(value)),
      );
    }
    const shapeKey = slotList.join(',');
    let shape = this.shapeIds.get(shapeKey);
    if (shape === undefined) {
      if (this.shapes.length >= MAX_SHAPES) return false;
      shape = this.shapes.push(slotList) - 1;
      this.shapeIds.set(shapeKey, shape);
    }
    const i = this.count++;
    this.shape[i] = shape;
    this.time[i] = time;
    slotList.forEach((slot, k) => (this.values[slot]![i] = values[k]!));
    return true;
  }

  columns(key: { bytes: number; mtimeMs: number; ino: number }): SegmentColumns {
    const { count, slots, shapes } = this;
    const values = slots.map((slot, s) => {
      const column = slot.kind === 'n' ? new Float64Array(count) : new Int32Array(count);
      const source = this.values[s]!;
      for (let i = 0; i < count; i++) column[i] = source[i] ?? 0;
      return column;
    });
    const tables = this.strings.map((table) => {
      if (!table) return undefined;
      const offsets = new Uint32Array(table.size + 1);
      let text = '';
      let i = 0;
      for (const string of table.keys()) {
        text += string;
        offsets[++i] = text.length;
      }
      return { size: table.size, text, offsets };
    });
    return {
      ...key,
      count,
      slots,
      shapes,
      shape: Uint16Array.from(this.shape),
      time: Float64Array.from(this.time),
      value: (slot: number) => values[slot]!,
      tables,
    };
  }

  private slotOf(key: string, kind: Slot['kind']): number | undefined {
    const name = `${kind}:${key}`;
    let slot = this.slotIds.get(name);
    if (slot !== undefined) return slot;
    if (this.slots.length >= MAX_SLOTS) return undefined;
    slot = this.slots.push({ key, kind }) - 1;
    this.slotIds.set(name, slot);
    this.values[slot] = [];
    this.strings[slot] = kind === 'n' ? undefined : new Map();
    return slot;
  }

  private stringOf(slot: number, value: string): number {
    const table = this.strings[slot]!;
    let id = table.get(value);
    if (id === undefined) table.set(value, (id = table.size));
    return id;
  }
}

function removeGone(log: FeedbackLog, segments: ReadonlySet<number>): void {
  let names: string[];
  try {
    names = fs.readdirSync(columnsDir(log));
  } catch {
    return;
  }
  for (const name of names) {
    const match = /^(\d{6,})\.bin$/.exec(name);
    if (match && !segments.has(Number(match[1])))
      fs.rmSync(path.join(columnsDir(log), name), { force: true });
  }
}
