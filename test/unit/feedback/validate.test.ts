import { describe, expect, it } from 'vitest';
import { parseImport } from '../../../src/core/feedback/import-block.js';
import { toFeedbackEntry } from '../../../src/core/feedback/validate.js';
import type { FeedbackInput } from '../../../src/core/feedback/types.js';

const now = new Date('2026-11-24T12:00:00.000Z');
const base = { agentId: 'a', operationId: 'op' };

describe('toFeedbackEntry', () => {
  it('applies the contract defaults and conversions', () => {
    expect(toFeedbackEntry({ ...base, type: 'success' }, now, 'fb_1')).toEqual({
      id: 'fb_1',
      agentId: 'a',
      operationId: 'op',
      type: 'success',
      score: 1,
      source: 'agent',
      timestamp: now.toISOString(),
      recordedAt: now.toISOString(),
    });
    expect(toFeedbackEntry({ ...base, type: 'failure' }, now, 'x')).toMatchObject({ score: 0 });
    expect(toFeedbackEntry({ ...base, type: 'user_rating', rating: 1 }, now, 'x')).toMatchObject({
      score: 0,
      rating: 1,
    });
    expect(toFeedbackEntry({ ...base, type: 'user_rating', rating: 5 }, now, 'x')).toMatchObject({
      score: 1,
      rating: 5,
    });
    expect(toFeedbackEntry({ ...base, type: 'user_rating', rating: 3.5 }, now, 'x')).toMatchObject({
      score: 0.625,
    });
    expect(
      toFeedbackEntry({ ...base, type: 'success', timestamp: '2026-11-24T13:00:00+01:00' }, now, 'x')
        .timestamp,
    ).toBe('2026-11-24T12:00:00.000Z');
    expect(
      toFeedbackEntry({ ...base, type: 'success', timestamp: '2026-11-24T12:04:00Z' }, now, 'x').timestamp,
    ).toBe('2026-11-24T12:04:00.000Z');
  });

  it.each<[string, Partial<FeedbackInput>, RegExp]>([
    ['score on both edges is fine, beyond is not', { type: 'coverage', score: 1.0000001 }, /score/],
    ['negative zero-ish score', { type: 'coverage', score: -0.0001 }, /score/],
    ['NaN score', { type: 'coverage', score: Number.NaN }, /score/],
    ['string score', { type: 'coverage', score: '0.5' as unknown as number }, /score/],
    ['rating below 1', { type: 'user_rating', rating: 0.99 }, /rating/],
    ['rating on a success', { type: 'success', rating: 3 }, /rating belongs/],
    ['more than 5 minutes in the future', { type: 'success', timestamp: '2026-11-24T12:05:01Z' }, /future/],
    ['timestamp without a date', { type: 'success', timestamp: '12:00' }, /ISO-8601/],
    ['empty error type', { type: 'failure', errorType: '' }, /errorType/],
    [
      'too many metrics',
      { type: 'success', metrics: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`m${i}`, i])) },
      /Too many metrics/,
    ],
    ['infinite metric', { type: 'success', metrics: { memoryMb: Number.POSITIVE_INFINITY } }, /finite/],
    ['unknown field', { type: 'success', colour: 'red' } as Partial<FeedbackInput>, /Unknown field 'colour'/],
  ])('refuses %s', (_name, input, message) => {
    expect(() => toFeedbackEntry({ ...base, type: 'success', ...input }, now, 'x')).toThrow(message);
  });

  it('accepts scores exactly on the bounds', () => {
    expect(toFeedbackEntry({ ...base, type: 'coverage', score: 0 }, now, 'x').score).toBe(0);
    expect(toFeedbackEntry({ ...base, type: 'coverage', score: 1 }, now, 'x').score).toBe(1);
  });
});

describe('parseImport', () => {
  it('numbers lines from 1, skips blank lines and accepts CRLF', () => {
    const text = [
      '{"agentId":"a","operationId":"1","type":"success"}',
      '',
      '   ',
      '{"agentId":"a","operationId":"2","type":"failure"}\r',
      'oops',
    ].join('\n');
    const parsed = parseImport(text, now);
    expect(parsed.entries.map((e) => e.operationId)).toEqual(['1', '2']);
    expect(parsed.invalid).toEqual([
      { line: 5, message: expect.stringMatching(/not valid JSON/) as unknown },
    ]);
  });

  it('refuses deeply nested and oversized lines without blowing the stack', () => {
    const deep = `{"agentId":"a","operationId":"o","type":"success","details":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`;
    const big = JSON.stringify({
      agentId: 'a',
      operationId: 'o',
      type: 'success',
      details: { b: 'x'.repeat(70_000) },
    });
    const parsed = parseImport(`${deep}\n${big}\n`, now);
    expect(parsed.invalid.map((i) => i.line)).toEqual([1, 2]);
    expect(parsed.invalid[1]!.message).toMatch(/larger than 64 KiB/);
  });
});

describe('canonical timestamps', () => {
  // The rule before the fast path: valid exactly when Date.parse round-trips through toISOString.
  const roundTrips = (text: string) => {
    const time = Date.parse(text);
    return !Number.isNaN(time) && new Date(time).toISOString() === text;
  };

  it('accepts and rejects exactly what the round trip does', () => {
    const years = ['0000', '0099', '0100', '1900', '2000', '2023', '2024', '2100', '2026'];
    const months = ['00', '01', '02', '04', '12', '13'];
    const days = ['00', '01', '28', '29', '30', '31', '32'];
    const times = ['00:00:00.000', '23:59:59.999', '24:00:00.000', '12:60:00.000', '12:00:60.000'];
    for (const year of years)
      for (const month of months)
        for (const day of days)
          for (const time of times) {
            const timestamp = `${year}-${month}-${day}T${time}Z`;
            let accepted = true;
            try {
              const later = new Date('9999-12-31T00:00:00.000Z');
              expect(toFeedbackEntry({ ...base, type: 'success', timestamp }, later).timestamp).toBe(
                timestamp,
              );
            } catch (error) {
              if (!(error as Error).message.includes('not a real date')) throw error;
              accepted = false;
            }
            expect(accepted, timestamp).toBe(roundTrips(timestamp));
          }
  });

  it('still refuses one in the future', () => {
    expect(() =>
      toFeedbackEntry({ ...base, type: 'success', timestamp: '2026-11-24T12:06:00.000Z' }, now),
    ).toThrow(/in the future/);
  });
});
