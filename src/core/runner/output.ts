import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { FirstErrors } from './first-errors.js';

/**
 * Where a test run's output goes, streamed, never buffered whole: a log file, a bounded tail, the
 * first failure lines, and an optional listener.
 */

/** The last `size` bytes of everything pushed, decoded at the end. */
export class TailBuffer {
  private chunks: Buffer[] = [];
  private length = 0;
  /** Bytes pushed in all. */
  pushed = 0;

  constructor(private readonly size: number) {}

  /** Bytes the tail holds (the last of `pushed`). */
  get kept(): number {
    return Math.min(this.pushed, Math.max(this.size, 0));
  }

  push(chunk: Buffer): void {
    this.pushed += chunk.length;
    if (this.size <= 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
    if (this.length > this.size * 2) this.compact();
  }

  text(): string {
    this.compact();
    const bytes = this.chunks[0] ?? Buffer.alloc(0);
    // Do not start in the middle of a UTF-8 character.
    let start = 0;
    while (start < bytes.length && start < 4 && (bytes[start]! & 0xc0) === 0x80) start++;
    return bytes.subarray(start).toString('utf8');
  }

  private compact(): void {
    const all = Buffer.concat(this.chunks);
    const kept = all.length > this.size ? Buffer.from(all.subarray(all.length - this.size)) : all;
    this.chunks = [kept];
    this.length = kept.length;
  }
}

/**
 * Moves the output into the tail, the first failure lines, the log and onOutput; pauses the
 * streams while the log catches up.
 */
export function pump(
  streams: readonly Readable[],
  tail: TailBuffer,
  firstErrors: FirstErrors,
  log: fs.WriteStream | undefined,
  onOutput: ((chunk: string) => void) | undefined,
): void {
  let waitingForLog = false;
  for (const stream of streams) {
    const decoder = new StringDecoder('utf8');
    stream.on('data', (chunk: Buffer) => {
      const at = tail.pushed;
      tail.push(chunk);
      if (onOutput || !firstErrors.full()) {
        const text = decoder.write(chunk);
        firstErrors.push(stream, text, at);
        if (onOutput && text) onOutput(text);
      }
      if (log && !log.write(chunk) && !waitingForLog) {
        waitingForLog = true;
        for (const s of streams) s.pause();
        log.once('drain', () => {
          waitingForLog = false;
          for (const s of streams) s.resume();
        });
      }
    });
    stream.on('error', () => undefined); // Destroyed after the run: not an error of the command.
  }
}

/** Waits until every stream ended, at most `ms` (a process outside the group may hold a pipe). */
export async function drain(streams: readonly Readable[], ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const ended = streams.map(
    (stream) =>
      new Promise<void>((resolve) => {
        if (stream.readableEnded || stream.destroyed) return resolve();
        stream.once('end', resolve);
        stream.once('close', resolve);
        stream.once('error', () => resolve());
      }),
  );
  await Promise.race([
    Promise.all(ended),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}

export async function openLog(file: string): Promise<fs.WriteStream> {
  const log = fs.createWriteStream(file);
  await new Promise<void>((resolve, reject) => {
    log.once('open', () => resolve());
    log.once('error', reject);
  });
  return log;
}

export async function closeLog(log: fs.WriteStream): Promise<void> {
  await new Promise<void>((resolve, reject) =>
    log.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
}
