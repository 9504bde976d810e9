import fs from 'node:fs';
import { logCorrupt } from '../errors.js';

/** A place in the feedback log: a segment and a byte offset in it. */
export interface LogPosition {
  segment: number;
  offset: number;
}

export interface LogLine {
  text: string;
  /** Position just after this line: where a reader resumes. */
  end: LogPosition;
}

/** Where `scanSegment` is: the current line, and its end position on demand. */
export class LineCursor {
  text = '';
  /** The decoded chunk holding the line, the chunk's byte offset, and the line's end in it. */
  chunk = '';
  chunkOffset = 0;
  chunkEnd = 0;

  constructor(
    readonly segment: number,
    readonly file: string,
  ) {}

  /** Byte offset just after the current line (computed, so only worth asking for rarely). */
  end(): LogPosition {
    return {
      segment: this.segment,
      offset: this.chunkOffset + Buffer.byteLength(this.chunk.slice(0, this.chunkEnd)),
    };
  }

  /** The current line as a LogLine (for parseLogLine and error messages). */
  line(): LogLine {
    return { text: this.text, end: this.end() };
  }
}

/** Parses one log line; `where` names the file for the error. */
export function parseLogLine(line: LogLine, file: string): unknown {
  try {
    return JSON.parse(line.text);
  } catch (error) {
    throw logCorrupt(
      `The feedback log segment ${file} is damaged: the line ending at byte ${line.end.offset} is not valid JSON (${(error as Error).message}). kv1nt has not changed it.`,
      [`Restore ${file} from a backup, or remove that line by hand; every other record is intact.`],
    );
  }
}

/** The byte offset just after the last newline of the file (0 if none): where whole lines end. */
export function lastNewlineEnd(fd: number, size: number): number {
  const buffer = Buffer.alloc(64 * 1024);
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - buffer.length);
    const read = fs.readSync(fd, buffer, 0, end - start, start);
    const at = buffer.subarray(0, read).lastIndexOf(0x0a);
    if (at !== -1) return start + at + 1;
    end = start;
  }
  return 0;
}
