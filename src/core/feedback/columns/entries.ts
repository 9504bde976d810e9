import type { FeedbackEntry } from '../types.js';
import { isEntryShaped } from '../../patterns/window.js';
import type { SegmentColumns, StringTable } from './format.js';
import { ColumnEntry, entryFields, type SegmentView, type ShapeFields } from './column-entry.js';

/**
 * The wanted entries of the columned segments, before they are built, as numbers (no object per
 * entry): per segment, the indexes of its wanted entries; rows are numbered across segments in
 * log order.
 */
export class ColumnRows {
  private readonly views: SegmentView[] = [];
  private readonly indexes: Int32Array[] = [];
  /** The first row of each segment. */
  private readonly starts: number[] = [];
  length = 0;

  /**
   * Adds the entries of `agentId` with `from <= time <= to` (ms since the epoch; every one of the
   * agent's when `inside`), in segment order. Nothing is parsed or cut: the agent and the time are
   * compared as numbers.
   */
  addSegment(columns: SegmentColumns, agentId: string, from: number, to: number, inside: boolean): void {
    const agentSlot = columns.slots.findIndex((slot) => slot.key === 'agentId' && slot.kind === 's');
    if (agentSlot === -1) return;
    const agentRef = indexOfString(columns, agentSlot, agentId);
    if (agentRef === -1) return;
    const agents = columns.value(agentSlot);
    const { count, time } = columns;
    const indexes = new Int32Array(count);
    let wanted = 0;
    for (let index = 0; index < count; index++) {
      if (agents[index] !== agentRef) continue;
      const t = time[index]!;
      if (inside || (t >= from && t <= to)) indexes[wanted++] = index;
    }
    if (wanted === 0) return;
    this.views.push({ columns, fields: entryFields(columns) });
    this.indexes.push(indexes.subarray(0, wanted));
    this.starts.push(this.length);
    this.length += wanted;
  }

  /** Every row's timestamp in ms, in row order. */
  times(): Float64Array {
    const times = new Float64Array(this.length);
    this.indexes.forEach((indexes, s) => {
      const { time } = this.views[s]!.columns;
      const start = this.starts[s]!;
      for (let k = 0; k < indexes.length; k++) times[start + k] = time[indexes[k]!]!;
    });
    return times;
  }

  /** The entries of the rows, in the given order (by default, log order). */
  entries(order?: ArrayLike<number>): FeedbackEntry[] {
    const entries = new Array<FeedbackEntry>(this.length);
    this.views.forEach((view, s) => buildEntries(view, this.indexes[s]!, entries, this.starts[s]!));
    return order ? permuted(entries, order) : entries;
  }
}

/** The own fields of a ColumnEntry, in the order it sets them. */
const OWN_KEYS = ['agentId', 'type', 'source', 'errorType'] as const;

// The loops below are small functions of their own: a window is read once per process, so they
// run cold, and V8 optimizes a small function with one hot loop soon. The own fields are read
// straight from their columns here rather than through each shape's readers (closures), which
// cost about as much again as making the entries.

/** The entries of one segment's rows (`indexes`), into `out` from `at` on. */
function buildEntries(view: SegmentView, indexes: Int32Array, out: FeedbackEntry[], at: number): void {
  const { columns, fields } = view;
  const [agentId, type, source, errorType] = OWN_KEYS.map((key) => SharedStrings.of(columns, key));
  // Per shape: which own fields its entries have (bit k: OWN_KEYS[k]).
  const owns = fields.map((shape) =>
    OWN_KEYS.reduce((mask, key, k) => (shape.readers[key] ? mask | (1 << k) : mask), 0),
  );
  const shapes = columns.shape;
  for (let k = 0; k < indexes.length; k++) {
    const index = indexes[k]!;
    const shape = fields[shapes[index]!];
    if (!shape) throw new Error(`entry ${index} of a column sidecar has no shape`);
    const own = owns[shapes[index]!]!;
    // The usual entry: its own fields set now, the rest read when first asked for. A standard
    // shape holds its own fields as strings (column-entry.ts), so their columns are there.
    out[at + k] = shape.standard
      ? new ColumnEntry(
          shape,
          index,
          own & 1 ? agentId!.at(index) : undefined,
          own & 2 ? type!.at(index) : undefined,
          own & 4 ? source!.at(index) : undefined,
          own & 8 ? errorType!.at(index) : undefined,
        )
      : plainEntry(shape, index);
  }
}

/** Anything else (an unknown key, a value of an unexpected type): a plain object, built whole. */
function plainEntry(shape: ShapeFields, index: number): FeedbackEntry {
  const entry: Record<string, unknown> = {};
  for (const { key, read } of shape.all) entry[key] = read(index);
  // Always so: the builder columns entry-shaped records only.
  if (!isEntryShaped(entry)) throw new Error(`entry ${index} of a column sidecar is not an entry`);
  return Object.freeze(entry);
}

function permuted(entries: FeedbackEntry[], order: ArrayLike<number>): FeedbackEntry[] {
  const ordered = new Array<FeedbackEntry>(order.length);
  for (let n = 0; n < order.length; n++) ordered[n] = entries[order[n]!]!;
  return ordered;
}

/** A string field of a segment's entries: each distinct string cut from its table once, and shared. */
class SharedStrings {
  private readonly strings: Array<string | undefined>;

  private constructor(
    private readonly table: StringTable,
    private readonly refs: Int32Array,
  ) {
    this.strings = new Array<string | undefined>(table.size);
  }

  /** The segment's string column of `key`, if it has one. */
  static of(columns: SegmentColumns, key: string): SharedStrings | undefined {
    const slot = columns.slots.findIndex((s) => s.key === key && s.kind === 's');
    return slot === -1
      ? undefined
      : new SharedStrings(columns.tables[slot]!, columns.value(slot) as Int32Array);
  }

  /** The string of entry `index`. */
  at(index: number): string {
    const ref = this.refs[index]!;
    return (this.strings[ref] ??= this.table.text.slice(
      this.table.offsets[ref],
      this.table.offsets[ref + 1],
    ));
  }
}

function indexOfString(columns: SegmentColumns, slot: number, wanted: string): number {
  const { text, offsets } = columns.tables[slot]!;
  for (let ref = 0; ref + 1 < offsets.length; ref++) {
    if (offsets[ref + 1]! - offsets[ref]! === wanted.length && text.startsWith(wanted, offsets[ref]))
      return ref;
  }
  return -1;
}
