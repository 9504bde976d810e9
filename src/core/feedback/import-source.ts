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
 * over the limit stops the read with a clear error.
 */
export async function* importBlocks(
  source: ImportSource,
  limits: ImportLimits = IMPORT_LIMITS,
): AsyncGenerator<ImportBlock> {
  const name = source.file === '-' ? 'standard input' : source.file;
  let input: AsyncIterable<Buffer | string>;
  let inputBytes: number | undefined;
  if (source.file === '-') input = source.stdin ?? Readable.from([]);
  else {
    const stat = statOf(source.file);
    if (stat.isFile()) inputBytes = stat.size;
    if (!stat.isFile() && !stat.isFIFO()) {
      throw invalidInput(
        `${source.file} is ${kindOf(stat)}, not a file: import reads a regular file, a pipe, or - for standard input.`,
      );
    }
    input = fs.createReadStream(source.file, { highWaterMark: CHUNK_BYTES });
  }
  let carry = Buffer.alloc(0);
  let line = 1;
  let firstLine = 1;
  let first = true;
  try {
    for await (const piece of input) {
      const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
      let start = 0;
      let lineBytes = carry.length;
      for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
        if (lineBytes + nl - start > limits.lineBytes) throw lineTooLong(name, line, limits);
        lineBytes = 0;
        line++;
        start = nl + 1;
      }
      if (lineBytes + chunk.length - start > limits.lineBytes) throw lineTooLong(name, line, limits);
      if (start === 0) {
        carry = carry.length === 0 ? Buffer.from(chunk) : Buffer.concat([carry, chunk]);
        continue;
      }
      // The complete lines go at once; the unfinished one waits for the next chunk.
      const complete =
        carry.length === 0
          ? Buffer.from(chunk.subarray(0, start - 1))
          : Buffer.concat([carry, chunk.subarray(0, start - 1)]);
      carry = Buffer.from(chunk.subarray(start));
      yield {
        bytes: complete,
        firstLine,
        first,
        ...(first && inputBytes !== undefined ? { inputBytes } : {}),
      };
      firstLine = line;
      first = false;
    }
  } catch (error) {
    if (error instanceof Kv1ntError) throw error;
    throw invalidInput(`Cannot read ${name}: ${(error as Error).message}`);
  }
  if (carry.length > 0) yield { bytes: carry, firstLine, first };
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
