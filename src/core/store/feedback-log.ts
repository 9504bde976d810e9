import fs from 'node:fs';
import path from 'node:path';
import type { Kv1ntError } from '../errors.js';
import { logCorrupt, storeTooNew, hasErrno } from '../errors.js';
import { atomicWriteFile, atomicWriteWith, fsyncDir } from './atomic-file.js';
import type { DataDir } from './data-dir.js';
import { withLock } from './lock.js';
import { LineCursor, lastNewlineEnd, parseLogLine, type LogLine, type LogPosition } from './log-line.js';

export { LineCursor, parseLogLine, type LogLine, type LogPosition } from './log-line.js';

/**
 * The feedback log: the high-volume `feedback_entries` table as numbered JSON Lines segments
 * (`feedback/log/000001.jsonl`, …). Recording appends one line to the newest segment — it never
 * rewrites history, so its cost does not grow with the log. A new segment starts when the newest
 * passes `maxSegmentBytes`, and an import arrives as one whole new segment (written aside, then
 * renamed in), which makes an import all-or-nothing even if the process is killed.
 *
 * Every segment starts with a header line carrying the log's schema version.
 * A record is acknowledged only after its bytes are fdatasync'ed. A writer killed mid-append can
 * leave a torn, unterminated last line: readers ignore it, and the next writer moves it to
 * `<segment>.torn` before appending, so no complete record is ever lost or glued to garbage.
 */
export const LOG_SCHEMA_VERSION = 1;
const HEADER = `${JSON.stringify({ format: 'kv1nt-feedback-log', schemaVersion: LOG_SCHEMA_VERSION })}\n`;
export const SEGMENT_HEADER = HEADER;
type Span = { before: LogPosition; after: LogPosition };
const NEWLINE = 0x0a;
const READ_CHUNK = 8 * 1024 * 1024;

export interface FeedbackLogOptions {
  maxSegmentBytes?: number;
  lockTimeoutMs?: number;
}

export class FeedbackLog {
  readonly dir: string;
  /** The size past which appends start a new segment: a segment below it may still grow. */
  readonly maxSegmentBytes: number;
  private readonly lockTimeoutMs: number;

  constructor(
    private readonly dataDir: DataDir,
    options: FeedbackLogOptions = {},
  ) {
    this.dir = dataDir.path('feedback', 'log');
    this.maxSegmentBytes = options.maxSegmentBytes ?? 64 * 1024 * 1024;
    this.lockTimeoutMs = options.lockTimeoutMs ?? 30_000;
  }

  /** Appends complete JSON lines (each without its newline) durably, as one write. */
  async append(lines: readonly string[]): Promise<void> {
    if (lines.length === 0) return;
    const payload = Buffer.from(`${lines.join('\n')}\n`);
    await this.locked(() => {
      let segment = this.segments().at(-1) ?? this.createSegment(1);
      let fd = fs.openSync(this.segmentPath(segment), 'r+');
      try {
        let size = dropTornTail(fd, this.segmentPath(segment));
        if (size === 0) {
          // The segment's creator died before its header was complete.
          writeAll(fd, Buffer.from(HEADER), 0);
          size = HEADER.length;
        } else {
          // Never add records to a segment of another (newer) format.
          checkHeader(fd, this.segmentPath(segment));
        }
        if (size >= this.maxSegmentBytes) {
          fs.closeSync(fd);
          segment = this.createSegment(segment + 1);
          fd = fs.openSync(this.segmentPath(segment), 'r+');
          size = HEADER.length;
        }
        writeAll(fd, payload, size);
        fs.fdatasyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    });
  }

  /** Adds `lines` as one new segment, atomically: all of them become visible, or none. */
  async appendSegment(lines: readonly string[]): Promise<Span | undefined> {
    if (lines.length === 0) return undefined;
    const content = `${HEADER}${lines.join('\n')}\n`;
    // Written in place under the lock (atomically): the adoption's rename is then a no-op.
    return this.adoptSegment((before) => {
      const file = this.segmentPath(before.segment + 1);
      atomicWriteFile(file, content);
      return { file, bytes: Buffer.byteLength(content) };
    });
  }

  /** Moves a segment written aside (header first, fsync'ed) in next, atomically; `prepare` runs under the lock first. */
  async adoptSegment(prepare: (before: LogPosition) => { file: string; bytes: number }): Promise<Span> {
    let span: Span | undefined;
    await this.locked(() => {
      const before = this.endPosition();
      const { file, bytes } = prepare(before);
      fs.renameSync(file, this.segmentPath(before.segment + 1));
      fsyncDir(this.dir);
      span = { before, after: { segment: before.segment + 1, offset: bytes } };
    });
    return span!;
  }

  /**
   * Drops every record for which `keep` is false (an agent's purge, a prune), rewriting only the
   * segments that change, each atomically (a crash leaves each segment whole, old or new). A
   * segment is read twice — does it change, then copy what stays — in bounded memory; `keep` must
   * answer the same both times, `onDrop` sees each dropped record once.
   */
  async rewrite(keep: (record: unknown) => boolean, onDrop?: (record: unknown) => void): Promise<number> {
    let removed = 0;
    await this.locked(() => {
      for (const segment of this.segments()) {
        const file = this.segmentPath(segment);
        let dropped = 0;
        for (const line of this.segmentLines(segment, 0)) if (!keep(parseLogLine(line, file))) dropped++;
        if (dropped === 0) continue;
        atomicWriteWith(file, (write) => {
          write(HEADER);
          for (const line of this.segmentLines(segment, 0)) {
            const record = parseLogLine(line, file);
            if (keep(record)) write(`${line.text}\n`);
            else onDrop?.(record);
          }
        });
        removed += dropped;
      }
    });
    return removed;
  }

  /** Segment numbers, ascending. */
  segments(): number[] {
    let names: string[];
    try {
      if (!this.dataDir.vetExisting('feedback', 'log')) return [];
      names = fs.readdirSync(this.dir);
    } catch (error) {
      if (hasErrno(error, 'ENOENT')) return [];
      throw error;
    }
    const numbers: number[] = [];
    for (const name of names) {
      const match = /^(\d{6,})\.jsonl$/.exec(name);
      if (match?.[1]) numbers.push(Number(match[1]));
    }
    return numbers.sort((a, b) => a - b);
  }

  segmentPath(segment: number): string {
    return path.join(this.dir, `${String(segment).padStart(6, '0')}.jsonl`);
  }

  /** Where the readable log ends now (a torn last line is not part of it). */
  endPosition(): LogPosition {
    const last = this.segments().at(-1);
    if (last === undefined) return { segment: 0, offset: 0 };
    return { segment: last, offset: fs.statSync(this.segmentPath(last)).size };
  }

  /** Total bytes of all segments. */
  bytes(): number {
    return this.segments().reduce((sum, s) => sum + fs.statSync(this.segmentPath(s)).size, 0);
  }

  /**
   * Every complete record line from `from` on, in log order. Lines that do not parse as JSON in
   * the middle of a segment mean damage: that stops the read with the file and byte offset.
   */
  *linesFrom(from: LogPosition = { segment: 0, offset: 0 }): Generator<LogLine> {
    for (const segment of this.segments()) {
      if (segment < from.segment) continue;
      const start = segment === from.segment ? from.offset : 0;
      yield* this.segmentLines(segment, start);
    }
  }

  /**
   * The fast whole-segment read for scans over many entries: each chunk is decoded once and
   * split in place, and `visit` gets one reused cursor rather than a LogLine per record. The
   * cursor's byte position is worked out only when asked for (error messages). Returns where
   * the readable segment ends (a torn last line is not part of it). `range` reads only the lines
   * from byte `from` (0: the first record) to byte `to` (each just after a newline; Infinity: to
   * the end), for two readers of one segment.
   */
  scanSegment(
    segment: number,
    visit: (cursor: LineCursor) => void,
    range: { from: number; to: number } = { from: 0, to: Infinity },
  ): number {
    const file = this.segmentPath(segment);
    const fd = fs.openSync(file, 'r');
    try {
      const cursor = new LineCursor(segment, file);
      let end = Math.max(checkHeader(fd, file), range.from);
      for (const { chunk, offset } of completeLines(fd, end, range.to)) {
        const text = chunk.toString('utf8');
        cursor.chunk = text;
        cursor.chunkOffset = offset;
        let lineStart = 0;
        for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', lineStart)) {
          cursor.text = text.slice(lineStart, nl);
          cursor.chunkEnd = nl + 1;
          // A record starts with '{': only other lines need the (allocating) blank test.
          if (cursor.text.charCodeAt(0) === 0x7b || cursor.text.trim() !== '') visit(cursor);
          lineStart = nl + 1;
        }
        end = offset + chunk.length;
      }
      return end;
    } finally {
      fs.closeSync(fd);
    }
  }

  private *segmentLines(segment: number, start: number): Generator<LogLine> {
    const file = this.segmentPath(segment);
    const fd = fs.openSync(file, 'r');
    try {
      for (const { chunk, offset } of completeLines(fd, start === 0 ? checkHeader(fd, file) : start)) {
        let lineStart = 0;
        for (let nl = chunk.indexOf(NEWLINE); nl !== -1; nl = chunk.indexOf(NEWLINE, lineStart)) {
          const text = chunk.toString('utf8', lineStart, nl);
          if (text.trim() !== '') yield { text, end: { segment, offset: offset + nl + 1 } };
          lineStart = nl + 1;
        }
      }
    } finally {
      fs.closeSync(fd);
    }
  }

  private createSegment(segment: number): number {
    const file = this.segmentPath(segment);
    const fd = fs.openSync(
      file,
      fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW,
      0o644,
    );
    try {
      writeAll(fd, Buffer.from(HEADER), 0);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fsyncDir(this.dir);
    return segment;
  }

  private async locked(fn: () => void): Promise<void> {
    this.dataDir.ensureDir('feedback', 'log');
    const locks = this.dataDir.ensureDir('locks');
    await withLock(
      path.join(locks, 'feedback-log.lock'),
      () => {
        removeStaleTempsIn(this.dir);
        fn();
      },
      { timeoutMs: this.lockTimeoutMs },
    );
  }
}

function checkHeader(fd: number, file: string): number {
  const buffer = Buffer.alloc(256);
  const read = fs.readSync(fd, buffer, 0, buffer.length, 0);
  const nl = buffer.subarray(0, read).indexOf(NEWLINE);
  if (nl === -1) {
    // A segment being created has no complete header yet: nothing to read in it.
    if (read < buffer.length) return read;
    throw badHeader(file, 'no header line');
  }
  let header: { format?: unknown; schemaVersion?: unknown };
  try {
    header = JSON.parse(buffer.toString('utf8', 0, nl)) as typeof header;
  } catch {
    throw badHeader(file, 'the header line is not JSON');
  }
  if (header.format !== 'kv1nt-feedback-log') throw badHeader(file, 'it is not a kv1nt feedback log segment');
  if (typeof header.schemaVersion !== 'number' || header.schemaVersion > LOG_SCHEMA_VERSION) {
    throw storeTooNew(
      `The feedback log segment ${file} has schema version ${String(header.schemaVersion)}; this kv1nt reads up to ${LOG_SCHEMA_VERSION}.`,
      ['Upgrade kv1nt to the version that wrote this data dir.'],
      'docs/storage.md#feedback-log',
    );
  }
  return nl + 1;
}

function badHeader(file: string, reason: string): Kv1ntError {
  return logCorrupt(`The feedback log segment ${file} is unreadable: ${reason}. kv1nt has not changed it.`, [
    `Move ${file} out of the log folder if it does not belong there, or restore it from a backup.`,
  ]);
}

/**
 * If the segment ends in an unterminated line (a writer died mid-append, before acknowledging
 * it), moves those bytes to `<segment>.torn` and truncates them away. Returns the new size.
 */
function dropTornTail(fd: number, file: string): number {
  const size = fs.fstatSync(fd).size;
  if (size === 0) return 0;
  const last = Buffer.alloc(1);
  fs.readSync(fd, last, 0, 1, size - 1);
  if (last[0] === NEWLINE) return size;
  const keep = lastNewlineEnd(fd, size);
  const torn = Buffer.alloc(size - keep);
  fs.readSync(fd, torn, 0, torn.length, keep);
  fs.appendFileSync(`${file}.torn`, Buffer.concat([torn, Buffer.from('\n')]));
  fs.ftruncateSync(fd, keep);
  fs.fsyncSync(fd);
  return keep;
}

function writeAll(fd: number, data: Buffer, position: number): void {
  let written = 0;
  while (written < data.length) {
    written += fs.writeSync(fd, data, written, data.length - written, position + written);
  }
}

/** Half-written import segments of a killed writer; only called under the log lock. */
function removeStaleTempsIn(dir: string): void {
  for (const name of fs.readdirSync(dir)) {
    if (name.endsWith('.tmp')) fs.rmSync(path.join(dir, name), { force: true });
  }
}

/**
 * The file from `offset` on (up to byte `limit`), in chunks that end at a newline, each with its file offset. Whatever
 * follows the last newline is an unterminated (torn or in-flight) line: not a record yet, never
 * yielded.
 */
function* completeLines(
  fd: number,
  offset: number,
  limit = Infinity,
): Generator<{ chunk: Buffer; offset: number }> {
  let buffer = Buffer.allocUnsafe(READ_CHUNK);
  // The bytes of an incomplete last line, moved to the front of the buffer for the next read:
  // a few hundred bytes copied per chunk rather than the whole chunk.
  let carried = 0;
  for (;;) {
    if (carried === buffer.length) {
      const bigger = Buffer.allocUnsafe(buffer.length * 2);
      buffer.copy(bigger, 0, 0, carried);
      buffer = bigger;
    }
    const wanted = Math.min(buffer.length - carried, limit - offset - carried);
    const read = wanted <= 0 ? 0 : fs.readSync(fd, buffer, carried, wanted, offset + carried);
    if (read === 0) return;
    const end = carried + read;
    const complete = buffer.lastIndexOf(NEWLINE, end - 1) + 1;
    // The consumer is done with this chunk before the next read reuses the buffer.
    if (complete > 0) yield { chunk: buffer.subarray(0, complete), offset };
    buffer.copyWithin(0, complete, end);
    carried = end - complete;
    offset += complete;
  }
}
