import { describe, expect, it } from 'vitest';
import { FirstErrors, failureDigest } from '../../../src/core/runner/first-errors.js';

describe('FirstErrors', () => {
  it('assembles lines split across chunks, per stream, in output order', () => {
    const errors = new FirstErrors();
    const out = {};
    const err = {};
    let at = 0;
    const push = (stream: object, text: string) => {
      errors.push(stream, text, at);
      at += Buffer.byteLength(text);
    };
    push(out, 'ok 1 - first\nnot o');
    push(err, 'Error: boom at ');
    push(out, 'k 2 - second\n');
    push(err, 'line 3\n✓ fine\n');
    push(out, 'expected 1 to be 2');
    expect(errors.linesBefore(Number.POSITIVE_INFINITY)).toEqual([
      'not ok 2 - second',
      'Error: boom at line 3',
      'expected 1 to be 2',
    ]);
  });

  it('keeps only the lines that start before the tail, at most 20, each cut at 300 characters', () => {
    const errors = new FirstErrors();
    const text = Array.from({ length: 30 }, (_, i) => `FAIL case ${i} ${'x'.repeat(i === 0 ? 400 : 1)}`).join(
      '\n',
    );
    errors.push({}, `${text}\n`, 0);
    const all = errors.linesBefore(Number.POSITIVE_INFINITY);
    expect(all).toHaveLength(20);
    expect(all[0]).toHaveLength(301);
    expect(all[0]!.endsWith('…')).toBe(true);
    expect(errors.linesBefore(0)).toEqual([]);
  });

  it('the digest leads with the lines only when some output was left out', () => {
    expect(failureDigest('tail\n', ['Error: x'], 0)).toBe('tail\n');
    expect(failureDigest('tail\n', [], 100)).toBe('tail\n');
    expect(failureDigest('tail\n', ['Error: x'], 100)).toBe(
      '[kv1nt: the first failure lines of the output]\nError: x\n[kv1nt: … 100 bytes not shown; the end of the output follows]\ntail\n',
    );
  });
});
