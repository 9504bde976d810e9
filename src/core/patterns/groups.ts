import type { DetectionEntry } from './canonical-line.js';
import { timeOf } from './timestamps.js';
import type { PatternEvidence, PatternInfo } from '../sdk/types.js';

export type PatternType = PatternInfo['patternType'];

/** A pattern as found in one run, before it gets its stored id (confidence: see each detector). */
export type PatternCandidate = Pick<
  PatternInfo,
  | 'patternType'
  | 'signature'
  | 'description'
  | 'frequency'
  | 'confidence'
  | 'firstSeen'
  | 'lastSeen'
  | 'examples'
> & {
  extra?: PatternEvidence;
};

/** Example operation ids a pattern keeps. */
export const EXAMPLES = 5;

/** What a pattern reports of the entries behind it, kept as they are added. */
export class Group {
  count = 0;
  first = '';
  last = '';
  /**
   * first and last as times: numbers compare several times faster than timestamps cut out of a
   * log line (sliced strings), and a group is updated for most entries of a window.
   */
  firstTime = 0;
  lastTime = 0;
  /** The earliest sightings of distinct operation ids, in time order (ties in the order added). */
  readonly earliest: Array<{ time: number; id: string }> = [];

  static of(entries: ReadonlyArray<Pick<DetectionEntry, 'timestamp' | 'operationId'>>): Group {
    const group = new Group();
    for (const entry of entries) group.add(entry);
    return group;
  }

  /**
   * `time` is timeOf(entry.timestamp), passed in when the caller has it. Stored timestamps are
   * validated when written, so every one has a time, and for canonical ones time order is the
   * timestamps' text order.
   */
  add(entry: Pick<DetectionEntry, 'timestamp' | 'operationId'>, time = timeOf(entry.timestamp)): void {
    if (this.count === 0 || time < this.firstTime) {
      this.firstTime = time;
      this.first = entry.timestamp;
    }
    if (this.count === 0 || time > this.lastTime) {
      this.lastTime = time;
      this.last = entry.timestamp;
    }
    this.count += 1;
    this.addExample(time, entry.operationId);
  }

  /** Keeps `id`, seen at `time`, if it is among the earliest distinct ids. */
  addExample(time: number, id: string): void {
    const earliest = this.earliest;
    // The common case, a log in time order: later than every example kept.
    if (earliest.length === EXAMPLES && time >= earliest[EXAMPLES - 1]!.time) return;
    let at = earliest.length;
    while (at > 0 && earliest[at - 1]!.time > time) at -= 1;
    let seen = -1;
    for (let i = 0; i < earliest.length; i++) {
      if (earliest[i]!.id === id) {
        seen = i;
        break;
      }
    }
    if (seen !== -1 && seen < at) return;
    // Plain loops and a reused slot, no splice or new object: in a log in reverse time order
    // (an import of a newest-first export) every entry lands here.
    const dropped = seen !== -1 ? seen : earliest.length === EXAMPLES ? EXAMPLES - 1 : -1;
    const slot = dropped === -1 ? { time, id } : earliest[dropped]!;
    let i = dropped === -1 ? earliest.push(slot) - 1 : dropped;
    for (; i > at; i--) earliest[i] = earliest[i - 1]!;
    earliest[at] = slot;
    slot.time = time;
    slot.id = id;
  }

  get examples(): string[] {
    return this.earliest.map((e) => e.id);
  }
}

/** A failure signature's group, with the evidence a fix needs: which kinds fail, what durations the messages name. */
export class FailureGroup extends Group {
  errorType: string | undefined;
  messageMaxMs: number | null = null;
  readonly kinds = new Map<string, number>();
  /** What the first messages parsed name: the durations, in the order added. */
  readonly parsedMs: Array<number | null> = [];
  /**
   * The kinds past MAX_KINDS, counted only by the second of two readers of a window: the first
   * reader's kinds are counted in full when the two are merged (see accumulator-merge.ts).
   */
  readonly dropped: Map<string, number> | undefined;

  constructor(mergeable = false) {
    super();
    this.dropped = mergeable ? new Map() : undefined;
  }

  addEvidence(kind: string, message: string | undefined): void {
    if (this.kinds.size < MAX_KINDS || this.kinds.has(kind))
      this.kinds.set(kind, (this.kinds.get(kind) ?? 0) + 1);
    else this.dropped?.set(kind, (this.dropped.get(kind) ?? 0) + 1);
    // One template, one set of numbers: a sample of messages tells the durations they name.
    if (message === undefined || this.parsedMs.length >= MESSAGES_PARSED) return;
    this.addMessageMs(longestDurationMs(message));
  }

  addMessageMs(ms: number | null): void {
    this.parsedMs.push(ms);
    if (ms !== null && (this.messageMaxMs === null || ms > this.messageMaxMs)) this.messageMaxMs = ms;
  }

  /** The kinds that fail most, at most five. */
  topKinds(): string[] {
    return [...this.kinds]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, 5)
      .map(([kind]) => kind);
  }
}

export const MAX_KINDS = 50;
export const MESSAGES_PARSED = 200;
const DURATION_IN_TEXT = /(\d+(?:\.\d+)?)\s*(ms|msecs?|milliseconds?|s|secs?|seconds?)\b/gi;

/** The longest duration a message names ("timed out after 3000 ms", "took 2.5s"), in ms. */
export function longestDurationMs(message: string): number | null {
  let longest: number | null = null;
  for (const [, value, unit] of message.matchAll(DURATION_IN_TEXT)) {
    const ms = Number(value) * (/^m/i.test(unit!) ? 1 : 1000);
    if (Number.isFinite(ms) && (longest === null || ms > longest)) longest = ms;
  }
  return longest;
}

/** An operation id's attempts, by time: stored timestamps are canonical, so a time gives back its text. */
export interface Operation {
  attempts: number;
  /** Its earliest time, and when that was seen (orders operations first seen at one instant). */
  first: number;
  firstSeq: number;
  last: number;
}

/** Counts one more attempt of an operation, seen `seq`-th among the outcomes. */
export function addAttempt(op: Operation, time: number, seq: number): void {
  op.attempts += 1;
  if (time < op.first || (time === op.first && seq < op.firstSeq)) {
    op.first = time;
    op.firstSeq = seq;
  }
  if (time > op.last) op.last = time;
}

/** Pearson's correlation updated one pair at a time (Welford's method: stable over a million pairs). */
export class Correlation {
  /**
   * The pairs as added (x, y, x, y, …), kept instead of summed by the second of two readers of a
   * window: the first replays them after its own, so the sums are the single pass's to the bit.
   */
  readonly pairs: number[] | undefined;
  private n = 0;
  private meanX = 0;
  private meanY = 0;
  private sxx = 0;
  private syy = 0;
  private sxy = 0;

  constructor(mergeable = false) {
    this.pairs = mergeable ? [] : undefined;
  }

  add(x: number, y: number): void {
    if (this.pairs) {
      this.pairs.push(x, y);
      return;
    }
    this.n += 1;
    const dx = x - this.meanX;
    const dy = y - this.meanY;
    this.meanX += dx / this.n;
    this.meanY += dy / this.n;
    this.sxx += dx * (x - this.meanX);
    this.syy += dy * (y - this.meanY);
    this.sxy += dx * (y - this.meanY);
  }

  /** null when undefined (fewer than two pairs, or no spread in x or y). */
  value(): number | null {
    const r = this.sxy / Math.sqrt(this.sxx * this.syy);
    return this.n > 1 && Number.isFinite(r) ? r : null;
  }
}

/** A pattern candidate from a group's figures. */
export function candidate(
  patternType: PatternType,
  signature: string,
  description: string,
  group: Group,
  confidence: number,
  extra?: PatternEvidence,
): PatternCandidate {
  return {
    patternType,
    signature,
    description,
    frequency: group.count,
    confidence,
    firstSeen: group.first,
    lastSeen: group.last,
    examples: group.examples,
    ...(extra ? { extra } : {}),
  };
}
