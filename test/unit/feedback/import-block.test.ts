import { describe, expect, it } from 'vitest';
import { blockLines } from '../../../src/core/feedback/import-block.js';

/** What blockLines must give: the whole text split at line breaks, CRs and a leading BOM dropped. */
function reference(text: string, first: boolean): string[] {
  const body = first && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return body.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
}

describe('blockLines', () => {
  it('gives the lines of a block decoded piece by piece exactly as of the whole text', () => {
    let seed = 99;
    const random = (): number => (seed = (Math.imul(seed, 48271) + 11) >>> 0) / 2 ** 32;
    const words = ['{"agentId":"a"}', 'é', '日本語', '😀', '\r', '', 'x'.repeat(700), 'ü'.repeat(40_000)];
    for (let round = 0; round < 20; round++) {
      const lines: string[] = [];
      // A line longer than a piece now and then, multi-byte characters around the cuts, blank lines.
      for (let size = 0; size < 300_000 + round * 10_000;) {
        const line = Array.from({ length: 1 + Math.floor(random() * 40) }, () => {
          const word = words[Math.floor(random() * words.length)]!;
          return word.length > 1000 && random() < 0.9 ? 'y' : word;
        }).join('');
        lines.push(line);
        size += Buffer.byteLength(line) + 1;
      }
      const text = `${round % 2 === 0 ? '\ufeff' : ''}${lines.join('\n')}${'\n'.repeat(round % 3)}`;
      for (const first of [true, false]) {
        const block = { bytes: Buffer.from(text), firstLine: 1, first };
        expect(blockLines(block)).toEqual(reference(text, first));
      }
    }
  });

  it('keeps an empty block one blank line, and a block ending in a break an empty last line', () => {
    expect(blockLines({ bytes: Buffer.alloc(0), firstLine: 1, first: false })).toEqual(['']);
    // The break is the last byte and the first past a piece: the empty line after it is a piece of its own.
    const text = `${'z'.repeat(64 * 1024)}\n`;
    expect(blockLines({ bytes: Buffer.from(text), firstLine: 1, first: false })).toEqual([
      'z'.repeat(65_536),
      '',
    ]);
  });
});
