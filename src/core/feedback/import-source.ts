import fs from 'node:fs';
import { Kv1ntError, invalidInput, hasErrno } from '../errors.js';

/**
 * Bounds of `feedback import`'s input. A line longer than `lineBytes` cannot be an entry (one is
 * at most 64 KiB), so reading stops there instead of buffering an endless line (`/dev/zero`);
 * `inputBytes` keeps the text under what one JavaScript string can hold.
 */
export const IMPORT_LIMITS = {
  lineBytes: 1024 * 1024,
  inputBytes: 256 * 1024 * 1024,
};
export type ImportLimits = typeof IMPORT_LIMITS;

const CHUNK_BYTES = 64 * 1024;

/**
 * The text of an import: a regular file, a pipe (FIFO), or standard input for `-`, read in
 * 64 KiB chunks. Devices (`/dev/zero`, `/dev/urandom`: they never end), folders and sockets are
 * refused up front; a line or an input over the limits stops the read with a clear error.
 */
export async function readImportSource(
  file: string,
  stdin: AsyncIterable<Buffer | string>,
  limits: ImportLimits = IMPORT_LIMITS,
): Promise<string> {
  const name = file === '-' ? 'standard input' : file;
  let source: AsyncIterable<Buffer | string>;
  if (file === '-') source = stdin;
  else {
    const stat = statOf(file);
    if (!stat.isFile() && !stat.isFIFO()) {
      throw invalidInput(
        `${file} is ${kindOf(stat)}, not a file: import reads a regular file, a pipe, or - for standard input.`,
      );
    }
    if (stat.isFile() && stat.size > limits.inputBytes) throw tooLarge(name, limits);
    source = fs.createReadStream(file, { highWaterMark: CHUNK_BYTES });
  }
  const chunks: Buffer[] = [];
  let total = 0;
  let line = 1;
  let lineBytes = 0;
  try {
    for await (const piece of source) {
      const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
      total += chunk.length;
      if (total > limits.inputBytes) throw tooLarge(name, limits);
      let start = 0;
      for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
        if (lineBytes + nl - start > limits.lineBytes) throw lineTooLong(name, line, limits);
        lineBytes = 0;
        line++;
        start = nl + 1;
      }
      lineBytes += chunk.length - start;
      if (lineBytes > limits.lineBytes) throw lineTooLong(name, line, limits);
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof Kv1ntError) throw error;
    throw invalidInput(`Cannot read ${name}: ${(error as Error).message}`);
  }
  return Buffer.concat(chunks, total).toString('utf8');
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

function tooLarge(name: string, limits: ImportLimits) {
  return invalidInput(`Nothing imported: ${name} is larger than ${size(limits.inputBytes)}.`, [
    'Split it into parts (e.g. `split -l 500000 <file> part-`) and import each part.',
  ]);
}

function size(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
