import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildColumns, ensureColumns, prepareColumns } from '../../../src/core/feedback/columns/build.js';
import { columnsDir, columnsFile } from '../../../src/core/feedback/columns/format.js';
import { readColumns } from '../../../src/core/feedback/columns/read-columns.js';
import type { FeedbackEntry } from '../../../src/core/feedback/types.js';
import { readFeedbackWindow } from '../../../src/core/feedback/window.js';
import { DataDir } from '../../../src/core/store/data-dir.js';
import { FeedbackLog } from '../../../src/core/store/feedback-log.js';
import { openStores } from '../../../src/core/store/stores.js';
import { tempDir } from '../../helpers/cli.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-20T12:00:00.000Z');
const iso = (at: number) => new Date(at).toISOString();
const base = (n: number, agentId = 'bot') => ({
  id: `fb_${n}`,
  agentId,
  operationId: `op-${n}`,
  type: 'success',
  score: 1,
  source: 'agent',
  timestamp: iso(NOW - DAY + n * 1000),
  recordedAt: iso(NOW),
});

/** One line of every shape a log holds: each type, nested data, escapes, unicode, odd keys. */
const SHAPES: string[] = [
  JSON.stringify({
    ...base(1),
    type: 'failure',
    score: 0,
    durationMs: 1200,
    errorType: 'timeout',
    message: 'GET /x timed out',
  }),
  JSON.stringify({ ...base(2), type: 'quality_score', score: 0.75, source: 'guardian' }),
  JSON.stringify({ ...base(3), type: 'user_rating', score: 0.5, rating: 3, source: 'user' }),
  JSON.stringify({
    ...base(4),
    type: 'performance',
    durationMs: 88.5,
    metrics: { memoryMb: 210, cpuPercent: 12.5 },
  }),
  JSON.stringify({
    ...base(5),
    type: 'coverage',
    score: 0.9,
    details: { files: ['a.ts', 'b.ts'], deep: { a: [1, { b: null, c: true }] } },
  }),
  JSON.stringify({
    ...base(6),
    type: 'security',
    score: 0,
    message: 'quote " backslash \\ newline \n tab \t end',
  }),
  JSON.stringify({
    ...base(7),
    type: 'documentation',
    message: 'unicode: é ü 日本 🚀, a lone \ud800 surrogate',
  }),
  // Written by hand: escapes JSON.stringify would not write, keys in another order.
  `{"timestamp":"${iso(NOW - DAY + 8000)}","agentId":"b\\u006ft","type":"success","score":1,"id":"fb_8","operationId":"op-\\u00e9","source":"agent","recordedAt":"${iso(NOW)}"}`,
  // A key kv1nt does not write, and a field holding a value of another type than usual.
  JSON.stringify({ ...base(9), extra: { from: 'a newer kv1nt' }, errorType: 404 }),
  JSON.stringify({ ...base(10), score: 0, details: null, metrics: {} }).replace('"score":0', '"score":-0'),
  JSON.stringify({ ...base(11, 'other'), message: 'not this agent' }),
  // Same instant as entry 12's neighbour: ties keep log order.
  JSON.stringify({ ...base(12), timestamp: iso(NOW - DAY + 12_000), operationId: 'tie-1' }),
  JSON.stringify({ ...base(13), timestamp: iso(NOW - DAY + 12_000), operationId: 'tie-2' }),
  JSON.stringify({ ...base(14), timestamp: iso(NOW - 30 * DAY) }), // before the window
];

/** Every field of an entry, read one by one (what a plugin sees), as a plain object. */
function fieldsOf(entry: FeedbackEntry, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((key) => [key, (entry as unknown as Record<string, unknown>)[key]]));
}

/**
 * A log of the given segments: `log` writes as kv1nt does; `sealed` sees every segment as full, so
 * that ensureColumns columns the newest too (kv1nt leaves a segment appends still go to as lines).
 */
async function logWith(
  ...segments: string[][]
): Promise<{ dataDir: string; log: FeedbackLog; sealed: FeedbackLog }> {
  const dataDir = tempDir();
  const stores = openStores(new DataDir(dataDir));
  for (const lines of segments) await stores.log.appendSegment(lines);
  return { dataDir, log: stores.log, sealed: new FeedbackLog(new DataDir(dataDir), { maxSegmentBytes: 1 }) };
}

const windowOf = (dataDir: string) => ({ dataDir, agentId: 'bot', from: NOW - 7 * DAY, to: NOW });

/** What the line reader gives (no sidecar), as JSON text and as the parsed lines. */
function lineRead(dataDir: string, log: FeedbackLog): { json: string; parsed: Record<string, unknown>[] } {
  const moved = `${columnsDir(log)}.off`;
  const had = fs.existsSync(columnsDir(log));
  if (had) fs.renameSync(columnsDir(log), moved);
  try {
    const entries = readFeedbackWindow(windowOf(dataDir));
    return {
      json: JSON.stringify(entries),
      parsed: JSON.parse(JSON.stringify(entries)) as Record<string, unknown>[],
    };
  } finally {
    if (had) fs.renameSync(moved, columnsDir(log));
  }
}

describe('ctx.feedback from column sidecars', () => {
  it('gives, for every shape of entry, what JSON.parse of its line gives: fields, JSON, order, frozen', async () => {
    const { dataDir, log, sealed } = await logWith(SHAPES.slice(0, 7), SHAPES.slice(7));
    const expected = lineRead(dataDir, log);
    expect(ensureColumns(sealed)).toBe(2);
    expect(fs.readdirSync(columnsDir(log)).sort()).toEqual(['000001.bin', '000002.bin']);

    const entries = readFeedbackWindow(windowOf(dataDir));
    expect(JSON.stringify(entries)).toBe(expected.json);
    // The window: every `bot` line but the one before the window, oldest first, ties in log order.
    const wanted = SHAPES.map((line) => JSON.parse(line) as Record<string, unknown>).filter(
      (e) => e.agentId === 'bot' && e.id !== 'fb_14',
    );
    expect(entries.map((e) => e.id)).toEqual(wanted.map((e) => e.id));
    expect(entries.map((e) => e.operationId).slice(-2)).toEqual(['tie-1', 'tie-2']);
    entries.forEach((entry, i) => {
      const line = wanted[i]!;
      expect(fieldsOf(entry, Object.keys(line))).toEqual(line);
      expect(JSON.stringify(entry)).toBe(JSON.stringify(line));
      expect(Object.isFrozen(entry)).toBe(true);
      expect(() => Object.assign(entry, { type: 'failure' })).toThrow(TypeError);
      // Nested values: parsed once, frozen, the same object each time.
      if (entry.details) {
        expect(Object.isFrozen(entry.details)).toBe(true);
        expect(entry.details).toBe(entry.details);
      }
    });
    expect(Object.is(entries.find((e) => e.id === 'fb_10')?.score, -0)).toBe(true);
    expect(entries.find((e) => e.id === 'fb_8')).toMatchObject({ agentId: 'bot', operationId: 'op-é' });
    expect(Object.isFrozen(entries)).toBe(true);
  });

  it('reads a stale segment as lines: an append after the build, a prune, a torn or foreign sidecar', async () => {
    const { dataDir, log, sealed } = await logWith(SHAPES.slice(0, 5), SHAPES.slice(5, 10));
    ensureColumns(sealed);
    const stat = fs.statSync(log.segmentPath(2));
    expect(readColumns(columnsFile(log, 2), stat)).toBeDefined();

    // An append to the newest segment: its sidecar no longer matches, the other one still does.
    await log.append([JSON.stringify({ ...base(20), operationId: 'appended' })]);
    expect(readColumns(columnsFile(log, 2), fs.statSync(log.segmentPath(2)))).toBeUndefined();
    expect(readColumns(columnsFile(log, 1), fs.statSync(log.segmentPath(1)))).toBeDefined();
    let entries = readFeedbackWindow(windowOf(dataDir));
    expect(JSON.stringify(entries)).toBe(lineRead(dataDir, log).json);
    expect(entries.at(-1)?.operationId).toBe('appended');

    // A prune rewrites a segment as a new file: its sidecar is stale too.
    await log.rewrite((record) => (record as { id: string }).id !== 'fb_2');
    expect(readColumns(columnsFile(log, 1), fs.statSync(log.segmentPath(1)))).toBeUndefined();
    entries = readFeedbackWindow(windowOf(dataDir));
    expect(entries.map((e) => e.id)).not.toContain('fb_2');
    expect(JSON.stringify(entries)).toBe(lineRead(dataDir, log).json);

    // Rebuilt, then damaged: a torn sidecar and a foreign file both read as absent.
    expect(ensureColumns(sealed)).toBe(2);
    const whole = fs.readFileSync(columnsFile(log, 1));
    fs.writeFileSync(columnsFile(log, 1), whole.subarray(0, whole.length - 9));
    fs.writeFileSync(columnsFile(log, 2), '{"format":"something else"}');
    expect(readColumns(columnsFile(log, 1), fs.statSync(log.segmentPath(1)))).toBeUndefined();
    expect(readColumns(columnsFile(log, 2), fs.statSync(log.segmentPath(2)))).toBeUndefined();
    expect(JSON.stringify(readFeedbackWindow(windowOf(dataDir)))).toBe(lineRead(dataDir, log).json);
    expect(ensureColumns(sealed)).toBe(2);
  });

  it('leaves to the line reader a segment it cannot hold exactly, and orders a mixed window by timestamp', async () => {
    const odd = [
      `{"__proto__":{"x":1},${JSON.stringify(base(30)).slice(1)}`,
      JSON.stringify({ ...base(31), timestamp: '2026-11-19T12:00:00Z' }), // not canonical
    ];
    const { dataDir, log, sealed } = await logWith(
      SHAPES.slice(0, 7),
      odd,
      ['not json'],
      SHAPES.slice(7, 10),
    );
    expect(buildColumns(log, 2)).toBeUndefined();
    expect(buildColumns(log, 3)).toBeUndefined();
    expect(ensureColumns(sealed)).toBe(2);
    expect(fs.existsSync(columnsFile(log, 2))).toBe(false);
    // The damaged segment is reported as before, naming the file.
    expect(() => readFeedbackWindow(windowOf(dataDir))).toThrow(/000003\.jsonl is damaged/);
    fs.rmSync(log.segmentPath(3));
    const entries = readFeedbackWindow(windowOf(dataDir));
    expect(JSON.stringify(entries)).toBe(lineRead(dataDir, log).json);
    expect(entries.map((e) => e.timestamp)).toEqual(entries.map((e) => e.timestamp).sort());
    expect(entries.map((e) => e.id)).toContain('fb_30');
    // A sidecar of a segment that is gone is removed.
    fs.writeFileSync(columnsFile(log, 9), 'x');
    ensureColumns(sealed);
    expect(fs.existsSync(columnsFile(log, 9))).toBe(false);
  });

  it('keeps reading a sidecar it opened after the sidecar is replaced (its fields are read lazily)', async () => {
    const { dataDir, log, sealed } = await logWith(SHAPES.slice(0, 7));
    ensureColumns(sealed);
    const entries = readFeedbackWindow(windowOf(dataDir));
    // The segment grows and its sidecar is rebuilt before any lazy field was read.
    await log.append([JSON.stringify({ ...base(40), message: 'later' })]);
    expect(ensureColumns(sealed)).toBe(1);
    const expected = SHAPES.slice(0, 7).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries.map((e) => fieldsOf(e, Object.keys(expected[0]!).concat('message')))).toEqual(
      expected.map((e) =>
        fieldsOf(e as unknown as FeedbackEntry, Object.keys(expected[0]!).concat('message')),
      ),
    );
  });

  it('leaves the newest segment to the line reader while appends still go to it', async () => {
    const { dataDir, log } = await logWith(SHAPES.slice(0, 4), SHAPES.slice(4, 8));
    expect(ensureColumns(log)).toBe(1);
    expect(fs.readdirSync(columnsDir(log))).toEqual(['000001.bin']);
    const entries = readFeedbackWindow(windowOf(dataDir));
    expect(JSON.stringify(entries)).toBe(lineRead(dataDir, log).json);
    // Another segment after it: the former newest is sealed, and gets its sidecar.
    await log.appendSegment(SHAPES.slice(8, 10));
    expect(ensureColumns(log)).toBe(1);
    expect(fs.readdirSync(columnsDir(log)).sort()).toEqual(['000001.bin', '000002.bin']);
  });

  it('builds only the sidecars of segments that may hold the window', async () => {
    const old = [JSON.stringify({ ...base(50), timestamp: iso(NOW - 40 * DAY) })];
    const { log, sealed } = await logWith(old, SHAPES.slice(0, 3));
    // Without a segment-times index every segment may hold the window.
    readFeedbackWindow(windowOf(log.dir));
    const { scanWindow } = await import('../../../src/core/patterns/window.js');
    scanWindow({ log }, undefined, '2000-01-01T00:00:00.000Z', '2100-01-01T00:00:00.000Z', () => {});
    expect(prepareColumns(sealed, NOW - 7 * DAY)).toBe(1);
    expect(fs.existsSync(columnsFile(log, 1))).toBe(false);
    expect(fs.existsSync(columnsFile(log, 2))).toBe(true);
  });
});
