/**
 * The first lines of a test run's output that look like a failure (an assertion, an error, a
 * `not ok`), with the byte offset where each starts. A failed run's tail often holds only the
 * runner's summary ("Tests 1 failed | 40 passed"); these lines say what failed. Bounded: at most
 * `maxLines` lines, each cut at `maxLineChars`; scanning stops once they are found.
 */
export const FAILURE_LINE = /error|assert|expected|✗|✘|×|FAIL|not ok/i;

interface Partial {
  text: string;
  start: number;
}

export class FirstErrors {
  private readonly found: Array<{ offset: number; text: string }> = [];
  /** The unfinished last line of each stream (stdout and stderr interleave chunk by chunk). */
  private readonly partials = new Map<unknown, Partial>();

  constructor(
    private readonly maxLines = 20,
    private readonly maxLineChars = 300,
  ) {}

  /** `text`: a decoded chunk of `stream`, which starts at byte `at` of the whole output. */
  push(stream: unknown, text: string, at: number): void {
    if (this.full()) return;
    const partial = this.partials.get(stream) ?? { text: '', start: at };
    if (partial.text === '') partial.start = at;
    const parts = text.split('\n');
    let position = at;
    for (const [index, part] of parts.slice(0, -1).entries()) {
      const line = index === 0 ? `${partial.text}${part}` : part;
      this.consider(line, index === 0 ? partial.start : position);
      position += Buffer.byteLength(part) + 1;
      if (index === 0) partial.text = '';
    }
    const rest = parts.at(-1) ?? '';
    if (parts.length > 1) partial.start = position;
    partial.text += rest;
    // A line with no end in sight (a progress bar redrawn with \r) is judged by its start.
    if (partial.text.length > this.maxLineChars * 4) {
      this.consider(partial.text, partial.start);
      partial.start += Buffer.byteLength(partial.text);
      partial.text = '';
    }
    this.partials.set(stream, partial);
  }

  /** The lines found, in output order, that start before byte `before` (later ones are in the tail). */
  linesBefore(before: number): string[] {
    for (const partial of this.partials.values())
      if (partial.text !== '') this.consider(partial.text, partial.start);
    this.partials.clear();
    return this.found
      .filter((line) => line.offset < before)
      .sort((a, b) => a.offset - b.offset)
      .map((line) => line.text);
  }

  private consider(line: string, offset: number): void {
    if (this.full() || !FAILURE_LINE.test(line)) return;
    const text = line.replace(/\r$/, '');
    this.found.push({
      offset,
      text: text.length > this.maxLineChars ? `${text.slice(0, this.maxLineChars)}…` : text,
    });
  }

  /** Enough lines found: the rest of the output need not be decoded for them. */
  full(): boolean {
    return this.found.length >= this.maxLines;
  }
}

/**
 * The tail of a failed run, led by the failure lines that scrolled out of it. A run whose whole
 * output fits in the tail keeps the tail as it is.
 */
export function failureDigest(tail: string, firstErrors: readonly string[], skippedBytes: number): string {
  if (firstErrors.length === 0 || skippedBytes <= 0) return tail;
  return [
    '[kv1nt: the first failure lines of the output]',
    ...firstErrors,
    `[kv1nt: … ${skippedBytes} bytes not shown; the end of the output follows]`,
    tail,
  ].join('\n');
}
