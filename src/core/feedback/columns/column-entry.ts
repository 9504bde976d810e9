import type { FeedbackSource, FeedbackType } from '../types.js';
import type { SegmentColumns, SlotKind } from './format.js';

/** Reads one slot's value of entry `i`. */
export type Reader = (i: number) => unknown;

/** How the entries of one shape are built. */
export interface ShapeFields {
  /** Only the keys of FeedbackEntry, each with its usual kind: built as a ColumnEntry. */
  standard: boolean;
  /** Every key, in the order JSON.parse gives them. */
  all: Array<{ key: string; read: Reader }>;
  readers: Partial<Record<string, Reader>>;
}

/** A segment's columns, with the readers of each shape. */
export interface SegmentView {
  columns: SegmentColumns;
  fields: ShapeFields[];
}

/** The keys of a stored entry, with the kind of value each holds. */
const LAZY_SCALARS = [
  'id',
  'operationId',
  'timestamp',
  'recordedAt',
  'message',
  'score',
  'rating',
  'durationMs',
];

const ENTRY_KINDS: Readonly<Record<string, SlotKind>> = {
  id: 's',
  agentId: 's',
  operationId: 's',
  type: 's',
  score: 'n',
  rating: 'n',
  source: 's',
  details: 'j',
  durationMs: 'n',
  metrics: 'j',
  errorType: 's',
  message: 's',
  timestamp: 's',
  recordedAt: 's',
};

/**
 * A stored entry built from a segment's columns. The fields that cost nothing to build — the
 * agent, type, source and error type, a handful of distinct strings each, shared — are its own
 * data properties; the others (id, operationId, timestamp, recordedAt, message, the numbers,
 * details, metrics) are getters on the prototype that read the columns when first asked for, so
 * a window of a million entries allocates little more than the entries (a number held in a field
 * would be an object of its own). Frozen; `toJSON` gives the whole stored entry, with its keys in
 * the stored order.
 */
export class ColumnEntry {
  // Own fields, set once in the constructor (then frozen).
  declare agentId: string;
  declare type: FeedbackType;
  declare source: FeedbackSource;
  declare errorType?: string;
  declare readonly id: string;
  declare readonly operationId: string;
  declare readonly timestamp: string;
  declare readonly recordedAt: string;
  declare readonly message?: string;
  declare readonly score: number;
  declare readonly rating?: number;
  declare readonly durationMs?: number;
  readonly #fields: ShapeFields;
  readonly #index: number;
  /** details and metrics, once parsed. */
  #nested: { details?: unknown; metrics?: unknown } | undefined;

  /** The own fields are given (ColumnRows reads them, undefined where the shape has none). */
  constructor(
    fields: ShapeFields,
    index: number,
    agentId: string | undefined,
    type: string | undefined,
    source: string | undefined,
    errorType: string | undefined,
  ) {
    this.#fields = fields;
    this.#index = index;
    if (agentId !== undefined) this.agentId = agentId;
    if (type !== undefined) this.type = type as FeedbackType;
    if (source !== undefined) this.source = source as FeedbackSource;
    if (errorType !== undefined) this.errorType = errorType;
    Object.freeze(this);
  }

  // The other scalar fields: getters that read their column when first used.
  static {
    for (const key of LAZY_SCALARS) {
      Object.defineProperty(this.prototype, key, {
        get(this: ColumnEntry) {
          return this.#read(key);
        },
        configurable: true,
      });
    }
  }

  /** Parsed once, then the same frozen object each time. */
  get details(): Record<string, unknown> | undefined {
    return this.#parsed('details') as Record<string, unknown> | undefined;
  }
  get metrics(): Record<string, number> | undefined {
    return this.#parsed('metrics') as Record<string, number> | undefined;
  }

  /** The whole stored entry as a plain object: what `JSON.stringify(entry)` writes. */
  toJSON(): Record<string, unknown> {
    const plain: Record<string, unknown> = {};
    for (const { key } of this.#fields.all) plain[key] = Reflect.get(this, key);
    return plain;
  }

  /** console.log and util.inspect show the whole entry too. */
  [Symbol.for('nodejs.util.inspect.custom')](): Record<string, unknown> {
    return this.toJSON();
  }

  #parsed(key: 'details' | 'metrics'): unknown {
    const nested = (this.#nested ??= {});
    if (!(key in nested)) nested[key] = this.#read(key);
    return nested[key];
  }

  #read(key: string): unknown {
    return this.#fields.readers[key]?.(this.#index);
  }
}

/** The readers of each shape of a segment. */
export function entryFields(columns: SegmentColumns): ShapeFields[] {
  const readers = columns.slots.map((_, slot) => readerOf(columns, slot));
  return columns.shapes.map((slots) => {
    const all = slots.map((slot) => ({ key: columns.slots[slot]!.key, read: readers[slot]! }));
    const standard = slots.every(
      (slot) => ENTRY_KINDS[columns.slots[slot]!.key] === columns.slots[slot]!.kind,
    );
    return { standard, all, readers: Object.fromEntries(all.map(({ key, read }) => [key, read])) };
  });
}

function readerOf(columns: SegmentColumns, slot: number): Reader {
  // The column, and its table, are read from the sidecar when the first entry reads this field.
  let column: Int32Array | Float64Array | undefined;
  const kind = columns.slots[slot]!.kind;
  if (kind === 'n') return (i) => (column ??= columns.value(slot))[i];
  const table = columns.tables[slot]!;
  let cut = (ref: number): string => {
    const { offsets, text } = table;
    cut = (at) => text.slice(offsets[at], offsets[at + 1]);
    return cut(ref);
  };
  const ref = (i: number): number => (column ??= columns.value(slot))[i]!;
  if (kind === 'j') return (i) => freezeParsed(JSON.parse(cut(ref(i))) as unknown);
  // A slot of many distinct values (ids, timestamps) cuts a string each time it is read.
  if (table.size * 2 > columns.count) return (i) => cut(ref(i));
  // One of few (agentId, type, source): each string is cut once, and shared.
  const strings = new Array<string | undefined>(table.size);
  return (i) => {
    const at = ref(i);
    return (strings[at] ??= cut(at));
  };
}

/** Freezes a parsed value and the objects in it (JSON.parse makes data properties only). */
export function freezeParsed<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const key in value) freezeParsed(value[key]);
    Object.freeze(value);
  }
  return value;
}
