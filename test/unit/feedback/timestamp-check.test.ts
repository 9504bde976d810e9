import { describe, expect, it } from 'vitest';
import { checkTimestamp, lastCheckedTime } from '../../../src/core/feedback/timestamp-check.js';

const NOW = new Date('2026-11-30T12:00:00.000Z');

describe('checkTimestamp', () => {
  it('gives the canonical text and its time, the same with a day seen before or not', () => {
    const times = [
      '2026-11-29T00:00:00.000Z',
      '2026-11-29T23:59:59.999Z', // same day: read from its time of day
      '2024-02-29T10:00:00.000Z', // a leap day
      '1969-12-31T23:59:59.999Z',
      '0050-03-01T00:00:00.000Z', // a two-digit year: the general route
      '2026-11-29T12:34:56.789Z',
    ];
    for (const text of times) {
      expect(checkTimestamp(text, NOW)).toBe(text);
      expect(lastCheckedTime()).toBe(Date.parse(text));
    }
    expect(checkTimestamp('2026-11-29 10:00:00+02:00', NOW)).toBe('2026-11-29T08:00:00.000Z');
    expect(lastCheckedTime()).toBe(Date.parse('2026-11-29T08:00:00.000Z'));
    expect(checkTimestamp(undefined, NOW)).toBe(NOW.toISOString());
    expect(lastCheckedTime()).toBe(NOW.getTime());
  });

  it('refuses an impossible time of day or date even on a day it has just read', () => {
    checkTimestamp('2026-11-29T10:00:00.000Z', NOW);
    for (const text of ['2026-11-29T24:00:00.000Z', '2026-11-29T10:60:00.000Z', '2026-11-29T10:00:60.000Z'])
      expect(() => checkTimestamp(text, NOW), text).toThrow(/not a real date/);
    checkTimestamp('2026-02-28T10:00:00.000Z', NOW);
    expect(() => checkTimestamp('2026-02-29T10:00:00.000Z', NOW)).toThrow(/not a real date/);
    expect(() => checkTimestamp('2026-11-30T12:05:00.001Z', NOW)).toThrow(/in the future/);
  });
});
