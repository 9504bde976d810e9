import fs from 'node:fs';
import type { FeedbackLog, LogPosition } from '../store/feedback-log.js';
import type { AggregatesDoc, Stores } from '../store/stores.js';
import { addToEpoch, emptyBucket, inEpoch, type EpochSums, type ScoreAggregates } from './aggregates.js';
import {
  asEntry,
  foldNew,
  logChangedUnder,
  rebuildIfLogChanged,
  samePosition,
  SegmentFiles,
} from './aggregate-index.js';
import { parseLogLine } from '../store/feedback-log.js';

/**
 * Epochs: running sums of one agent's feedback from an exact instant on — the moment a change
 * was kept (or reverted). The closed loop compares them with the hours before; detectors judge a
 * changed subject on them alone, so evidence older than the change never reopens it.
 *
 * They live in the aggregates document and are folded with it, entry by entry, so reading them
 * costs nothing more than the aggregates do: the cost of a read is the number of new entries,
 * whatever the history. Like the aggregates they are derived: the optimization store says which
 * epochs must exist (`EpochSpec`), and a missing one (a rebuilt aggregates file) is caught up
 * from the log position where it began.
 */
export interface EpochSpec {
  key: string;
  agentId: string;
  since: string;
  /** For a span that ends (the time before a change): entries before this instant only. */
  until?: string;
  /** Where the log ended when the epoch began (nothing earlier can belong to it). */
  from: LogPosition;
}

export function epochKey(agentId: string, since: string, until?: string): string {
  return until === undefined ? `${agentId}@${since}` : `${agentId}@${since}..${until}`;
}

/**
 * Brings the aggregates up to date with the log AND with the epochs the caller needs: missing
 * ones are added and caught up from where they began, ones no longer wanted are dropped. Cheap
 * when nothing changed (one read of the aggregates).
 */
export async function refreshWithEpochs(
  stores: Stores,
  wanted: readonly EpochSpec[],
): Promise<AggregatesDoc> {
  const current = await stores.aggregates.read();
  if (
    samePosition(current.foldedTo, stores.log.endPosition()) &&
    sameEpochs(current, wanted) &&
    !logChangedUnder(stores.log, current)
  )
    return current;
  return stores.aggregates.mutate((doc) => {
    // First: a rebuild drops the epochs, which are then caught up below.
    let changed = rebuildIfLogChanged(stores, doc);
    const keys = new Set(wanted.map((spec) => spec.key));
    for (const key of Object.keys(doc.epochs))
      if (!keys.has(key)) {
        delete doc.epochs[key];
        changed = true;
      }
    const missing = wanted.filter((spec) => !Object.hasOwn(doc.epochs, spec.key));
    if (missing.length > 0) {
      catchUp(stores, doc, missing);
      changed = true;
    }
    return foldNew(stores, doc) > 0 || changed;
  });
}

function sameEpochs(doc: ScoreAggregates, wanted: readonly EpochSpec[]): boolean {
  const have = Object.keys(doc.epochs);
  return have.length === wanted.length && wanted.every((spec) => Object.hasOwn(doc.epochs, spec.key));
}

/** New epochs, filled with what the log holds for them up to `doc.foldedTo`. */
function catchUp(stores: Stores, doc: AggregatesDoc, specs: readonly EpochSpec[]): void {
  const epochs = specs.map((spec): EpochSums => ({
    agentId: spec.agentId,
    since: spec.since,
    ...(spec.until === undefined ? {} : { until: spec.until }),
    from: validPosition(stores.log, spec.from),
    bucket: emptyBucket(spec.since),
    kinds: {},
  }));
  const end = doc.foldedTo;
  const start = epochs.map((e) => e.from).reduce((a, b) => (comparePositions(a, b) <= 0 ? a : b));
  if (comparePositions(start, end) < 0) {
    const files = new SegmentFiles(stores);
    for (const line of stores.log.linesFrom(start)) {
      if (comparePositions(line.end, end) > 0) break;
      const file = files.of(line.end.segment);
      const entry = asEntry(parseLogLine(line, file), file, line.end.offset);
      for (const epoch of epochs)
        if (
          comparePositions(line.end, epoch.from) > 0 &&
          entry.agentId === epoch.agentId &&
          inEpoch(epoch, entry)
        )
          addToEpoch(epoch, entry);
    }
  }
  specs.forEach((spec, i) => (doc.epochs[spec.key] = epochs[i]!));
}

export function comparePositions(a: LogPosition, b: LogPosition): number {
  return a.segment - b.segment || a.offset - b.offset;
}

/**
 * A position is usable only at the start of a line of a segment that still holds it; the log may
 * have been rewritten since (a purge), and then the whole log is read again instead.
 */
function validPosition(log: FeedbackLog, position: LogPosition): LogPosition {
  const start = { segment: 0, offset: 0 };
  if (position.segment === 0 || position.offset === 0) return start;
  const file = log.segmentPath(position.segment);
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    if (fs.fstatSync(fd).size < position.offset) return start;
    const byte = Buffer.alloc(1);
    fs.readSync(fd, byte, 0, 1, position.offset - 1);
    return byte[0] === 0x0a ? position : start;
  } catch {
    return start;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** The aggregates with the wanted epochs, brought up to date in memory only: a dry run writes nothing. */
export async function peekWithEpochs(stores: Stores, wanted: readonly EpochSpec[]): Promise<AggregatesDoc> {
  const doc = await stores.aggregates.read();
  rebuildIfLogChanged(stores, doc);
  const keys = new Set(wanted.map((spec) => spec.key));
  for (const key of Object.keys(doc.epochs)) if (!keys.has(key)) delete doc.epochs[key];
  const missing = wanted.filter((spec) => !Object.hasOwn(doc.epochs, spec.key));
  if (missing.length > 0) catchUp(stores, doc, missing);
  foldNew(stores, doc);
  return doc;
}
