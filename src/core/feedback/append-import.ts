import { noteWrittenSegment } from '../patterns/segment-times.js';
import type { LogPosition } from '../store/feedback-log.js';
import type { Stores } from '../store/stores.js';
import { foldNew, markFolded, samePosition } from './aggregate-index.js';
import { foldEntries } from './aggregates.js';
import type { FeedbackEntry } from './types.js';

/**
 * Appends an import's lines to the log as one segment, atomically. The entries are parsed already:
 * they are folded into the aggregates at once, so that the next reader does not re-read a large
 * import from the log — only when nothing else landed in between.
 */
export async function appendImport(
  stores: Stores,
  entries: readonly FeedbackEntry[],
  lines: readonly string[],
): Promise<void> {
  let written: LogPosition | undefined;
  await stores.aggregates.locked(async (db) => {
    foldNew(stores, db.data);
    const span = await stores.log.appendSegment(lines);
    written = span?.after;
    if (span && samePosition(span.before, db.data.foldedTo)) {
      foldEntries(db.data, entries);
      markFolded(stores.log, db.data, span.after);
    }
    await db.write();
  });
  // The new segment's time span, for windowed reads (derived: losing it only costs speed).
  if (written) noteWrittenSegment(stores.log, written.segment, written.offset, timestampsOf(entries));
}

function* timestampsOf(entries: readonly FeedbackEntry[]): Generator<string> {
  for (const entry of entries) yield entry.timestamp;
}
