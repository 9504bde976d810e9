import fs from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { allEntries } from '../../../src/core/feedback/aggregate-index.js';
import { emptyAggregates, foldEntries } from '../../../src/core/feedback/aggregates.js';
import type { ImportBlock } from '../../../src/core/feedback/import-block.js';
import { importFeedback, type ImportOptions } from '../../../src/core/feedback/import-run.js';
import { readLines } from '../../../src/core/feedback/segment-draft.js';
import { DataDir } from '../../../src/core/store/data-dir.js';
import { openStores, type Stores } from '../../../src/core/store/stores.js';
import { tempDir } from '../../helpers/cli.js';

const NOW = new Date('2026-11-20T12:00:00.000Z');
const TYPES = ['success', 'failure', 'quality_score', 'user_rating', 'performance'] as const;
const OLD_TIMES = ['0050-03-01T00:59:59.999Z', '1969-12-31T23:30:00.001Z', '2026-11-19 10:00:00+02:00'];

/**
 * 4 000 import lines of every kind that changes the sums: fractional scores and durations (their
 * float sums must come out to the last bit), ratings, metrics, error types, given ids repeated
 * across blocks, invalid, blank and CRLF lines, and a byte order mark.
 */
function inputLines(): string[] {
  const lines: string[] = [];
  for (let i = 0; i < 4000; i++) {
    const timestamp = new Date(NOW.getTime() - 86_400_000 + i * 17_000).toISOString();
    const type = TYPES[i % TYPES.length]!;
    const entry: Record<string, unknown> = {
      agentId: `agent-${i % 3}`,
      operationId: `op-${i % 40}`,
      type,
      source: i % 4 === 0 ? 'user' : 'agent',
      timestamp,
      durationMs: i % 2 === 0 ? 100 + (i % 97) * 0.37 : 1000 + i,
    };
    if (type === 'quality_score' || type === 'performance') entry.score = ((i * 7919) % 1000) / 1000;
    if (type === 'user_rating') entry.rating = 1 + (i % 5);
    if (type === 'failure') entry.errorType = ['timeout', 'rate_limit', 'parse'][i % 3];
    if (i % 3 === 0) entry.metrics = { memoryMb: 200 + (i % 50) * 0.1, tokens: i % 900 };
    if (i % 5 === 0) entry.id = `fb_given_${i % 1500}`; // repeats from i = 1500 on: duplicates
    // Times before 1970 and before year 100, and a non-canonical form: the sums keep times, not text.
    if (i % 500 === 7) entry.timestamp = OLD_TIMES[Math.floor(i / 500) % OLD_TIMES.length];
    lines.push(JSON.stringify(entry) + (i % 11 === 0 ? '\r' : ''));
    if (i % 97 === 0) lines.push('');
    if (i % 389 === 0) lines.push('{"agentId":"bad id!","operationId":"x","type":"success"}');
    if (i % 401 === 0) lines.push('{not json');
  }
  lines[0] = `\ufeff${lines[0]}`;
  return lines;
}

/** The input in blocks of 37 lines, as importBlocks cuts a file (bytes, first line number). */
function blocks(lines: string[]): AsyncIterable<ImportBlock> {
  const out: ImportBlock[] = [];
  for (let start = 0; start < lines.length; start += 37) {
    const bytes = Buffer.from(lines.slice(start, start + 37).join('\n'));
    out.push({ bytes, firstLine: start + 1, first: start === 0 });
  }
  return Readable.from(out, { objectMode: true }) as AsyncIterable<ImportBlock>;
}

async function run(options: ImportOptions): Promise<{ stores: Stores; result: unknown; segment?: number }> {
  const stores = openStores(new DataDir(tempDir()));
  const { result, segment } = await importFeedback(stores, blocks(inputLines()), NOW, {
    skipInvalid: true,
    ...options,
  });
  return { stores, result, ...(segment === undefined ? {} : { segment }) };
}

/** The stored lines, with the ids kv1nt made up (they differ per run) blanked out. */
function storedLines(stores: Stores, segment: number): string[] {
  return [...readLines(stores.log.segmentPath(segment))].map((line) =>
    line.replace(/^\{"id":"fb_[0-9a-f]{32}"/, '{"id":"made-up"'),
  );
}

/** The aggregates, serialized, without what names the segment file (its inode and time). */
async function sums(stores: Stores): Promise<string> {
  const { foldedSegments: _file, ...doc } = await stores.aggregates.read();
  return JSON.stringify(doc);
}

describe('import on worker threads', () => {
  it('stores the same lines, counts and aggregates, to the last bit, as the main thread alone', async () => {
    const alone = await run({ workers: 0 });
    const threaded = await run({ workers: 2, parallelAfterBlocks: 1 });
    const onePlusMain = await run({ workers: 1, parallelAfterBlocks: 0 });
    expect(alone.result).toMatchObject({ duplicates: 500, skipped: 21, from: '0050-03-01T00:59:59.999Z' });
    // The sums gathered while reading are those a fold of the stored log gives.
    const folded = emptyAggregates();
    foldEntries(folded, allEntries(alone.stores));
    const { agents } = await alone.stores.aggregates.read();
    expect(JSON.stringify(agents)).toBe(JSON.stringify(folded.agents));
    for (const other of [threaded, onePlusMain]) {
      expect(other.result).toEqual(alone.result);
      expect(storedLines(other.stores, other.segment!)).toEqual(storedLines(alone.stores, alone.segment!));
      // Serialized: a sum added in another order would differ in its last digits.
      expect(await sums(other.stores)).toBe(await sums(alone.stores));
    }
  });

  it('refuses the whole input by its invalid lines, numbered as read, and writes nothing', async () => {
    for (const options of [{ workers: 0 }, { workers: 2, parallelAfterBlocks: 1 }]) {
      const dir = tempDir();
      const stores = openStores(new DataDir(`${dir}/data`));
      await expect(importFeedback(stores, blocks(inputLines()), NOW, options)).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        invalidLines: expect.arrayContaining([
          { line: 3, message: expect.stringMatching(/agent id/) as unknown },
          { line: 4, message: expect.stringMatching(/not valid JSON/) as unknown },
        ]) as unknown,
      });
      expect(fs.existsSync(`${dir}/data`)).toBe(false);
    }
  });
});
