import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseObject } from '../../../src/cli/feedback-flags.js';
import { parseImport } from '../../../src/core/feedback/import-block.js';
import { LIMITS, parseJsonInput, toFeedbackEntry } from '../../../src/core/feedback/validate.js';
import { thrown } from './helpers.js';

const now = new Date('2026-11-24T12:00:00.000Z');
const base = { agentId: 'a', operationId: 'op', type: 'success' };

/** `levels` objects nested in one another: '{"a":{"a":1}}' is 2 levels. */
function nested(levels: number): string {
  return `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
}

function line(operationId: string, details: string): string {
  return `{"agentId":"a","operationId":"${operationId}","type":"success","details":${details}}`;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('input limits: nesting', () => {
  it('parseJsonInput refuses 100 000 levels quickly with INVALID_INPUT, not a stack overflow', () => {
    const text = nested(100_000);
    const started = performance.now();
    const error = thrown(() => parseJsonInput(text, '--details', 16 * 1024 * 1024));
    expect(performance.now() - started).toBeLessThan(2000);
    expect({ code: error.code, exit: error.exit }).toEqual({ code: 'INVALID_INPUT', exit: 2 });
    expect(error.message).toMatch(/^--details is nested more than \d+ levels deep\.$/);
  });

  it('toFeedbackEntry refuses details nested 100 000 levels with INVALID_INPUT', () => {
    const details = JSON.parse(nested(100_000)) as Record<string, unknown>;
    const started = performance.now();
    const error = thrown(() => toFeedbackEntry({ ...base, details }, now, 'fb_1'));
    expect(performance.now() - started).toBeLessThan(2000);
    expect({ code: error.code, message: error.message }).toEqual({
      code: 'INVALID_INPUT',
      message: `details is nested more than ${LIMITS.depth} levels deep.`,
    });
  });

  it('accepts details exactly 32 levels deep and refuses 33', () => {
    expect(LIMITS.depth).toBe(32);
    const ok = JSON.parse(nested(32)) as Record<string, unknown>;
    expect(toFeedbackEntry({ ...base, details: ok }, now, 'fb_1')).toEqual({
      id: 'fb_1',
      agentId: 'a',
      operationId: 'op',
      type: 'success',
      score: 1,
      source: 'agent',
      details: ok,
      timestamp: now.toISOString(),
      recordedAt: now.toISOString(),
    });
    const tooDeep = JSON.parse(nested(33)) as Record<string, unknown>;
    expect(thrown(() => toFeedbackEntry({ ...base, details: tooDeep }, now, 'x')).message).toBe(
      'details is nested more than 32 levels deep.',
    );
  });

  it('counts arrays as levels too', () => {
    const arrays = (levels: number): Record<string, unknown> =>
      JSON.parse(`{"a":${'['.repeat(levels - 1)}1${']'.repeat(levels - 1)}}`) as Record<string, unknown>;
    expect(toFeedbackEntry({ ...base, details: arrays(32) }, now, 'x').details).toEqual(arrays(32));
    expect(thrown(() => toFeedbackEntry({ ...base, details: arrays(33) }, now, 'x')).code).toBe(
      'INVALID_INPUT',
    );
  });

  it('--details (parseObject, then toFeedbackEntry) keeps the same 32-level limit', () => {
    const record = (text: string) =>
      toFeedbackEntry({ ...base, details: parseObject('--details', text) }, now);
    expect(record(nested(32)).details).toEqual(JSON.parse(nested(32)));
    expect(thrown(() => record(nested(33))).code).toBe('INVALID_INPUT');
    expect(thrown(() => record(nested(34))).code).toBe('INVALID_INPUT');
  });
});

describe('input limits: size', () => {
  it('parseJsonInput refuses 2 MB of details before parsing it', () => {
    const text = JSON.stringify({ blob: 'x'.repeat(2 * 1024 * 1024) });
    const parse = vi.spyOn(JSON, 'parse');
    const error = thrown(() => parseJsonInput(text, '--details', LIMITS.detailsBytes));
    expect(parse).not.toHaveBeenCalled();
    expect({ code: error.code, message: error.message }).toEqual({
      code: 'INVALID_INPUT',
      message: '--details is larger than 32 KiB.',
    });
  });

  it('parseJsonInput measures bytes, not characters', () => {
    // 20 000 three-byte characters: 20 000 characters, 60 000 bytes.
    const text = JSON.stringify({ s: '€'.repeat(20_000) });
    expect(thrown(() => parseJsonInput(text, 'x', LIMITS.detailsBytes)).message).toBe(
      'x is larger than 32 KiB.',
    );
  });

  it('toFeedbackEntry refuses 2 MB of details, and an entry past 64 KiB', () => {
    const details = { blob: 'x'.repeat(2 * 1024 * 1024) };
    expect(thrown(() => toFeedbackEntry({ ...base, details }, now, 'x')).message).toBe(
      'details is larger than 32 KiB.',
    );
    // Every field within its own limit, but together past the entry limit: JSON escapes a control
    // character as six bytes, so short strings of them weigh a lot.
    const control = (n: number): string => '\u0001'.repeat(n);
    const heavy = {
      ...base,
      operationId: control(256),
      details: { s: 'x'.repeat(LIMITS.detailsBytes - '{"s":""}'.length) }, // exactly at its limit
      message: control(LIMITS.message),
      errorType: control(LIMITS.errorType),
      metrics: Object.fromEntries(
        Array.from({ length: LIMITS.metrics }, (_, i) => [`m${i}`.padEnd(64, 'x'), -1.234567890123456e-300]),
      ),
    };
    expect(Buffer.byteLength(JSON.stringify(heavy))).toBeGreaterThan(LIMITS.entryBytes);
    expect(thrown(() => toFeedbackEntry(heavy, now, 'x')).message).toBe(
      'The entry is larger than 64 KiB; keep bulky data out of feedback.',
    );
    // The same without the message fits.
    expect(toFeedbackEntry({ ...heavy, message: 'short' }, now, 'x').details).toEqual(heavy.details);
  });
});

describe('parseImport: hostile lines are reported by line number', () => {
  it('refuses deep, oversized and too-deep lines, and keeps the good ones', () => {
    const text = [
      line('1', '{}'),
      line('2', nested(100_000)), // 600 KB: refused by size, never parsed
      line('3', nested(33)), // the line itself is then 34 levels deep
      line('4', nested(32)),
      line('5', JSON.stringify({ blob: 'x'.repeat(2 * 1024 * 1024) })),
      line('6', nested(10_000)), // under 64 KiB: parsed, then refused by depth
    ].join('\n');
    const started = performance.now();
    const parsed = parseImport(text, now);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(parsed.entries.map((entry) => entry.operationId)).toEqual(['1', '4']);
    expect(parsed.invalid).toEqual([
      { line: 2, message: 'the entry is larger than 64 KiB.' },
      { line: 3, message: 'the entry is nested more than 33 levels deep.' },
      { line: 5, message: 'the entry is larger than 64 KiB.' },
      { line: 6, message: 'the entry is nested more than 33 levels deep.' },
    ]);
  });
});
