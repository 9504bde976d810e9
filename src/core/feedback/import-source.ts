import fs from 'node:fs';
import { Readable } from 'node:stream';
import { Kv1ntError, invalidInput, hasErrno } from '../errors.js';
import type { ImportBlock } from './import-block.js';

/**
 * Bounds of `feedback import`'s input. A line longer than `lineBytes` cannot be an entry (one is
 * at most 64 KiB), so reading stops there instead of buffering an endless line (`/dev/zero`).
 * The input as a whole has no size limit: it is read in chunks and never held whole.
 */
export const IMPORT_LIMITS = {
  lineBytes: 1024 * 1024,
};
export type ImportLimits = typeof IMPORT_LIMITS;

const CHUNK_BYTES = 1024 * 1024;

/** Where an import's text comes from: a path, or `-` with the process's standard input. */
export interface ImportSource {
  /** A path, or `-` for `stdin`. */
  file: string;
  stdin?: AsyncIterable<Buffer | string>;
}

/**
 * The input in blocks of whole lines, as bytes (decoded where they are validated: a worker thread
 * for a big file). Reads a regular file, a pipe (FIFO), or standard input for `-`. Devices
 * (`/dev/zero`, `/dev/urandom`: they never end), folders and sockets are refused up front; a line
 * over the limit stops the read with a clear error. Each block is read into a buffer of its own
 * (it may move to another thread whole, without a copy); the unfinished line at its end starts
 * the next one.
 */
export async function* importBlocks(
  source: ImportSource,
  limits: ImportLimits = IMPORT_LIMITS,
): AsyncGenerator<ImportBlock> {
  const name = source.file === '-' ? 'standard input' : source.file;
  let inputBytes: number | undefined;
  let file: fs.promises.FileHandle | undefined;
  let fill: Fill;
  let stdin: AsyncIterator<Buffer | string> | undefined;
  if (source.file === '-') {
    stdin = (source.stdin ?? Readable.from([]))[Symbol.asyncIterator]();
    fill = fillFrom(stdin);
  } else {
    const stat = statOf(source.file);
    if (stat.isFile()) inputBytes = stat.size;
    if (!stat.isFile() && !stat.isFIFO()) {
      throw invalidInput(
        `${source.file} is ${kindOf(stat)}, not a file: import reads a regular file, a pipe, or - for standard input.`,
      );
    }
    fill = async (buffer, offset, length) => {
      file ??= await fs.promises.open(source.file, 'r');
      return (await file.read(buffer, offset, length, null)).bytesRead;
    };
  }
  let buffer = Buffer.allocUnsafeSlow(CHUNK_BYTES);
  /** Bytes read into `buffer`; where its unfinished line starts; its last line break (-1: none yet). */
  let used = 0;
  let lineStart = 0;
  let lastBreak = -1;
  let line = 1;
  let firstLine = 1;
  let first = true;
  const block = (bytes: Buffer): ImportBlock => ({
    bytes,
    ownsBuffer: true,
    firstLine,
    first,
    ...(first && inputBytes !== undefined ? { inputBytes } : {}),
  });
  try {
    for (;;) {
      if (used === buffer.length) {
        // One line fills the buffer: a longer one (up to the line limit) gets a bigger buffer.
        const grown = Buffer.allocUnsafeSlow(buffer.length * 2);
        buffer.copy(grown, 0, 0, used);
        buffer = grown;
      }
      const read = await fill(buffer, used, buffer.length - used);
      const end = used + read;
      const filled = buffer.subarray(0, end);
      for (let at = filled.indexOf(0x0a, used); at !== -1; at = filled.indexOf(0x0a, at + 1)) {
        if (at - lineStart > limits.lineBytes) throw lineTooLong(name, line, limits);
        line++;
        lineStart = at + 1;
        lastBreak = at;
      }
      if (end - lineStart > limits.lineBytes) throw lineTooLong(name, line, limits);
      used = end;
      if (read === 0) break;
      // A block is cut when its buffer is full: the complete lines go, the unfinished one waits.
      if (used < buffer.length || lastBreak === -1) continue;
      const next = Buffer.allocUnsafeSlow(Math.max(CHUNK_BYTES, 2 * (used - lineStart)));
      buffer.copy(next, 0, lineStart, used);
      yield block(buffer.subarray(0, lastBreak));
      buffer = next;
      used -= lineStart;
      lineStart = 0;
      lastBreak = -1;
      firstLine = line;
      first = false;
    }
  } catch (error) {
    if (error instanceof Kv1ntError) throw error;
    throw invalidInput(`Cannot read ${name}: ${(error as Error).message}`);
  } finally {
    await file?.close();
    // Read no further (an import refused early): a stream's iterator destroys the stream.
    await stdin?.return?.();
  }
  // What is left: complete lines, and a last line without a break.
  if (used > 0) {
    yield block(buffer.subarray(0, lastBreak === used - 1 ? lastBreak : used));
  }
}

/** Reads up to `length` bytes into `buffer` at `offset`; 0 at the end of the input. */
type Fill = (buffer: Buffer, offset: number, length: number) => Promise<number>;

/** A Fill that copies from a stream's chunks (standard input). */
function fillFrom(chunks: AsyncIterator<Buffer | string>): Fill {
  let chunk: Buffer = Buffer.alloc(0);
  let at = 0;
  return async (buffer, offset, length) => {
    while (at === chunk.length) {
      const next = await chunks.next();
      if (next.done === true) return 0;
      chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
      at = 0;
    }
    const copied = chunk.copy(buffer, offset, at, Math.min(chunk.length, at + length));
    at += copied;
    return copied;
  };
}

function statOf(file: string): fs.Stats {
  try {
    return fs.statSync(file);
  } catch (error) {
    if (hasErrno(error, 'ENOENT')) throw invalidInput(`Cannot read ${file}: no such file.`);
    throw invalidInput(`Cannot read ${file}: ${(error as Error).message}`);
  }
}

function kindOf(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'a folder';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

function lineTooLong(name: string, line: number, limits: ImportLimits) {
  return invalidInput(
    `Nothing imported: line ${line} of ${name} is longer than ${size(limits.lineBytes)} without a line break (an entry is at most 64 KiB).`,
    ['Import JSON Lines: one entry per line, each line ending with a newline.'],
  );
}

function size(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
