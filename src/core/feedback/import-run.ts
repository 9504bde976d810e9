import { noteWrittenSegment } from '../patterns/segment-times.js';
import { ownOrCreate, ownValue, safeRecord, setOwn } from '../safe-record.js';
import type { Stores } from '../store/stores.js';
import { foldNew, markFolded, samePosition } from './aggregate-index.js';
import { hourKey, mergeBucket, type Bucket, type ScoreAggregates } from './aggregates.js';
import { HourSums } from './hour-sums.js';
import { IdSet } from './id-set.js';
import {
  invalidImportError,
  jsonLine,
  newLineRecords,
  recordsOf,
  type InvalidLine,
  type LineMapper,
} from './import.js';
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
}

const MAX_LISTED = 100;
/** Without --skip-invalid one invalid line already means nothing is imported: stop reading here. */
const STOP_AFTER_INVALID = 1000;

/**
 * Streams an import into one new log segment, in bounded memory: each line is validated and
 * written to a draft segment beside the log as it is read; ids given by the input are kept in a
 * compact set (see IdSet) and checked against the stored log once the input is read. The draft
 * moves in whole by rename — all or nothing, even if the process is killed. The aggregates take
 * the new entries from sums gathered on the way (no second read of the segment).
 */
export async function importFeedback(
  stores: Stores,
  input: AsyncIterable<readonly string[]>,
  now: Date,
  options: ImportOptions = {},
): Promise<{ result: ImportResult; segment: number | undefined }> {
  const mapLine = options.mapLine ?? jsonLine;
  const ids = new IdSet();
  const tally = new Tally();
  const invalid: InvalidLine[] = [];
  let invalidCount = 0;
  let lineNumber = 0;
  let inputDuplicates = 0;
  const draft = new SegmentDraft(stores.log);
  const records = newLineRecords();
  try {
    read: for await (const batch of input) {
      for (const line of batch) {
        lineNumber++;
        if (line.length === 0 || (line.charCodeAt(0) !== 0x7b && line.trim() === '')) continue;
        try {
          recordsOf(line, now, mapLine, records);
        } catch (error) {
          invalidCount++;
          if (invalid.length < MAX_LISTED)
            invalid.push({ line: lineNumber, message: (error as Error).message });
          if (!options.skipInvalid && invalidCount >= STOP_AFTER_INVALID) {
            throw invalidImportError(invalid, invalidCount, lineNumber);
          }
          continue;
        }
        for (let i = 0; i < records.count; i++) {
          const entry = records.entries[i]!;
          // A fresh id cannot be stored already; only given ones need remembering.
          if (records.given[i] && !ids.add(entry.id)) {
            inputDuplicates++;
            continue;
          }
          tally.add(entry);
          draft.add(records.lines[i]!);
        }
      }
      options.onProgress?.({ lines: lineNumber, imported: draft.lines });
      if (!options.skipInvalid && invalidCount > 0 && invalidCount >= STOP_AFTER_INVALID) break read;
    }
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
  }
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
  tally: Tally,
  onLateDuplicates: (count: number) => Tally,
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
function dropMarked(draft: SegmentDraft, ids: IdSet): Tally {
  draft.filter((line) => {
    const id = idOf(line);
    return id === undefined || !ids.isMarked(id);
  });
  const tally = new Tally();
  for (const line of readLines(draft.file)) tally.add(JSON.parse(line) as FeedbackEntry);
  return tally;
}

interface AgentHours {
  count: number;
  byHour: Map<string, HourSums>;
  lastHour: string;
  last: HourSums | undefined;
}

/** Per-agent counts, the time range and the hourly sums of the entries taken so far. */
class Tally {
  from: string | null = null;
  to: string | null = null;
  /** agentId → hour key → sums (Maps and HourSums: no keyed lookups in records per entry). */
  private readonly hours = new Map<string, AgentHours>();

  /** Entries taken per agent. */
  get agents(): Record<string, number> {
    const agents = safeRecord<number>();
    for (const [agentId, { count }] of this.hours) setOwn(agents, agentId, count);
    return agents;
  }

  add(entry: FeedbackEntry): void {
    if (this.from === null || entry.timestamp < this.from) this.from = entry.timestamp;
    if (this.to === null || entry.timestamp > this.to) this.to = entry.timestamp;
    let agent = this.hours.get(entry.agentId);
    if (agent === undefined) {
      agent = { count: 0, byHour: new Map(), lastHour: '', last: undefined };
      this.hours.set(entry.agentId, agent);
    }
    agent.count++;
    // An agent's entries mostly come hour by hour: the last hour's sums are at hand without a key.
    if (agent.last === undefined || !entry.timestamp.startsWith(agent.lastHour)) {
      const hour = hourKey(entry.timestamp);
      let sums = agent.byHour.get(hour);
      if (sums === undefined) agent.byHour.set(hour, (sums = new HourSums(entry.timestamp)));
      agent.lastHour = hour;
      agent.last = sums;
    }
    agent.last.add(entry);
  }

  /** Epochs are exact instants, not hours: an import touching one is folded from the log instead. */
  touchesEpochs(doc: ScoreAggregates): boolean {
    return Object.values(doc.epochs).some((epoch) => this.hours.has(epoch.agentId));
  }

  mergeInto(doc: ScoreAggregates): void {
    for (const [agentId, { byHour }] of this.hours) {
      const into = ownOrCreate(doc.agents, agentId, safeRecord<Bucket>);
      for (const [hour, sums] of byHour) {
        const bucket = sums.toBucket();
        const existing = ownValue(into, hour);
        if (existing) mergeBucket(existing, bucket);
        else setOwn(into, hour, bucket);
      }
    }
  }
}
