import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isAlive } from '../process-alive.js';
import { SEGMENT_HEADER, type FeedbackLog } from '../store/feedback-log.js';

const DRAFT = /^import-(\d+)-[0-9a-f]+\.partial$/;
/** Written bytes after which the draft starts writing them back to disk in the background. */
const FLUSH_BEHIND_BYTES = 32 * 1024 * 1024;

/**
 * An import's segment while it is being written: a file next to the log folder (never inside it,
 * where a writer holding the log lock sweeps temp files), filled a block of encoded lines at a
 * time, then fsync'ed and moved in whole by FeedbackLog.adoptSegment. A draft of a killed
 * import is removed by the next import.
 */
export class SegmentDraft {
  readonly file: string;
  private readonly folder: string;
  /** Opened with the first line: an import refused early writes nothing, not even a folder. */
  private fd = -1;
  private createdFolder: string | undefined;
  bytes = 0;
  lines = 0;
  private unflushed = 0;
  private flushing = false;

  constructor(log: FeedbackLog) {
    this.folder = path.dirname(log.dir);
    this.file = path.join(this.folder, `import-${process.pid}-${randomBytes(4).toString('hex')}.partial`);
  }

  /**
   * Adds `count` record lines already encoded (each with its newline; `ends[i]` where line i
   * ends), but those whose index `skip` holds.
   */
  addLines(bytes: Uint8Array, count: number, ends: Uint32Array, skip?: ReadonlySet<number>): void {
    if (count === 0) return;
    if (this.fd === -1) this.open();
    if (skip === undefined || skip.size === 0) {
      this.write(bytes);
      this.lines += count;
      return;
    }
    for (let i = 0, start = 0; i < count; start = ends[i]!, i++) {
      if (skip.has(i)) continue;
      this.write(bytes.subarray(start, ends[i]));
      this.lines++;
    }
  }

  /** Writes what is buffered and makes it durable; returns the size of the file. */
  finish(): number {
    if (this.fd === -1) this.open();
    fs.fsyncSync(this.fd);
    return this.bytes;
  }

  /**
   * Rewrites the draft keeping only the lines `keep` accepts (each line is handed over without
   * its newline); returns how many were dropped.
   */
  filter(keep: (line: string) => boolean): number {
    this.finish();
    const source = this.file;
    const kept = new SegmentDraftCopy(source);
    let dropped = 0;
    for (const line of readLines(source)) {
      if (keep(line)) kept.add(line);
      else dropped++;
    }
    kept.flush();
    fs.fsyncSync(kept.fd);
    fs.closeSync(this.fd);
    this.fd = kept.fd;
    this.bytes = kept.bytes;
    this.lines -= dropped;
    fs.renameSync(kept.file, source);
    return dropped;
  }

  /** Removes the draft, and the folders it created (when still empty). */
  discard(): void {
    if (this.fd === -1) return;
    try {
      fs.closeSync(this.fd);
    } catch {
      // closed already
    }
    fs.rmSync(this.file, { force: true });
    if (this.createdFolder === undefined) return;
    for (let dir = this.folder; dir.startsWith(this.createdFolder); dir = path.dirname(dir)) {
      try {
        fs.rmdirSync(dir);
      } catch {
        return; // not empty: someone else wrote there meanwhile
      }
    }
  }

  private open(): void {
    this.createdFolder = fs.mkdirSync(this.folder, { recursive: true });
    removeDeadDrafts(this.folder);
    this.fd = fs.openSync(this.file, 'wx', 0o644);
    this.write(SEGMENT_HEADER);
  }

  /** Closes the file (after adoptSegment moved it in, or before discard). */
  close(): void {
    fs.closeSync(this.fd);
    this.fd = -1;
  }

  private write(text: string | Uint8Array): void {
    const data = typeof text === 'string' ? Buffer.from(text) : text;
    let written = 0;
    while (written < data.length) written += fs.writeSync(this.fd, data, written);
    this.bytes += data.length;
    this.unflushed += data.length;
    if (this.unflushed >= FLUSH_BEHIND_BYTES && !this.flushing) this.flushBehind();
  }

  /**
   * Has what is written so far go to disk on a libuv thread while the import goes on: the fsync
   * that makes the draft durable then has little left (it took ≈ 0.2 s at the end of a 1 M-line
   * import, with nothing else to do). Durability still rests on that fsync, which reports errors.
   */
  private flushBehind(): void {
    this.flushing = true;
    this.unflushed = 0;
    fs.fdatasync(this.fd, () => (this.flushing = false));
  }
}

/** A second draft beside the first, for SegmentDraft.filter. */
class SegmentDraftCopy {
  readonly file: string;
  readonly fd: number;
  bytes = 0;
  private pending: string[] = [SEGMENT_HEADER];

  constructor(original: string) {
    this.file = `${original}.filtered`;
    this.fd = fs.openSync(this.file, 'w', 0o644);
  }

  add(line: string): void {
    this.pending.push(line, '\n');
    if (this.pending.length >= 4096) this.flush();
  }

  flush(): void {
    const data = Buffer.from(this.pending.join(''));
    let written = 0;
    while (written < data.length) written += fs.writeSync(this.fd, data, written);
    this.bytes += data.length;
    this.pending = [];
  }
}

/** The record lines of a draft (the header skipped), read in chunks split at line breaks. */
export function* readLines(file: string): Generator<string> {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(1024 * 1024);
    let carry = Buffer.alloc(0);
    let header = true;
    for (;;) {
      const read = fs.readSync(fd, buffer, 0, buffer.length, null);
      if (read === 0) break;
      const bytes =
        carry.length > 0 ? Buffer.concat([carry, buffer.subarray(0, read)]) : buffer.subarray(0, read);
      const end = bytes.lastIndexOf(0x0a) + 1;
      // Decoded only up to the last line break: a character cut by the chunk's end is carried whole.
      carry = Buffer.from(bytes.subarray(end));
      const lines = bytes.toString('utf8', 0, end).split('\n');
      lines.pop();
      for (const line of lines) {
        if (header) header = false;
        else yield line;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
}

function removeDeadDrafts(folder: string): void {
  for (const name of fs.readdirSync(folder)) {
    const match = DRAFT.exec(name.replace(/\.filtered$/, ''));
    if (match && !isAlive(Number(match[1]))) fs.rmSync(path.join(folder, name), { force: true });
  }
}
