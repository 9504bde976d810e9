import fs from 'node:fs';
import { lastNewlineEnd, parseLogLine } from '../store/log-line.js';

const CHUNK = 1024 * 1024;

/**
 * The record lines of a log segment from its end to its start, a chunk at a time: the newest
 * first, so a reader that wants the latest entries can skip the rest with a cheap test. Returns
 * where the readable part ends (a torn, unterminated last line is not part of it). The header
 * (the first line) is not handed over; nor are blank lines.
 */
export function scanBackward(
  file: string,
  segment: number,
  visit: (text: string, end: number) => void,
): number {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const readable = lastNewlineEnd(fd, size);
    let end = readable;
    let carry = Buffer.alloc(0);
    while (end > 0) {
      const start = Math.max(0, end - CHUNK);
      const read = Buffer.allocUnsafe(end - start);
      fs.readSync(fd, read, 0, read.length, start);
      const bytes = carry.length > 0 ? Buffer.concat([read, carry]) : read;
      // Lines that end in this chunk and start in it too; the first one may start in the one before.
      let lineEnd = bytes.length;
      // (A negative offset would make lastIndexOf count from the end: stop before it.)
      while (lineEnd >= 2) {
        const nl = bytes.lastIndexOf(0x0a, lineEnd - 2);
        if (nl === -1) break;
        hand(bytes, nl + 1, lineEnd, start + lineEnd, visit, file, segment);
        lineEnd = nl + 1;
      }
      carry = Buffer.from(bytes.subarray(0, lineEnd));
      end = start;
    }
    // What is left is the header line (everything up to the first line break).
    return readable;
  } finally {
    fs.closeSync(fd);
  }
}

function hand(
  bytes: Buffer,
  from: number,
  to: number,
  endOffset: number,
  visit: (text: string, end: number) => void,
  file: string,
  segment: number,
): void {
  if (to - from <= 1) return;
  const text = bytes.toString('utf8', from, to - 1);
  if (text.charCodeAt(0) !== 0x7b && text.trim() === '') return;
  try {
    visit(text, endOffset);
  } catch (error) {
    // A damaged line is named with its file and byte position, as the forward readers do.
    if (error instanceof SyntaxError) parseLogLine({ text, end: { segment, offset: endOffset } }, file);
    throw error;
  }
}
