// Two threads detect a big window, each over part of the log, the second's detection merged into
// the first's: the result must be the single pass's to the bit, wherever the split falls.
// Needs the built dist/patterns-reader.cjs (npm run build).
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toFeedbackRecord } from '../../../src/core/feedback/validate.js';
import { readSegmentTimes, segmentTimesFile } from '../../../src/core/patterns/segment-times.js';
import { detectWindow, type TwoReaderOptions } from '../../../src/core/patterns/two-readers.js';
import { windowBounds } from '../../../src/core/patterns/window.js';
import { DataDir } from '../../../src/core/store/data-dir.js';
import { openStores, type Stores } from '../../../src/core/store/stores.js';
import { tempDir } from '../../helpers/cli.js';
import { random } from '../../helpers/random.js';

const NOW = new Date('2026-11-30T12:00:00.000Z');
const HOUR = 3_600_000;
/** Every reader's window: the last 7 days. */
const BOUNDS = windowBounds(NOW.getTime() - 7 * 24 * HOUR, NOW.getTime());
const SLA = new Map<string, number | null>([
  ['sla-bot', 500],
  ['a', null],
]);

/**
 * Lines as kv1nt writes them, of every pattern kind, several agents, in no time order, with
 * ties: failures of a few signatures (one failing in more than 50 kinds, with more than 200
 * messages naming durations), operations failing then retried (across the whole log), quality
 * scores with dimensions (lines with details, parsed in full), rising durations, an agent with
 * an SLA, failures bunched in one hour, escaped text, and entries outside the window.
 */
function feedbackLines(count: number, seed: number): string[] {
  const next = random(seed);
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const agentId = ['a', 'b', 'sla-bot', 'quiet'][Math.floor(next() * 4)]!;
    // Hours back, rounded to the second so that many entries share a time.
    const back = Math.floor(next() * 8 * 24 * 3600) * 1000;
    const timestamp = new Date(NOW.getTime() - (next() < 0.3 ? back % (2 * HOUR) : back)).toISOString();
    const roll = next();
    const input: Record<string, unknown> = { agentId, timestamp };
    if (roll < 0.3) {
      const kind = next() < 0.5 ? `k${Math.floor(next() * 80)}` : 'fetch';
      Object.assign(input, {
        type: 'failure',
        operationId: `${kind}-${Math.floor(next() * 400)}`,
        errorType: next() < 0.5 ? 'timeout' : 'Timeout',
        message:
          next() < 0.8
            ? `GET /v1/items/${i} timed out after ${Math.floor(next() * 5000)} ms`
            : `quota "x${i}" exceeded\ttwice`,
        durationMs: Math.floor(next() * 3000),
      });
    } else if (roll < 0.75) {
      Object.assign(input, {
        type: 'success',
        operationId: `${next() < 0.5 ? 'fetch' : 'summarize'}-${Math.floor(next() * 400)}`,
        durationMs: 100 + Math.floor((i / count) * 900 + next() * 100),
        ...(next() < 0.05 ? { details: { task: 'batch' } } : {}),
      });
    } else if (roll < 0.9) {
      Object.assign(input, {
        type: 'quality_score',
        operationId: `review-${i}`,
        score: Math.round(next() * 100) / 100,
        ...(next() < 0.5 ? { details: { dimensions: { accuracy: next(), tone: next() } } } : {}),
      });
    } else {
      Object.assign(input, {
        type: 'user_rating',
        operationId: `chat-${i}`,
        rating: 1 + Math.floor(next() * 5),
      });
    }
    lines.push(toFeedbackRecord(input, NOW).line);
  }
  return lines;
}

/** A log of many segments: appends (small segments roll over) and imports (whole segments). */
async function bigLog(): Promise<Stores> {
  const stores = openStores(new DataDir(tempDir()), { maxSegmentBytes: 256 * 1024 });
  for (let batch = 0; batch < 12; batch++) {
    const lines = feedbackLines(1500, batch + 1);
    if (batch % 4 === 3) await stores.log.appendSegment(lines);
    else for (let at = 0; at < lines.length; at += 100) await stores.log.append(lines.slice(at, at + 100));
  }
  return stores;
}

/** Each agent's patterns in the order the detection lists the agents, and how many threads read. */
async function detected(stores: Stores, agentIds: Set<string> | undefined, options: TwoReaderOptions) {
  const { accumulators, readers } = await detectWindow(stores.log, agentIds, ...BOUNDS, SLA, options);
  const patterns = [...accumulators].map(([agentId, accumulator]) => [
    agentId,
    accumulator.patterns({ minFrequency: 1, minConfidence: 0, slaMs: SLA.get(agentId) ?? null }),
  ]);
  return { patterns, readers };
}

async function failure(run: Promise<unknown>): Promise<string> {
  try {
    await run;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the detection to fail');
}

describe('detectWindow with two readers', () => {
  it('finds what one reader finds, wherever the log is split', async () => {
    const stores = await bigLog();
    expect(stores.log.segments().length).toBeGreaterThan(10);
    const one = await detected(stores, undefined, { twoReadersFromBytes: Infinity });
    expect(one.readers).toBe(1);
    const types = new Set(
      one.patterns.flatMap(([, found]) =>
        (found as Array<{ patternType: string }>).map((p) => p.patternType),
      ),
    );
    expect([...types].sort()).toEqual(['behavior', 'failure', 'performance', 'quality', 'success']);
    for (const firstShare of [0.5, 0.07, 0.31, 0.62, 0.93]) {
      const two = await detected(stores, undefined, { twoReadersFromBytes: 0, firstShare });
      expect(two.readers).toBe(2);
      expect(two.patterns).toEqual(one.patterns);
    }
    // Some agents only (the others' lines skipped by both readers).
    const some = new Set(['sla-bot', 'b']);
    const oneOfSome = await detected(stores, some, { twoReadersFromBytes: Infinity });
    expect(await detected(stores, some, { twoReadersFromBytes: 0, firstShare: 0.45 })).toEqual({
      ...oneOfSome,
      readers: 2,
    });
  });

  it('indexes the segments it read as one reader does, the split one from both halves', async () => {
    const stores = await bigLog();
    const index = segmentTimesFile(stores.log);
    await detectWindow(stores.log, undefined, ...BOUNDS, SLA, { twoReadersFromBytes: Infinity });
    const byOne = readSegmentTimes(index);
    fs.rmSync(index);
    await detectWindow(stores.log, undefined, ...BOUNDS, SLA, { twoReadersFromBytes: 0, firstShare: 0.55 });
    expect(readSegmentTimes(index)).toEqual(byOne);
    expect(byOne.size).toBe(stores.log.segments().length);
  });

  it('reports a damaged line in the second half as one reader does', async () => {
    const stores = await bigLog();
    const last = stores.log.segmentPath(stores.log.segments().at(-1)!);
    const text = fs.readFileSync(last, 'utf8').split('\n');
    text[text.length - 3] = '{"id": broken';
    fs.writeFileSync(last, text.join('\n'));
    const byOne = await failure(
      detectWindow(stores.log, undefined, ...BOUNDS, SLA, { twoReadersFromBytes: Infinity }),
    );
    const byTwo = await failure(
      detectWindow(stores.log, undefined, ...BOUNDS, SLA, { twoReadersFromBytes: 0 }),
    );
    expect(byOne).toMatch(/is damaged/);
    expect(byTwo).toBe(byOne);
  });
});
