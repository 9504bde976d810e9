import { describe, expect, it } from 'vitest';
import { RESULT_LIMITS, boundItems, encodeBounded } from '../../../src/core/plugins/result-limits.js';

const finding = (evidence: unknown) => ({ title: 't', description: 'd', evidence });

describe('boundItems', () => {
  it('passes JSON data within the limits through unchanged, as JSON.stringify writes it', () => {
    const items = [
      finding({ at: new Date('2026-01-01T00:00:00Z'), n: 1, skipped: undefined, list: [1, undefined, NaN] }),
      finding({ nested: { a: { b: 'ok' } } }),
    ];
    expect(boundItems(items, 'finding')).toEqual({ json: JSON.stringify(items), notes: [] });
  });

  it('reads only the first 1000 of a million findings', () => {
    let read = 0;
    const item = {
      get title() {
        read += 1;
        return 't';
      },
    };
    const million = new Array<unknown>(1_000_000).fill(item);
    const { json, notes } = boundItems(million, 'finding');
    expect(JSON.parse(json)).toHaveLength(RESULT_LIMITS.items);
    expect(read).toBe(RESULT_LIMITS.items);
    expect(notes).toEqual([
      'returned 1000000 findings; only the first 1000 are used (limit: 1000 findings per call)',
    ]);
  });

  it('leaves out cyclic, oversized, too deep and non-JSON findings, naming each limit once', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const fiftyMegabytes = 'x'.repeat(50 * 1024 * 1024);
    let deep: Record<string, unknown> = {};
    // Evidence at level 1, its innermost object at level 9: one too deep.
    for (let level = 0; level < 8; level++) deep = { deeper: deep };
    const { json, notes } = boundItems(
      [
        finding({ ok: 1 }),
        finding(cyclic),
        finding({ text: fiftyMegabytes }),
        finding({ many: Array.from({ length: 20_000 }, (_, i) => i) }),
        finding(deep),
        finding({ big: 1n }),
        finding({ fn: () => 1 }),
        finding(cyclic),
      ],
      'finding',
    );
    expect(JSON.parse(json)).toEqual([finding({ ok: 1 })]);
    expect(notes).toEqual([
      'findings 1, 7 were left out: its data refers to itself (a cycle), which JSON cannot carry',
      'findings 2, 3 were left out: larger than 64 KiB as JSON (limit: 64 KiB per finding)',
      'finding 4 was left out: nested more than 8 levels deep (limit: 8)',
      'finding 5 was left out: it holds a BigInt; only JSON data crosses',
      'finding 6 was left out: it holds a function; only JSON data crosses',
    ]);
  });

  it('allows evidence 8 levels deep, and shared (not cyclic) objects', () => {
    let deep: Record<string, unknown> = {};
    // Evidence at level 1, its innermost object at level 8.
    for (let level = 0; level < 7; level++) deep = { deeper: deep };
    const shared = { same: true };
    const items = [finding(deep), finding({ a: shared, b: shared })];
    expect(boundItems(items, 'finding').notes).toEqual([]);
  });

  it('stops adding findings when together they pass the limit of one call', () => {
    const limits = { ...RESULT_LIMITS, itemBytes: 100, callBytes: 250 };
    const items = Array.from({ length: 5 }, (_, i) => ({
      title: `finding number ${i}`,
      pad: 'x'.repeat(40),
    }));
    const { json, notes } = boundItems(items, 'finding', limits);
    expect(JSON.parse(json)).toEqual(items.slice(0, 3));
    expect(notes).toEqual([
      'findings 3 to 4 were left out: together they pass 250 bytes as JSON (limit: 250 bytes per call)',
    ]);
  });

  it('reports a getter that throws as the reason', () => {
    const item = {
      get title() {
        throw new Error('no title today');
      },
    };
    expect(boundItems([item], 'learning').notes).toEqual([
      'learning 0 was left out: reading it threw: no title today',
    ]);
  });
});

describe('encodeBounded', () => {
  it('counts UTF-8 bytes, not characters', () => {
    expect(encodeBounded('é'.repeat(40), 80, 8)).toEqual({
      reason: 'larger than 80 bytes as JSON (limit: 80 bytes per %noun)',
    });
    expect(encodeBounded('é'.repeat(38), 80, 8)).toBe(JSON.stringify('é'.repeat(38)));
  });
});
