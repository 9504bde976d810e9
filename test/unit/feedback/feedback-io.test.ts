import fs from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { csvCell, csvRow, exportFeedback } from '../../../src/core/feedback/export.js';
import { IdSet } from '../../../src/core/feedback/id-set.js';
import type { ImportBlock } from '../../../src/core/feedback/import-block.js';
import { importFeedback } from '../../../src/core/feedback/import-run.js';
import { listFeedback } from '../../../src/core/feedback/list.js';
import type { FeedbackEntry } from '../../../src/core/feedback/types.js';
import { noteWrittenSegment } from '../../../src/core/patterns/segment-times.js';
import { DataDir } from '../../../src/core/store/data-dir.js';
import { openStores, type Stores } from '../../../src/core/store/stores.js';
import { tempDir } from '../../helpers/cli.js';
import { feedbackEntry } from '../../helpers/feedback-entry.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-20T12:00:00.000Z');
/** An entry at `at` (ms), stored at the same moment. */
function entry(at: number, extra: Partial<FeedbackEntry> = {}): FeedbackEntry {
  const timestamp = new Date(at).toISOString();
  return feedbackEntry({ timestamp, recordedAt: timestamp, ...extra });
}

function newStores(): Stores {
  return openStores(new DataDir(tempDir()));
}

/** One whole segment per call, its time span indexed as an import's is. */
async function addSegment(stores: Stores, entries: FeedbackEntry[]): Promise<void> {
  const span = await stores.log.appendSegment(entries.map((e) => JSON.stringify(e)));
  noteWrittenSegment(
    stores.log,
    span!.after.segment,
    span!.after.offset,
    entries.map((e) => e.timestamp),
  );
}

/** The lines as one block, as importBlocks reads them. */
function batches(lines: string[]): AsyncIterable<ImportBlock> {
  const block: ImportBlock = { bytes: Buffer.from(lines.join('\n')), firstLine: 1, first: true };
  return Readable.from([block], { objectMode: true }) as AsyncIterable<ImportBlock>;
}

describe('listFeedback', () => {
  it('gives the newest first by timestamp, whatever the storage order, ties to the later stored', async () => {
    const stores = newStores();
    const [a, b, c] = [entry(NOW - 3 * DAY), entry(NOW - DAY), entry(NOW - 2 * DAY)];
    const twin = entry(NOW - DAY);
    await addSegment(stores, [a, b]);
    await addSegment(stores, [c, twin]);
    expect(listFeedback(stores, {}, 10).map((e) => e.id)).toEqual([twin.id, b.id, c.id, a.id]);
    expect(listFeedback(stores, {}, 2).map((e) => e.id)).toEqual([twin.id, b.id]);
  });

  it('does not open segments whose indexed times cannot hold the newest entries', async () => {
    const stores = newStores();
    for (let month = 12; month >= 1; month--)
      await addSegment(
        stores,
        Array.from({ length: 20 }, (_, i) => entry(NOW - month * 30 * DAY + i * 1000)),
      );
    await addSegment(
      stores,
      Array.from({ length: 20 }, (_, i) => entry(NOW - DAY + i * 1000)),
    );
    const open = vi.spyOn(fs, 'openSync');
    const segmentsOpened = () =>
      open.mock.calls
        .map((call) => String(call[0]))
        .filter((file) => file.endsWith('.jsonl'))
        .map((file) => Number(file.slice(-12, -6)));
    const newest = listFeedback(stores, {}, 5);
    expect(newest).toHaveLength(5);
    expect(newest[0]!.timestamp).toBe(new Date(NOW - DAY + 19_000).toISOString());
    // Only the newest segment was read: the history of 12 others was not.
    expect(segmentsOpened()).toEqual([13]);
    open.mockClear();
    // A filter reaching far back reads what it reaches.
    const since = new Date(NOW - 2.5 * 30 * DAY).toISOString();
    expect(listFeedback(stores, { since }, 1000)).toHaveLength(60);
    expect(segmentsOpened().sort((x, y) => x - y)).toEqual([11, 12, 13]);
    open.mockRestore();
  });

  it('filters by type, source, error type and operation', async () => {
    const stores = newStores();
    const fail = entry(NOW - 1000, { type: 'failure', score: 0, errorType: 'timeout', source: 'test' });
    await addSegment(stores, [entry(NOW - 2000), fail, entry(NOW - 500, { operationId: 'x' })]);
    expect(listFeedback(stores, { type: 'failure' }, 50)).toEqual([fail]);
    expect(listFeedback(stores, { source: 'test' }, 50)).toEqual([fail]);
    expect(listFeedback(stores, { errorType: 'timeout' }, 50)).toEqual([fail]);
    expect(listFeedback(stores, { operationId: 'x' }, 50).map((e) => e.operationId)).toEqual(['x']);
    expect(listFeedback(stores, { agentId: 'b' }, 50)).toEqual([]);
  });
});

describe('exportFeedback', () => {
  it('gives the stored lines as they are, in storage order, filtered by agent and time', async () => {
    const stores = newStores();
    const old = entry(NOW - 10 * DAY);
    const other = entry(NOW - DAY, { agentId: 'b' });
    const recent = entry(NOW - DAY + 1);
    await addSegment(stores, [old, other]);
    await addSegment(stores, [recent]);
    const text = (filter: Parameters<typeof exportFeedback>[1]) =>
      [...exportFeedback(stores, filter, 'jsonl')].join('');
    expect(text({})).toBe([old, other, recent].map((e) => `${JSON.stringify(e)}\n`).join(''));
    expect(text({ agentId: 'a' })).toBe([old, recent].map((e) => `${JSON.stringify(e)}\n`).join(''));
    expect(text({ since: new Date(NOW - 2 * DAY).toISOString(), agentId: 'a' })).toBe(
      `${JSON.stringify(recent)}\n`,
    );
  });

  it('exports everything as the stored bytes: the same text and count as the line-by-line path', async () => {
    const stores = newStores();
    // Over a MiB of multi-byte text, so chunks end inside lines and characters.
    const many = Array.from({ length: 12_000 }, (_, i) => entry(NOW - DAY + i, { message: `é☕😀 ${i}` }));
    await addSegment(stores, many);
    const first = stores.log.segmentPath(stores.log.segments()[0]!);
    // Blank and space-only lines, a CRLF line, then an unfinished last line (a write in progress).
    fs.appendFileSync(first, `\n   \n${JSON.stringify(entry(NOW - DAY))}\r\n{"id":"torn`);
    await addSegment(stores, [entry(NOW - 1000), entry(NOW - 500)]);
    const exported = (filter: Parameters<typeof exportFeedback>[1]) => {
      const count = { entries: 0 };
      const chunks = [...exportFeedback(stores, filter, 'jsonl', count)];
      return { text: Buffer.concat(chunks.map((chunk) => Buffer.from(chunk))).toString('utf8'), count };
    };
    const all = exported({});
    // Every entry is agent a's: the agent filter takes the line-by-line path over the same lines.
    expect(all).toEqual(exported({ agentId: 'a' }));
    expect(all.count.entries).toBe(12_003);
    expect(all.text.split('\n')).toHaveLength(12_004);
    expect(all.text).not.toContain('torn');
  });

  it('quotes CSV cells as RFC 4180 says, nested fields as JSON', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    const row = csvRow(entry(NOW, { details: { note: 'x,"y"' }, metrics: { memoryMb: 5 }, message: 'm' }));
    expect(row.endsWith('\r\n')).toBe(true);
    expect(row).toContain(',m,"{""memoryMb"":5}","{""note"":""x,\\""y\\""""}"\r\n');
  });
});

describe('IdSet', () => {
  it('tells ids apart across growth, and marks', () => {
    const ids = new IdSet(4);
    const all = Array.from({ length: 50_000 }, (_, i) => `fb_${i.toString(16).padStart(32, '0')}`);
    expect(all.filter((id) => ids.add(id))).toHaveLength(all.length);
    expect(ids.size).toBe(50_000);
    expect(ids.add(all[123]!)).toBe(false);
    expect(ids.has('fb_other')).toBe(false);
    expect(ids.mark('fb_other')).toBe(false);
    expect(ids.mark(all[7]!)).toBe(true);
    expect(ids.mark(all[7]!)).toBe(false);
    expect(ids.isMarked(all[7]!)).toBe(true);
    expect(ids.isMarked(all[8]!)).toBe(false);
  });
});

describe('importFeedback', () => {
  it('skips ids stored already and ids repeated in the input, and folds only what it wrote', async () => {
    const stores = newStores();
    const stored = entry(NOW - DAY);
    await addSegment(stores, [stored]);
    const fresh = entry(NOW - 2 * DAY, { agentId: 'b' });
    const lines = [
      JSON.stringify(stored),
      JSON.stringify(fresh),
      JSON.stringify(fresh),
      '',
      '{"agentId":"c","operationId":"o","type":"success","timestamp":"2026-11-01T00:00:00Z"}',
    ];
    const { result } = await importFeedback(stores, batches(lines), new Date(NOW));
    expect(result).toEqual({
      imported: 2,
      duplicates: 2,
      skipped: 0,
      invalidLines: [],
      agents: { b: 1, c: 1 },
      from: '2026-11-01T00:00:00.000Z',
      to: fresh.timestamp,
    });
    const all = [...exportFeedback(stores, {}, 'jsonl')].join('').trim().split('\n');
    expect(all.map((line) => (JSON.parse(line) as FeedbackEntry).agentId)).toEqual(['a', 'b', 'c']);
    const doc = await stores.aggregates.read();
    // The stored entry once (folded before the import), each imported one once: no duplicate counted.
    const counts = Object.fromEntries(
      Object.entries(doc.agents).map(([agent, hours]) => [
        agent,
        Object.values(hours).reduce((n, b) => n + b.n, 0),
      ]),
    );
    expect(counts).toEqual({ a: 1, b: 1, c: 1 });
    expect(doc.foldedTo).toEqual(stores.log.endPosition());
  });

  it('writes nothing, not even a folder, when a line is invalid', async () => {
    const dir = tempDir();
    const stores = openStores(new DataDir(`${dir}/data`));
    const lines = [JSON.stringify(entry(NOW)), '{broken'];
    await expect(importFeedback(stores, batches(lines), new Date(NOW))).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      invalidLines: [{ line: 2, message: expect.stringMatching(/not valid JSON/) as unknown }],
    });
    expect(fs.existsSync(`${dir}/data`)).toBe(false);
  });
});
