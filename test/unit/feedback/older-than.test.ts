import { describe, expect, it } from 'vitest';
import { checkAgeDays, parseOlderThan } from '../../../src/core/feedback/older-than.js';

describe('parseOlderThan', () => {
  it('reads days, weeks, months of 30 days and years of 365 days', () => {
    expect(
      ['1d', '90d', '12w', '6mo', '1y', ' 2W ', '3 mo'].map((text) => parseOlderThan('--older-than', text)),
    ).toEqual([1, 90, 84, 180, 365, 14, 90]);
  });

  it('says what was probably meant', () => {
    const message = (text: string) => {
      try {
        parseOlderThan('--older-than', text);
      } catch (error) {
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(message('90')).toBe('Invalid --older-than "90": a number needs a unit — did you mean 90d?');
    expect(message('6m')).toContain('did you mean 6mo (months)?');
    expect(message('2weeks')).toContain('did you mean 2w?');
    expect(message('3 days')).toContain('did you mean 3d?');
    expect(message('12h')).toContain('prune works in whole days, at least 1d');
    expect(message('0d')).toContain('the last 24 hours are always kept, give at least 1 day');
    expect(message('1.5d')).toContain('expected a whole number and a unit');
    expect(message('-3d')).toContain('expected a whole number and a unit');
    expect(message('5fortnights')).toContain('unknown unit "fortnights"');
    expect(message('101y')).toContain('at most 36500 days');
  });

  it('refuses a retention under a day from any caller', () => {
    expect(() => checkAgeDays(0.5, 'age')).toThrow('at least 1 day');
    expect(checkAgeDays(30, 'age')).toBe(30);
  });
});
