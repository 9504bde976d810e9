import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseNumber } from '../../../src/cli/feedback-flags.js';
import { parseImport } from '../../../src/core/feedback/import-block.js';
import { blockLines } from '../../../src/core/feedback/import-block.js';
import { importBlocks, type ImportLimits } from '../../../src/core/feedback/import-source.js';
import { visible } from '../../../src/core/visible-text.js';
import { tempDir } from '../../helpers/cli.js';
import { rejection, thrown } from '../store/helpers.js';

const SMALL: ImportLimits = { lineBytes: 1024 };

/** The whole text an import reads, its lines joined again with their breaks. */
async function readImportSource(
  file: string,
  stdin: AsyncIterable<Buffer | string>,
  limits?: ImportLimits,
): Promise<string> {
  const lines: string[] = [];
  for await (const block of importBlocks({ file, stdin }, limits)) lines.push(...blockLines(block));
  return lines.join('\n');
}
const LINE = '{"agentId":"a","operationId":"op","type":"success"}\n';
const noStdin = Readable.from([]);

/** A stream that never ends: `chunk` again and again, as /dev/zero or a runaway producer gives. */
function endless(chunk: Buffer): Readable {
  return new Readable({
    read() {
      this.push(chunk);
    },
  });
}

describe('readImportSource', () => {
  it('reads a file and standard input', async () => {
    const file = path.join(tempDir({ 'a.jsonl': LINE.repeat(3) }), 'a.jsonl');
    expect(await readImportSource(file, noStdin)).toBe(LINE.repeat(3).trimEnd());
    expect(await readImportSource('-', Readable.from([Buffer.from(LINE), LINE]))).toBe(
      LINE.repeat(2).trimEnd(),
    );
  });

  it('cuts a big input into blocks of whole lines, each in a buffer of its own, from a file or in odd chunks', async () => {
    let seed = 5;
    const random = (): number => (seed = (Math.imul(seed, 48271) + 11) >>> 0) / 2 ** 32;
    const lines = Array.from({ length: 40_000 }, (_, i) => `${i} ${'x'.repeat(Math.floor(random() * 200))}é`);
    // A line longer than a block too.
    lines[20_000] = 'y'.repeat(1_500_000);
    const text = `${lines.join('\n')}\n`;
    const file = path.join(tempDir({ 'big.jsonl': text }), 'big.jsonl');
    const chunked = Readable.from(
      Array.from({ length: Math.ceil(text.length / 9973) }, (_, i) => text.slice(i * 9973, (i + 1) * 9973)),
    );
    for (const [name, stdin] of [
      [file, noStdin],
      ['-', chunked],
    ] as const) {
      const blocks = [];
      for await (const block of importBlocks({ file: name, stdin }, { lineBytes: 2_000_000 }))
        blocks.push(block);
      expect(blocks.length).toBeGreaterThan(4);
      expect(new Set(blocks.map((block) => block.bytes.buffer)).size).toBe(blocks.length);
      expect(blocks.every((block) => block.ownsBuffer === true)).toBe(true);
      expect(blocks.flatMap((block) => blockLines(block))).toEqual(lines);
      let next = 1;
      for (const block of blocks) {
        expect(block.firstLine).toBe(next);
        next += blockLines(block).length;
      }
    }
  });

  it('stops reading standard input when the import stops early: the stream is destroyed', async () => {
    const stdin = endless(Buffer.from(LINE.repeat(1000)));
    for await (const block of importBlocks({ file: '-', stdin })) {
      expect(blockLines(block).length).toBeGreaterThan(1000);
      break;
    }
    expect(stdin.destroyed).toBe(true);
  });

  it('reads a named pipe (a FIFO)', async () => {
    const fifo = path.join(tempDir(), 'in.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const writer = fs.promises.writeFile(fifo, LINE);
    expect(await readImportSource(fifo, noStdin)).toBe(LINE.trimEnd());
    await writer;
  });

  it.each([
    ['/dev/zero', 'a character device'],
    ['/dev/urandom', 'a character device'],
  ])('refuses %s (%s) before reading a byte', async (file, kind) => {
    const error = await rejection(readImportSource(file, noStdin));
    expect({ code: error.code, exit: error.exit }).toEqual({ code: 'INVALID_INPUT', exit: 2 });
    expect(error.message).toBe(
      `${file} is ${kind}, not a file: import reads a regular file, a pipe, or - for standard input.`,
    );
  });

  it('refuses a folder and a missing file by name', async () => {
    const dir = tempDir();
    expect((await rejection(readImportSource(dir, noStdin))).message).toContain(`${dir} is a folder`);
    expect((await rejection(readImportSource(path.join(dir, 'nope'), noStdin))).message).toBe(
      `Cannot read ${path.join(dir, 'nope')}: no such file.`,
    );
  });

  it('stops an endless line (zeros on standard input) at the line limit', async () => {
    const error = await rejection(readImportSource('-', endless(Buffer.alloc(300)), SMALL));
    expect(error.message).toBe(
      'Nothing imported: line 1 of standard input is longer than 1 KiB without a line break (an entry is at most 64 KiB).',
    );
  });

  it('names the line that is too long, counting the lines before it', async () => {
    const text = `${LINE}${LINE}${'x'.repeat(1025)}\n${LINE}`;
    const error = await rejection(readImportSource('-', Readable.from([Buffer.from(text)]), SMALL));
    expect(error.message).toContain('line 3 of standard input is longer than 1 KiB');
  });

  it('splits lines across chunks, drops a CR and a leading byte order mark', async () => {
    const text = `\uFEFF${LINE.trim()}\r\n${LINE}`;
    const bytes = Buffer.from(text);
    // One byte at a time: every line and every multi-byte character is cut by a chunk's end.
    const chunks = [...bytes].map((byte) => Buffer.from([byte]));
    expect(await readImportSource('-', Readable.from(chunks))).toBe(`${LINE}${LINE}`.trimEnd());
    const accented = `{"agentId":"a","operationId":"é€😀","type":"success"}\n`;
    const pieces = [...Buffer.from(accented)].map((byte) => Buffer.from([byte]));
    expect(await readImportSource('-', Readable.from(pieces))).toBe(accented.trimEnd());
  });
});

describe('parseImport: a byte order mark', () => {
  it('is not part of the first line', () => {
    const parsed = parseImport(`\uFEFF${LINE}${LINE}`, new Date());
    expect(parsed.invalid).toEqual([]);
    expect(parsed.entries).toHaveLength(2);
  });
});

describe('parseNumber: decimal numbers only', () => {
  it.each([
    '0x1',
    '0b1',
    '0o7',
    '0x10',
    'Infinity',
    '-Infinity',
    '1_000',
    '',
    ' ',
    '1e',
    '.',
    '+-1',
    '1 2',
    'NaN',
  ])('refuses %j', (text) => {
    const error = thrown(() => parseNumber('--score', text));
    expect({ code: error.code, exit: error.exit }).toEqual({ code: 'INVALID_INPUT', exit: 2 });
    expect(error.message).toBe(
      `--score expects a decimal number (e.g. 0.5 or 250), got ${JSON.stringify(text)}.`,
    );
  });

  it.each([
    ['1', 1],
    ['0.5', 0.5],
    ['.5', 0.5],
    ['5.', 5],
    ['-2', -2],
    ['+3', 3],
    ['2e3', 2000],
    ['1E-2', 0.01],
    [' 16 ', 16],
    ['007', 7],
  ])('reads %j as %d', (text, value) => {
    expect(parseNumber('--x', text)).toBe(value);
  });
});

describe('visible', () => {
  it('writes invisible characters as escapes and leaves the rest alone', () => {
    expect(visible('\uFEFF{"a"}')).toBe('\\u{FEFF}{"a"}');
    expect(visible('a\u200Bb\u202Ec\u2028d\x1b[31me\x07\u00AD')).toBe(
      'a\\u{200B}b\\u{202E}c\\u{2028}d\\u{001B}[31me\\u{0007}\\u{00AD}',
    );
    expect(visible('line 1\n\tline 2 — é 中 😀')).toBe('line 1\n\tline 2 — é 中 😀');
  });
});
