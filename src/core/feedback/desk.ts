import type { Stores } from '../store/stores.js';
import { Readable } from 'node:stream';
import { exportFeedback, type ExportCount, type ExportFormat } from './export.js';
import { checkFilter, type FeedbackFilter } from './filter.js';
import { importFeedback, type ImportOptions, type ImportResult } from './import-run.js';
import { IMPORT_LIMITS, importBlocks, type ImportSource } from './import-source.js';
import type { ImportBlock } from './import-block.js';
import { listFeedback } from './list.js';
import { mapOtlpLine, OTLP_LINE_BYTES, type OtlpIgnored } from './otlp.js';
import { Recorder } from './recorder.js';
import { readLines } from './segment-draft.js';
import type { FeedbackEntry, FeedbackInput } from './types.js';
import { toFeedbackRecord } from './validate.js';

export type { ImportResult };

export const IMPORT_FORMATS = ['jsonl', 'otlp'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** An import's options as callers give them: a format names how lines become entries. */
export interface FormatImportOptions extends Omit<ImportOptions, 'mapLine'> {
  /** jsonl (kv1nt entries, the default) or otlp (OTLP/JSON trace exports, docs/feedback.md). */
  format?: ImportFormat;
}
export type FeedbackListener = (entry: FeedbackEntry) => void;

/**
 * Where feedback comes in — validated, made durable, then told to the listeners of this process —
 * and goes out again (list, export).
 */
export class FeedbackDesk {
  private readonly recorder: Recorder;
  private readonly listeners = new Set<FeedbackListener>();

  constructor(
    private readonly stores: Stores,
    private readonly clock: () => Date,
  ) {
    this.recorder = new Recorder(stores.log);
  }

  /** Validates all first: one invalid input and nothing is written. */
  async recordMany(inputs: readonly FeedbackInput[]): Promise<FeedbackEntry[]> {
    const now = this.clock();
    const records = inputs.map((input) => toFeedbackRecord(input, now));
    await this.recorder.write(records.map((record) => record.line));
    const entries = records.map((record) => record.entry);
    this.notify(entries);
    return entries;
  }

  /** Text held in memory (the API), imported like a file. */
  importLines(text: string, options: FormatImportOptions = {}): Promise<ImportResult> {
    return this.importFrom({ file: '-', stdin: Readable.from([Buffer.from(text)]) }, options);
  }

  /** `feedback import`: a file, a pipe or standard input, streamed in bounded memory. */
  async importFrom(source: ImportSource, options: FormatImportOptions = {}): Promise<ImportResult> {
    const { format, ...rest } = options;
    if (format !== 'otlp') return this.importStream(importBlocks(source, rest.limits), rest);
    // A Collector writes a whole batch of spans on one line: far longer than one entry.
    const limits = { ...(rest.limits ?? IMPORT_LIMITS), lineBytes: OTLP_LINE_BYTES };
    const ignored: OtlpIgnored = { spans: 0, evaluations: 0 };
    const result = await this.importStream(importBlocks(source, limits), {
      ...rest,
      limits,
      mapLine: (line) => mapOtlpLine(line, ignored),
    });
    return { ...result, ignored };
  }

  /** `feedback list`: the newest `limit` entries passing `filter`, newest first. */
  list(filter: FeedbackFilter, limit = 50): FeedbackEntry[] {
    return listFeedback(this.stores, checkFilter(filter, this.clock()), limit);
  }

  /**
   * `feedback export`: the matching entries in storage order, as text chunks (bounded memory).
   * The filter is checked at once, before the first chunk; `count` grows as chunks are taken.
   */
  export(
    filter: Pick<FeedbackFilter, 'agentId' | 'since' | 'until'>,
    format: ExportFormat,
    count?: ExportCount,
  ): Generator<string | Buffer> {
    return exportFeedback(this.stores, checkFilter(filter, this.clock()), format, count);
  }

  /**
   * An import, streamed (a block of lines at a time), all or nothing unless `skipInvalid`. The batch
   * lands atomically; ids already stored are skipped.
   */
  async importStream(input: AsyncIterable<ImportBlock>, options: ImportOptions = {}): Promise<ImportResult> {
    const { result, segment } = await importFeedback(this.stores, input, this.clock(), options);
    // Read back only for in-process listeners: an import is never held in memory whole.
    if (segment !== undefined && this.listeners.size > 0) {
      for (const line of readLines(this.stores.log.segmentPath(segment)))
        this.notify([JSON.parse(line) as FeedbackEntry]);
    }
    return result;
  }

  onFeedback(listener: FeedbackListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(entries: readonly FeedbackEntry[]): void {
    for (const entry of entries) {
      for (const listener of this.listeners) {
        // The entry is already durable: a faulty listener must not turn that into a failure.
        try {
          listener(entry);
        } catch (error) {
          process.emitWarning(`kv1nt onFeedback listener threw: ${(error as Error).message}`);
        }
      }
    }
  }
}
