import { Kv1ntError } from '../errors.js';
import { parseLogLine, type LogPosition } from '../store/feedback-log.js';
import type { AggregatesDoc, Stores } from '../store/stores.js';
import { EpochFolder, foldEntry } from './aggregates.js';
import type { FeedbackEntry } from './types.js';

/**
 * Brings `score_aggregates` up to date with the log and returns it. Recording never touches the
 * aggregates (that keeps it O(1)); readers fold in whatever was appended since the last fold, so
 * the cost of a read is the number of new entries, not the size of the history.
 */
export async function refreshAggregates(stores: Stores): Promise<AggregatesDoc> {
  const current = await stores.aggregates.read();
  if (samePosition(current.foldedTo, stores.log.endPosition())) return current;
  return stores.aggregates.mutate((doc) => foldNew(stores, doc) > 0);
}

/** Folds every log line after `doc.foldedTo` into `doc`; returns how many entries it folded. */
export function foldNew(stores: Stores, doc: AggregatesDoc): number {
  let folded = 0;
  const files = new SegmentFiles(stores);
  const epochs = new EpochFolder(Object.values(doc.epochs));
  for (const line of stores.log.linesFrom(doc.foldedTo)) {
    const file = files.of(line.end.segment);
    const entry = asEntry(parseLogLine(line, file), file, line.end.offset);
    foldEntry(doc, entry);
    if (!epochs.empty) epochs.fold(entry);
    doc.foldedTo = line.end;
    folded++;
  }
  return folded;
}

/** Every entry in the log, in order (for commands that need raw records). */
export function* allEntries(stores: Stores): Generator<FeedbackEntry> {
  const files = new SegmentFiles(stores);
  for (const line of stores.log.linesFrom()) {
    const file = files.of(line.end.segment);
    yield asEntry(parseLogLine(line, file), file, line.end.offset);
  }
}

/** A segment's file name, built once per segment rather than once per line. */
export class SegmentFiles {
  private segment = -1;
  private file = '';
  constructor(private readonly stores: Stores) {}
  of(segment: number): string {
    if (segment !== this.segment) {
      this.segment = segment;
      this.file = this.stores.log.segmentPath(segment);
    }
    return this.file;
  }
}

/** Checks that a parsed log record is a feedback entry; `file` and `offset` name it if not. */
export function asEntry(record: unknown, file: string, offset: number): FeedbackEntry {
  const entry = record as Partial<FeedbackEntry> | null;
  if (
    entry === null ||
    typeof entry !== 'object' ||
    typeof entry.agentId !== 'string' ||
    typeof entry.type !== 'string' ||
    typeof entry.timestamp !== 'string' ||
    typeof entry.score !== 'number'
  ) {
    throw new Kv1ntError(
      'STORE_CORRUPT',
      `The feedback log segment ${file} is damaged: the record ending at byte ${offset} is not a feedback entry. kv1nt has not changed it.`,
      {
        suggestions: [
          `Restore ${file} from a backup, or remove that line by hand; every other record is intact.`,
        ],
      },
    );
  }
  return entry as FeedbackEntry;
}

export function samePosition(a: LogPosition, b: LogPosition): boolean {
  return a.segment === b.segment && a.offset === b.offset;
}
