import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../../src/core/duration.js';

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['2d', 172_800_000],
    ['1500ms', 1_500],
    ['90', 90_000],
    ['0.5h', 1_800_000],
  ])('%s → %d ms', (text, ms) => {
    expect(parseDuration('--interval', text)).toBe(ms);
  });

  it.each(['', 'soon', '5 minutes', '10x', '-5m', '500ms', '0', '400d'])('refuses %j', (text) => {
    expect(() => parseDuration('--interval', text)).toThrow(/--interval/);
  });
});
