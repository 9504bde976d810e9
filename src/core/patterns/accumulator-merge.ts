import type { DetectionEntry } from './canonical-line.js';
import { newKind, type PatternAccumulator } from './detect.js';
import { FailureGroup, Group, MAX_KINDS, MESSAGES_PARSED, type Operation } from './groups.js';
import { addSuccess, successId } from './success-ids.js';

/**
 * Two readers of one window (two threads, each over one half of the log) each fold their half
 * into a PatternAccumulator; the second's is then merged into the first's as if the first had
 * read on through the second half: the same patterns to the bit as one pass over the whole.
 * What makes that exact: groups keep their earliest examples by (time, order added), failed
 * operations are numbered in log order (the second half's numbers are shifted past the first's),
 * the second reader keeps its duration pairs (replayed, not summed: floating-point sums depend
 * on their order) and counts the operation kinds a failure group had no room for.
 *
 * The state crosses threads by structured clone: strings are packed into one (a clone of a
 * million short strings costs more than reading them), numbers into typed arrays.
 */

/** What a Group holds, without its methods (what a structured clone of one gives). */
export type GroupState = Pick<Group, 'count' | 'first' | 'last' | 'firstTime' | 'lastTime' | 'earliest'>;

type FailureGroupState = GroupState & Pick<FailureGroup, 'errorType' | 'kinds' | 'parsedMs' | 'dropped'>;

/** Strings as one text and their lengths. */
export interface PackedStrings {
  text: string;
  lengths: Uint32Array;
}

export interface AccumulatorState {
  failuresBySignature: Map<string, FailureGroupState>;
  successBinsByKind: Map<string, Record<string, number>>;
  /** Each kind's groups and how many successes it listed (the lists are fetched only if needed). */
  kinds: Map<string, { successes: GroupState; failures: GroupState; succeeded: number }>;
  failuresByHour: Map<number, GroupState>;
  failureCount: number;
  failedIds: PackedStrings;
  /** attempts, first, firstSeq, last of each failed operation. */
  failedOps: Float64Array;
  detailed: boolean;
  outcomeSeq: number;
  scoreIds: PackedStrings;
  scoreTimestamps: PackedStrings;
  scoreValues: Float64Array;
  scoreTimes: Float64Array;
  /** The details of the scores that have them, by index. */
  scoreDetails: Map<number, DetectionEntry['details']>;
  timed: GroupState;
  durationPairs: Float64Array;
  slaByKind: Map<string, { over: GroupState; durations: Float64Array }>;
}

/** A kind's successes, listed for the retries. */
export interface SucceededState {
  ids: PackedStrings;
  times: Float64Array;
  seqs: Float64Array;
}

export function packStrings(strings: readonly string[]): PackedStrings {
  const lengths = new Uint32Array(strings.length);
  for (let i = 0; i < strings.length; i++) lengths[i] = strings[i]!.length;
  return { text: strings.join(''), lengths };
}

export function unpackStrings({ text, lengths }: PackedStrings): string[] {
  const strings = new Array<string>(lengths.length);
  let at = 0;
  for (let i = 0; i < lengths.length; i++) {
    strings[i] = text.slice(at, at + lengths[i]!);
    at += lengths[i]!;
  }
  return strings;
}

/** The state of a mergeable accumulator (the second reader's), and the buffers to transfer. */
export function accumulatorState(acc: PatternAccumulator): AccumulatorState {
  if (!acc.mergeable) throw new Error('only a mergeable accumulator has a state to merge');
  const failedIds: string[] = [];
  const failedOps = new Float64Array(acc.failedOperations.size * 4);
  let i = 0;
  for (const [id, op] of acc.failedOperations) {
    failedIds.push(id);
    failedOps.set([op.attempts, op.first, op.firstSeq, op.last], i);
    i += 4;
  }
  const scoreDetails = new Map<number, DetectionEntry['details']>();
  acc.scores.forEach((score, at) => {
    if (score.details !== undefined) scoreDetails.set(at, score.details);
  });
  return {
    failuresBySignature: acc.failuresBySignature,
    successBinsByKind: acc.successBinsByKind,
    kinds: new Map(
      [...acc.kinds].map(([kind, { successes, failures, succeeded }]) => [
        kind,
        { successes, failures, succeeded: succeeded.ids.length },
      ]),
    ),
    failuresByHour: acc.failuresByHour,
    failureCount: acc.failureCount,
    failedIds: packStrings(failedIds),
    failedOps,
    detailed: acc.detailed,
    outcomeSeq: acc.outcomeSeq,
    scoreIds: packStrings(acc.scores.map((score) => score.operationId)),
    scoreTimestamps: packStrings(acc.scores.map((score) => score.timestamp)),
    scoreValues: Float64Array.from(acc.scores, (score) => score.score),
    scoreTimes: Float64Array.from(acc.scoreTimes),
    scoreDetails,
    timed: acc.timed,
    durationPairs: Float64Array.from(acc.durations.pairs!),
    slaByKind: new Map(
      [...acc.slaByKind].map(([kind, { over, durations }]) => [
        kind,
        { over, durations: Float64Array.from(durations) },
      ]),
    ),
  };
}

/** The typed arrays of a state: moved, not copied, to the other thread. */
export function stateBuffers(state: AccumulatorState): ArrayBuffer[] {
  const buffers = [
    state.failedIds.lengths,
    state.failedOps,
    state.scoreIds.lengths,
    state.scoreTimestamps.lengths,
    state.scoreValues,
    state.scoreTimes,
    state.durationPairs,
    ...[...state.slaByKind.values()].map(({ durations }) => durations),
  ];
  return buffers.map((array) => array.buffer as ArrayBuffer);
}

/** The listed successes of some kinds of a mergeable accumulator. */
export function succeededState(
  acc: PatternAccumulator,
  kinds: readonly string[],
): Map<string, SucceededState> {
  const lists = new Map<string, SucceededState>();
  for (const kind of kinds) {
    const succeeded = acc.kinds.get(kind)?.succeeded;
    if (succeeded === undefined) continue;
    lists.set(kind, {
      ids: packStrings(succeeded.ids.map((_, i) => successId(succeeded, i))),
      times: Float64Array.from(succeeded.times),
      seqs: Float64Array.from(succeeded.seqs),
    });
  }
  return lists;
}

/** The typed arrays of some listed successes: moved, not copied. */
export function succeededBuffers(lists: ReadonlyMap<string, SucceededState>): ArrayBuffer[] {
  return [...lists.values()].flatMap(({ ids, times, seqs }) =>
    [ids.lengths, times, seqs].map((array) => array.buffer as ArrayBuffer),
  );
}

/**
 * Folds `state`, read after everything `into` has read, into `into`. Returns the kinds whose
 * listed successes the retries need (addSucceeded), and the number to add to their sequence.
 */
export function mergeAccumulator(
  into: PatternAccumulator,
  state: AccumulatorState,
  agentId: string,
): { kinds: string[]; seqOffset: number } {
  const seqOffset = into.outcomeSeq;
  for (const [signature, right] of state.failuresBySignature) {
    let group = into.failuresBySignature.get(signature);
    if (!group) into.failuresBySignature.set(signature, (group = new FailureGroup()));
    mergeFailureGroup(group, right);
  }
  for (const [kind, bins] of state.successBinsByKind) {
    let sums = into.successBinsByKind.get(kind);
    if (!sums) into.successBinsByKind.set(kind, (sums = {}));
    for (const [bin, n] of Object.entries(bins)) sums[bin] = (sums[bin] ?? 0) + n;
  }
  const listed: string[] = [];
  for (const [kind, right] of state.kinds) {
    let byKind = into.kinds.get(kind);
    if (!byKind) into.kinds.set(kind, (byKind = newKind()));
    mergeGroup(byKind.successes, right.successes);
    mergeGroup(byKind.failures, right.failures);
    if (right.succeeded > 0) listed.push(kind);
  }
  for (const [hour, right] of state.failuresByHour) {
    let group = into.failuresByHour.get(hour);
    if (!group) into.failuresByHour.set(hour, (group = new Group()));
    mergeGroup(group, right);
  }
  into.failureCount += state.failureCount;
  mergeFailedOperations(into.failedOperations, state, seqOffset);
  into.detailed ||= state.detailed;
  into.outcomeSeq += state.outcomeSeq;
  const scoreIds = unpackStrings(state.scoreIds);
  const scoreTimestamps = unpackStrings(state.scoreTimestamps);
  for (let i = 0; i < scoreIds.length; i++) {
    const details = state.scoreDetails.get(i);
    into.scores.push({
      agentId,
      operationId: scoreIds[i]!,
      type: 'quality_score',
      score: state.scoreValues[i]!,
      timestamp: scoreTimestamps[i]!,
      ...(details === undefined ? {} : { details }),
    });
    into.scoreTimes.push(state.scoreTimes[i]!);
  }
  mergeGroup(into.timed, state.timed);
  const pairs = state.durationPairs;
  for (let i = 0; i < pairs.length; i += 2) into.durations.add(pairs[i]!, pairs[i + 1]!);
  for (const [kind, right] of state.slaByKind) {
    let sla = into.slaByKind.get(kind);
    if (!sla) into.slaByKind.set(kind, (sla = { over: new Group(), durations: [] }));
    mergeGroup(sla.over, right.over);
    for (const duration of right.durations) sla.durations.push(duration);
  }
  // Successes count for the retries only in a kind that failed (or when details name the kinds).
  const kinds = listed.filter((kind) => into.detailed || into.kinds.get(kind)!.failures.count > 0);
  return { kinds, seqOffset };
}

/** Appends the second reader's listed successes of a kind (see mergeAccumulator). */
export function addSucceeded(
  into: PatternAccumulator,
  kind: string,
  lists: SucceededState,
  seqOffset: number,
): void {
  const succeeded = into.kinds.get(kind)!.succeeded;
  const ids = unpackStrings(lists.ids);
  for (let i = 0; i < ids.length; i++)
    addSuccess(succeeded, ids[i]!, lists.times[i]!, lists.seqs[i]! + seqOffset);
}

/** A group as if `right`'s entries had been added after its own (ties keep the earlier). */
export function mergeGroup(into: Group, right: GroupState): void {
  if (right.count === 0) return;
  if (into.count === 0 || right.firstTime < into.firstTime) {
    into.firstTime = right.firstTime;
    into.first = right.first;
  }
  if (into.count === 0 || right.lastTime > into.lastTime) {
    into.lastTime = right.lastTime;
    into.last = right.last;
  }
  into.count += right.count;
  // The earliest distinct ids of both: right's in its order, after every one of into's.
  for (const { time, id } of right.earliest) into.addExample(time, id);
}

function mergeFailureGroup(into: FailureGroup, right: FailureGroupState): void {
  // The error type of the earliest failure names the group.
  if (right.count > 0 && (into.count === 0 || right.firstTime < into.firstTime))
    into.errorType = right.errorType;
  mergeGroup(into, right);
  // A kind into holds counts every later failure of it; another is taken while there is room,
  // in the order right first met them. Right counted those it had no room for (`dropped`).
  for (const [kind, n] of right.kinds) {
    const count = into.kinds.get(kind);
    if (count !== undefined) into.kinds.set(kind, count + n);
    else if (into.kinds.size < MAX_KINDS) into.kinds.set(kind, n);
  }
  for (const [kind, n] of right.dropped ?? [])
    if (into.kinds.has(kind)) into.kinds.set(kind, into.kinds.get(kind)! + n);
  for (const ms of right.parsedMs) {
    if (into.parsedMs.length >= MESSAGES_PARSED) break;
    into.addMessageMs(ms);
  }
}

function mergeFailedOperations(
  into: Map<string, Operation>,
  state: AccumulatorState,
  seqOffset: number,
): void {
  const ids = unpackStrings(state.failedIds);
  const ops = state.failedOps;
  for (let i = 0; i < ids.length; i++) {
    const [attempts, first, firstSeq, last] = [
      ops[i * 4]!,
      ops[i * 4 + 1]!,
      ops[i * 4 + 2]!,
      ops[i * 4 + 3]!,
    ];
    const op = into.get(ids[i]!);
    if (!op) {
      into.set(ids[i]!, { attempts, first, firstSeq: firstSeq + seqOffset, last });
      continue;
    }
    // into's attempts all came first: at an equal time its first attempt stays the first.
    op.attempts += attempts;
    if (first < op.first) {
      op.first = first;
      op.firstSeq = firstSeq + seqOffset;
    }
    if (last > op.last) op.last = last;
  }
}
