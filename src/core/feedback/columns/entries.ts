import type { FeedbackEntry } from '../types.js';
import { isEntryShaped } from '../../patterns/window.js';
import type { SegmentColumns } from './format.js';
import { ColumnEntry, entryFields, type SegmentView } from './column-entry.js';

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
    if (!order) {
      let r = 0;
      this.indexes.forEach((indexes, s) => {
        for (let k = 0; k < indexes.length; k++) entries[r++] = this.entryAt(s, indexes[k]!);
      });
      return entries;
    }
    for (let n = 0; n < order.length; n++) entries[n] = this.entry(order[n]!);
    return entries;
  }

  /** The entry of row `r`. */
  entry(r: number): FeedbackEntry {
    let s = this.starts.length - 1;
    while (this.starts[s]! > r) s--;
    return this.entryAt(s, this.indexes[s]![r - this.starts[s]!]!);
  }

  private entryAt(s: number, index: number): FeedbackEntry {
    const view = this.views[s]!;
    const fields = view.fields[view.columns.shape[index]!];
    if (!fields) throw new Error(`entry ${index} of a column sidecar has no shape`);
    // The usual entry: its scalars built now, the rest read when first asked for.
    if (fields.standard) return new ColumnEntry(fields, index);
    // Anything else (an unknown key, a value of an unexpected type): a plain object, built whole.
    const entry: Record<string, unknown> = {};
    for (const { key, read } of fields.all) entry[key] = read(index);
    // Always so: the builder columns entry-shaped records only.
    if (!isEntryShaped(entry)) throw new Error(`entry ${index} of a column sidecar is not an entry`);
    return Object.freeze(entry);
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
