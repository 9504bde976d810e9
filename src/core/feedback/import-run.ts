import { noteWrittenSegment } from '../patterns/segment-times.js';
import type { Stores } from '../store/stores.js';
import { foldNew, markFolded, samePosition } from './aggregate-index.js';
import { IdSet } from './id-set.js';
import { invalidImportError, jsonLine, type InvalidLine, type LineMapper } from './import.js';
import { MAX_LISTED, processBlock, type BlockResult, type ImportBlock } from './import-block.js';
import type { ImportPool } from './import-pool.js';
import { ImportTally } from './import-tally.js';
import { idOf, markStoredIds } from './log-fields.js';
import type { ImportLimits } from './import-source.js';
import type { OtlpIgnored } from './otlp.js';
import { readLines, SegmentDraft } from './segment-draft.js';
import type { FeedbackEntry } from './types.js';

/** What `feedback import` reports: counts, never the ids (an import may hold millions). */
export interface ImportResult {
  imported: number;
  /** Lines whose id is stored already (or came earlier in the same input): skipped. */
  duplicates: number;
  /** Invalid lines skipped (--skip-invalid). */
  skipped: number;
  /** The first invalid lines (at most MAX_LISTED), by number. */
  invalidLines: InvalidLine[];
  /** Entries imported per agent. */
  agents: Record<string, number>;
  /** Earliest and latest timestamp imported; null when nothing was. */
  from: string | null;
  to: string | null;
  /** --format otlp: spans without gen_ai.operation.name, evaluations without a 0–1 score. */
  ignored?: OtlpIgnored;
}

export interface ImportProgress {
  lines: number;
  imported: number;
}

export interface ImportOptions {
  skipInvalid?: boolean;
  /** How a line becomes entries (default: JSON Lines, one entry per line). */
  mapLine?: LineMapper;
  /** Called after every chunk of input: a progress display hooks in here. */
  onProgress?: (progress: ImportProgress) => void;
  /** The reader's bounds (a format of long lines raises lineBytes). */
  limits?: ImportLimits;
  /** Worker threads for a big JSON Lines input (default: one per core but this one's, up to 4; 0: none). */
  workers?: number;
  /** Blocks of a pipe read on the main thread before the workers start (default 4, about 4 MB). */
  parallelAfterBlocks?: number;
}

/** Without --skip-invalid one invalid line already means nothing is imported: stop reading here. */
const STOP_AFTER_INVALID = 1000;
/**
 * Worker threads start at once for a file of this size, or after this many blocks (~1 MB each) of
 * a pipe: a small import is done sooner without.
 */
const PARALLEL_FROM_BYTES = 4 * 1024 * 1024;
const PARALLEL_AFTER_BLOCKS = 4;
/** Blocks read ahead of the one taken next (each ~1 MB in, ~2 MB out): bounds memory. */
const MAX_PENDING = 4;

/**
 * Streams an import into one new log segment, in bounded memory: each block of lines is validated
 * and its log lines are written to a draft segment beside the log as it is read; ids given by the
 * input are kept in a compact set (see IdSet) and checked against the stored log once the input is
 * read. The draft moves in whole by rename — all or nothing, even if the process is killed. The
 * aggregates take the new entries from sums gathered on the way (no second read of the segment).
 * A big JSON Lines input is validated and encoded by worker threads (see ImportPool), block by
 * block; their results are taken in input order, exactly as the main thread's own would be.
 */
export async function importFeedback(
  stores: Stores,
  input: AsyncIterable<ImportBlock>,
  now: Date,
  options: ImportOptions = {},
): Promise<{ result: ImportResult; segment: number | undefined }> {
  const mapLine = options.mapLine ?? jsonLine;
  // Other formats keep state across lines (OTLP counts what it ignores): they stay on this thread.
  let parallel = options.mapLine === undefined && options.workers !== 0;
  const parallelAfter = options.parallelAfterBlocks ?? PARALLEL_AFTER_BLOCKS;
  const ids = new IdSet();
  const tally = new ImportTally();
  const invalid: InvalidLine[] = [];
  let invalidCount = 0;
  let lineNumber = 0;
  let inputDuplicates = 0;
  const draft = new SegmentDraft(stores.log);
  let pool: ImportPool | undefined;
  /** Blocks in input order, done or under way in a worker. */
  const queue: Array<{ result?: BlockResult; done?: Promise<BlockResult> }> = [];

  /** Takes a block's result, in input order: ids checked, lines written, sums folded. */
  const take = (block: BlockResult): void => {
    lineNumber += block.lines;
    invalidCount += block.invalidCount;
    for (const line of block.invalid) if (invalid.length < MAX_LISTED) invalid.push(line);
    if (!options.skipInvalid && invalidCount >= STOP_AFTER_INVALID)
      throw invalidImportError(invalid, invalidCount, lineNumber);
    let skip: Set<number> | undefined;
    block.givenIds.forEach((id, k) => {
      // A fresh id cannot be stored already; only given ones need remembering.
      if (ids.add(id)) return;
      inputDuplicates++;
      (skip ??= new Set()).add(block.givenAt[k]!);
    });
    draft.addLines(block.bytes, block.count, block.ends, skip);
    tally.addColumns(block.tally, skip);
    options.onProgress?.({ lines: lineNumber, imported: draft.lines });
  };

  try {
    let blocks = 0;
    for await (const block of input) {
      const big = (block.inputBytes ?? 0) >= PARALLEL_FROM_BYTES;
      if ((++blocks > parallelAfter || big) && parallel && pool === undefined) {
        pool = await startPool(options.workers, now);
        if (pool === undefined) parallel = false;
      }
      if (pool === undefined) {
        take(processBlock(block, now, mapLine));
        continue;
      }
      // A worker takes the block if one has room; otherwise this thread does it meanwhile.
      const done = pool.trySubmit(block);
      if (done === undefined) queue.push({ result: processBlock(block, now, mapLine) });
      else {
        const item: (typeof queue)[number] = { done };
        // Taken in order below; a failure meanwhile must not count as unhandled.
        done.then((result) => (item.result = result)).catch(() => undefined);
        queue.push(item);
      }
      // What is done is taken at once, in order; the reader waits only when too much is pending.
      while (queue.length > 0 && (queue[0]!.result !== undefined || queue.length >= MAX_PENDING)) {
        const next = queue.shift()!;
        take(next.result ?? (await next.done!));
      }
    }
    for (const item of queue) take(item.result ?? (await item.done!));
    // The workers' part is done: their memory goes before the commit's.
    await pool?.close();
    if (invalidCount > 0 && !options.skipInvalid) throw invalidImportError(invalid, invalidCount);
    let final = tally;
    let storedDuplicates = ids.size > 0 ? markStoredIds(stores.log, ids) : 0;
    const scannedTo = stores.log.endPosition();
    if (storedDuplicates > 0) final = dropMarked(draft, ids);
    const result = (): ImportResult => ({
      imported: draft.lines,
      duplicates: inputDuplicates + storedDuplicates,
      skipped: invalidCount,
      invalidLines: invalid,
      agents: final.agents,
      from: final.from,
      to: final.to,
    });
    if (draft.lines === 0) {
      draft.discard();
      return { result: result(), segment: undefined };
    }
    draft.finish();
    const segment = await commit(stores, draft, ids, scannedTo, final, (more) => {
      storedDuplicates += more;
      final = dropMarked(draft, ids);
      return final;
    });
    return { result: result(), segment };
  } catch (error) {
    draft.discard();
    throw error;
  } finally {
    await pool?.close();
  }
}

/** Worker threads for the rest of an import, or none on a single core (loaded only when wanted). */
async function startPool(count: number | undefined, now: Date): Promise<ImportPool | undefined> {
  const { ImportPool, importWorkers } = await import('./import-pool.js');
  const size = count ?? importWorkers();
  return size > 0 ? new ImportPool(size, now) : undefined;
}

/**
 * Moves the draft in as the next segment and folds it into the aggregates, under the aggregates
 * lock and then the log lock: ids stored since the first check (a concurrent import) are caught
 * there, and the sums gathered while reading are added only if nothing else landed in between.
 */
async function commit(
  stores: Stores,
  draft: SegmentDraft,
  ids: IdSet,
  scannedTo: ReturnType<Stores['log']['endPosition']>,
  tally: ImportTally,
  onLateDuplicates: (count: number) => ImportTally,
): Promise<number> {
  let folded = tally;
  let written: { segment: number; offset: number } | undefined;
  await stores.aggregates.locked(async (db) => {
    foldNew(stores, db.data);
    const span = await stores.log.adoptSegment((before) => {
      if (ids.size > 0 && !samePosition(before, scannedTo)) {
        const late = markStoredIds(stores.log, ids, scannedTo);
        if (late > 0) folded = onLateDuplicates(late);
      }
      return { file: draft.file, bytes: draft.finish() };
    });
    draft.close();
    written = span.after;
    if (samePosition(span.before, db.data.foldedTo)) {
      if (folded.touchesEpochs(db.data)) foldNew(stores, db.data);
      else {
        folded.mergeInto(db.data);
        markFolded(stores.log, db.data, span.after);
      }
    }
    await db.write();
  });
  // The new segment's time span, for windowed reads (derived: losing it only costs speed).
  const { segment, offset } = written!;
  if (folded.from !== null) noteWrittenSegment(stores.log, segment, offset, [folded.from, folded.to!]);
  return segment;
}

/** Drops the lines whose id was marked stored from the draft, and tallies what is left. */
function dropMarked(draft: SegmentDraft, ids: IdSet): ImportTally {
  draft.filter((line) => {
    const id = idOf(line);
    return id === undefined || !ids.isMarked(id);
  });
  const tally = new ImportTally();
  for (const line of readLines(draft.file)) tally.add(JSON.parse(line) as FeedbackEntry);
  return tally;
}
