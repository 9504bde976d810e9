import { describe, expect, it } from 'vitest';
import { fitWidths, table } from '../../../src/cli/render.js';
import { cut, when } from '../../../src/cli/terminal.js';

const NOW = new Date('2026-11-30T12:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

describe('when', () => {
  it('says recent times relative to now, and older ones as a local date and time', () => {
    expect(when(ago(10_000), NOW)).toBe('just now');
    expect(when(ago(5 * 60_000), NOW)).toBe('5 min ago');
    expect(when(ago(3 * 3_600_000), NOW)).toBe('3 h ago');
    expect(when(ago(4 * 86_400_000), NOW)).toBe('4 d ago');
    expect(when(new Date(NOW.getTime() + 20 * 60_000).toISOString(), NOW)).toBe('in 20 min');
    expect(when(ago(30 * 86_400_000), NOW)).toMatch(/^2026-10-31 \d\d:\d\d$/);
    expect(when(null, NOW)).toBe('—');
  });
});

describe('cut', () => {
  it('ends a longer text in … within the width, and puts it on one line', () => {
    expect(cut('abcdefgh', 5)).toBe('abcd…');
    expect(cut('abcde', 5)).toBe('abcde');
    expect(cut('two\nlines', null)).toBe('two lines');
  });
});

describe('fitWidths', () => {
  it('shrinks the widest columns first, down to their minimum', () => {
    // 10 + 40 + 30 + 2 gaps of 2 = 84 > 60: the 40 and the 30 give way until they meet.
    expect(fitWidths([10, 40, 30], [3, 3, 3], 60)).toEqual([10, 23, 23]);
    expect(fitWidths([10, 40], [10, 40], 20)).toEqual([10, 40]);
    expect(fitWidths([10, 40], [3, 3], null)).toEqual([10, 40]);
  });
});

describe('table', () => {
  const head = ['id', 'severity', 'description'];
  const rows = [['opp_0123456789abcdef', 'HIGH', 'x'.repeat(150)]];

  it('fits the terminal width, cuts with … and never cuts a kept column', async () => {
    const text = await table(head, rows, { keep: ['id'], term: { width: 80, color: false } });
    const lines = text.split('\n');
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(80);
    expect(lines[1]).toContain('opp_0123456789abcdef');
    expect(lines[1]).toMatch(/x…$/);
  });

  it('prints everything when piped or --wide (no width)', async () => {
    const text = await table(head, rows, { term: { width: null, color: false } });
    expect(text.split('\n')[1]).toContain('x'.repeat(150));
  });

  it('colours a painted column only on a colour terminal', async () => {
    const paint = { severity: (cell: string) => `<${cell}>` };
    expect(await table(head, rows, { paint, term: { width: null, color: true } })).toContain('<HIGH>');
    expect(await table(head, rows, { paint, term: { width: null, color: false } })).not.toContain('<HIGH>');
  });
});
