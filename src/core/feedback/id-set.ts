/**
 * A set of entry ids held as 64-bit fingerprints in typed arrays: 2 M ids take ~40 MB at most
 * (a Set of 2 M strings takes ~150 MB). Two ids sharing a fingerprint is a ~1-in-10^7 event even
 * at 2 M × 2 M ids; it would make one line count as a duplicate, never lose a stored one.
 * Each id also carries a mark (here: "already stored").
 */
export class IdSet {
  private hi: Int32Array;
  private lo: Int32Array;
  private marks: Uint8Array;
  private count = 0;

  constructor(capacity = 1024) {
    const slots = 2 ** Math.ceil(Math.log2(Math.max(16, capacity * 2)));
    this.hi = new Int32Array(slots);
    this.lo = new Int32Array(slots);
    this.marks = new Uint8Array(slots);
  }

  get size(): number {
    return this.count;
  }

  /** Adds `id`; false when it was in the set already. */
  add(id: string): boolean {
    if (this.count * 2 >= this.hi.length) this.grow();
    const [h, l] = fingerprint(id);
    const slot = this.find(h, l);
    if (this.used(slot)) return false;
    this.hi[slot] = h;
    this.lo[slot] = l;
    this.marks[slot] = 1;
    this.count++;
    return true;
  }

  has(id: string): boolean {
    const [h, l] = fingerprint(id);
    return this.used(this.find(h, l));
  }

  /** Marks `id` if it is in the set; true when it was there and not marked before. */
  mark(id: string): boolean {
    const [h, l] = fingerprint(id);
    const slot = this.find(h, l);
    if (this.marks[slot] !== 1) return false;
    this.marks[slot] = 2;
    return true;
  }

  isMarked(id: string): boolean {
    const [h, l] = fingerprint(id);
    return this.marks[this.find(h, l)] === 2;
  }

  private used(slot: number): boolean {
    return this.marks[slot] !== 0;
  }

  /** The slot holding this fingerprint, or the empty slot where it would go (linear probing). */
  private find(h: number, l: number): number {
    const mask = this.hi.length - 1;
    let slot = (l ^ Math.imul(h, 0x9e3779b1)) & mask;
    while (this.marks[slot] !== 0 && (this.hi[slot] !== h || this.lo[slot] !== l)) slot = (slot + 1) & mask;
    return slot;
  }

  private grow(): void {
    const { hi, lo, marks } = this;
    this.hi = new Int32Array(hi.length * 2);
    this.lo = new Int32Array(hi.length * 2);
    this.marks = new Uint8Array(hi.length * 2);
    for (let i = 0; i < hi.length; i++) {
      if (marks[i] === 0) continue;
      const slot = this.find(hi[i]!, lo[i]!);
      this.hi[slot] = hi[i]!;
      this.lo[slot] = lo[i]!;
      this.marks[slot] = marks[i]!;
    }
  }
}

const pair: [number, number] = [0, 0];

/** Two independent 32-bit string hashes (FNV-1a, and a murmur-style multiply-rotate). Reused tuple: no allocation. */
function fingerprint(id: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x2545f491 ^ id.length;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  pair[0] = a | 0;
  pair[1] = Math.imul(b ^ (b >>> 13), 0xc2b2ae35) | 0;
  return pair;
}
