import type { Stores } from '../store/stores.js';
import { appendImport } from './append-import.js';
import { invalidImportError, jsonlLine, parseImport, type InvalidLine, type LineMapper } from './import.js';
import { mapOtlpLine, type OtlpIgnored } from './otlp.js';
import { Recorder } from './recorder.js';
import type { FeedbackEntry, FeedbackInput } from './types.js';
import { toFeedbackRecord } from './validate.js';

export interface ImportResult {
  imported: number;
  skipped: InvalidLine[];
  ids: string[];
  /** --format otlp: spans without gen_ai.operation.name, evaluations without a 0–1 score. */
  ignored?: OtlpIgnored;
}

export const IMPORT_FORMATS = ['jsonl', 'otlp'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export interface ImportOptions {
  skipInvalid?: boolean;
  /** jsonl (kv1nt entries, the default) or otlp (OTLP/JSON trace exports). */
  format?: ImportFormat;
}

export type FeedbackListener = (entry: FeedbackEntry) => void;

/** Where feedback comes in: validated, made durable, then told to the listeners of this process. */
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

  /** Line-by-line import, all or nothing unless `skipInvalid`. The batch lands atomically. */
  async importLines(text: string, options: ImportOptions = {}): Promise<ImportResult> {
    const ignored: OtlpIgnored = { spans: 0, evaluations: 0 };
    const mapLine: LineMapper =
      options.format === 'otlp' ? (line, now) => mapOtlpLine(line, now, ignored) : jsonlLine;
    const { entries, lines, invalid } = parseImport(text, this.clock(), mapLine);
    if (invalid.length > 0 && !options.skipInvalid) throw invalidImportError(invalid);
    await appendImport(this.stores, entries, lines);
    this.notify(entries);
    const result: ImportResult = {
      imported: entries.length,
      skipped: invalid,
      ids: entries.map((entry) => entry.id),
    };
    if (options.format === 'otlp') result.ignored = ignored;
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
