import { describe, expect, it } from 'vitest';
import { newId } from '../../src/core/ids.js';

describe('newId', () => {
  it('gives time, process and counter digits, the counter one more each time, across its cached stems', () => {
    const before = Date.now();
    const ids = Array.from({ length: 3000 }, (_, i) => newId(i % 1000 === 999 ? 'res' : 'fb'));
    const after = Date.now();
    expect(new Set(ids).size).toBe(ids.length);
    const counters = ids.map((id) => {
      const match = /^(fb|res)_([0-9a-f]{12})([0-9a-f]{12})([0-9a-f]{8})$/.exec(id);
      expect(match, id).not.toBeNull();
      const ms = parseInt(match![2]!, 16);
      expect(ms).toBeGreaterThanOrEqual(before);
      expect(ms).toBeLessThanOrEqual(after);
      expect(match![3]).toBe(ids[0]!.slice(-20, -8));
      expect(id.startsWith(ids.indexOf(id) % 1000 === 999 ? 'res_' : 'fb_')).toBe(true);
      return parseInt(match![4]!, 16);
    });
    for (let i = 1; i < counters.length; i++) expect(counters[i]).toBe((counters[i - 1]! + 1) % 2 ** 32);
  });
});
