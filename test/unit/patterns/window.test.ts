import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allEntries } from '../../../src/core/feedback/aggregate-index.js';
import type { FeedbackEntry } from '../../../src/core/feedback/types.js';
import { byTimestamp } from '../../../src/core/patterns/timestamps.js';
import { windowBounds } from '../../../src/core/patterns/engine.js';
import {
  noteWrittenSegment,
  readSegmentTimes,
  segmentTimesFile,
  writeSegmentTimes,
} from '../../../src/core/patterns/segment-times.js';
import { scanWindow } from '../../../src/core/patterns/window.js';
import { DataDir } from '../../../src/core/store/data-dir.js';
import { openStores, type Stores } from '../../../src/core/store/stores.js';
import { tempDir } from '../../helpers/cli.js';
import { feedbackEntry } from '../../helpers/feedback-entry.js';
import { thrown } from '../store/helpers.js';

/** The window [from, to] as pattern detection reads it, each agent's entries in time order. */
function windowEntries(stores: Stores, agentIds: ReadonlySet<string> | undefined, from: number, to: number) {
  return readWindow(stores, agentIds, ...windowBounds(from, to));
}

/** The entries scanWindow hands over, grouped by agent, each agent's in time order. */
function readWindow(
  stores: Stores,
  agentIds: ReadonlySet<string> | undefined,
  fromIso: string,
  toIso: string,
) {
  const byAgent = new Map<string, FeedbackEntry[]>();
  scanWindow(stores, agentIds, fromIso, toIso, (entry) => {
    const list = byAgent.get(entry.agentId);
    if (list) list.push(entry);
    else byAgent.set(entry.agentId, [entry]);
  });
  for (const list of byAgent.values()) list.sort(byTimestamp);
  return byAgent;
}

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-20T12:00:00.000Z');
function entry(at: number, agentId = 'a', extra: Partial<FeedbackEntry> = {}): FeedbackEntry {
  const timestamp = new Date(at).toISOString();
  return feedbackEntry({ agentId, timestamp, recordedAt: timestamp, ...extra });
}

function newStores(): Stores {
  return openStores(new DataDir(tempDir()));
}

async function addSegment(stores: Stores, entries: FeedbackEntry[]): Promise<void> {
  await stores.log.appendSegment(entries.map((e) => JSON.stringify(e)));
}

/** The reference: every entry parsed, filtered by window and agent, sorted stably by time. */
function naiveWindow(stores: Stores, agents: Set<string> | undefined, from: number, to: number) {
  const fromIso = new Date(from).toISOString();
  const toIso = new Date(to + 300_000).toISOString();
  const byAgent = new Map<string, FeedbackEntry[]>();
  for (const e of allEntries(stores)) {
    if (e.timestamp < fromIso || e.timestamp > toIso) continue;
    if (agents && !agents.has(e.agentId)) continue;
    byAgent.set(e.agentId, [...(byAgent.get(e.agentId) ?? []), e]);
  }
  for (const list of byAgent.values()) list.sort((a, b) => a.timestamp.localeCompare(b.timestamp));
  return byAgent;
}

const ids = (map: Map<string, FeedbackEntry[]>) =>
  Object.fromEntries([...map].map(([agent, list]) => [agent, list.map((e) => e.id)]));

describe('windowEntries', () => {
  const from = NOW - 7 * DAY;
  const toIso = new Date(NOW + 300_000).toISOString();

  it('keeps entries exactly at both ends of the window, with or without the index', async () => {
    const stores = newStores();
    const atStart = entry(from);
    const atEnd = entry(Date.parse(toIso));
    const justBefore = entry(from - 1);
    const justAfter = entry(Date.parse(toIso) + 1);
    await addSegment(stores, [justAfter, atEnd, justBefore, atStart]);
    await addSegment(
      stores,
      [atStart, atEnd].map((e) => ({ ...e, id: `${e.id}-b` })),
    );
    const expected = { a: [atStart.id, `${atStart.id}-b`, atEnd.id, `${atEnd.id}-b`] };
    expect(fs.existsSync(segmentTimesFile(stores.log))).toBe(false);
    expect(ids(windowEntries(stores, undefined, from, NOW))).toEqual(expected);
    // The first read indexed both segments; the second uses the index (segment 2 wholly inside).
    const times = readSegmentTimes(segmentTimesFile(stores.log));
    expect(times.get(1)).toMatchObject({ first: justBefore.timestamp, last: justAfter.timestamp });
    expect(times.get(2)).toMatchObject({ first: atStart.timestamp, last: atEnd.timestamp });
    expect(ids(windowEntries(stores, undefined, from, NOW))).toEqual(expected);
  });

  it('matches reading every entry, over several segments, agents and appends', async () => {
    const stores = newStores();
    for (let s = 0; s < 4; s++) {
      const batch = Array.from({ length: 40 }, (_, i) =>
        entry(NOW - (s * 3 + (i % 5)) * DAY + i * 1000, `agent-${i % 3}`),
      );
      await addSegment(stores, batch);
    }
    await stores.log.append([JSON.stringify(entry(NOW - DAY, 'agent-1'))]);
    const agents = new Set(['agent-0', 'agent-1']);
    for (let round = 0; round < 2; round++) {
      expect(ids(windowEntries(stores, undefined, from, NOW))).toEqual(
        ids(naiveWindow(stores, undefined, from, NOW)),
      );
      expect(ids(windowEntries(stores, agents, from, NOW))).toEqual(
        ids(naiveWindow(stores, agents, from, NOW)),
      );
    }
    // An append after indexing makes the newest segment's entry stale: the new entry is seen.
    await stores.log.append([JSON.stringify(entry(NOW, 'agent-0'))]);
    expect(ids(windowEntries(stores, agents, from, NOW))).toEqual(
      ids(naiveWindow(stores, agents, from, NOW)),
    );
  });

  it('skips a segment the index places outside the window, until the file changes', async () => {
    const stores = newStores();
    const inWindow = entry(NOW - DAY);
    await addSegment(stores, [inWindow]);
    expect(ids(windowEntries(stores, undefined, from, NOW))).toEqual({ a: [inWindow.id] });
    // Make the (still current) index claim the segment is old: proof that it is trusted...
    const file = segmentTimesFile(stores.log);
    const times = readSegmentTimes(file);
    const old = new Date(from - 10 * DAY).toISOString();
    times.set(1, { ...times.get(1)!, first: old, last: old });
    writeSegmentTimes(file, times);
    expect(ids(readWindow(stores, undefined, new Date(from).toISOString(), toIso))).toEqual({});
    // ...and that any change to the segment (here its mtime) makes the entry stale: read again.
    const segmentFile = stores.log.segmentPath(1);
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(segmentFile, later, later);
    expect(ids(windowEntries(stores, undefined, from, NOW))).toEqual({ a: [inWindow.id] });
    expect(readSegmentTimes(file).get(1)).toMatchObject({ first: inWindow.timestamp });
  });

  it('falls back to reading when the index is missing, damaged or of another format', async () => {
    const stores = newStores();
    const e = entry(NOW - DAY);
    await addSegment(stores, [e]);
    const file = segmentTimesFile(stores.log);
    for (const content of ['', '{not json', '{"format":"other","version":1,"segments":{}}', '[1,2]']) {
      fs.writeFileSync(file, content);
      expect(readSegmentTimes(file).size).toBe(0);
      expect(ids(windowEntries(stores, undefined, from, NOW))).toEqual({ a: [e.id] });
    }
    fs.writeFileSync(
      file,
      JSON.stringify({ format: 'kv1nt-segment-times', version: 1, segments: { 1: { bytes: 'x' } } }),
    );
    expect(ids(windowEntries(stores, undefined, from, NOW))).toEqual({ a: [e.id] });
    fs.rmSync(file);
    expect(ids(windowEntries(stores, undefined, from, NOW))).toEqual({ a: [e.id] });
    expect(readSegmentTimes(file).get(1)).toMatchObject({ first: e.timestamp, last: e.timestamp });
  });

  it('indexes a segment written whole, only while the file is what was written', async () => {
    const stores = newStores();
    const entries = [entry(NOW - 3 * DAY), entry(NOW - DAY)];
    const span = await stores.log.appendSegment(entries.map((x) => JSON.stringify(x)));
    noteWrittenSegment(stores.log, span!.after.segment, span!.after.offset + 1, ['x']);
    expect(readSegmentTimes(segmentTimesFile(stores.log)).size).toBe(0);
    noteWrittenSegment(
      stores.log,
      span!.after.segment,
      span!.after.offset,
      entries.map((x) => x.timestamp),
    );
    expect(readSegmentTimes(segmentTimesFile(stores.log)).get(1)).toMatchObject({
      first: entries[0]!.timestamp,
      last: entries[1]!.timestamp,
    });
    expect(ids(windowEntries(stores, undefined, from, NOW))).toEqual({ a: entries.map((x) => x.id) });
  });

  it('still reports a damaged line inside the window, with its byte offset', async () => {
    const stores = newStores();
    await addSegment(stores, [entry(NOW - DAY)]);
    const segmentFile = stores.log.segmentPath(1);
    fs.appendFileSync(segmentFile, '{"timestamp":"2026-11-19T00:00:00.000Z", broken\n');
    const size = fs.statSync(segmentFile).size;
    const error = thrown(() => windowEntries(stores, undefined, from, NOW));
    expect(error.code).toBe('STORE_CORRUPT');
    expect(error.message).toContain(`ending at byte ${size}`);
  });
});
