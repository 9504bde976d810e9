import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FeedbackEntry } from '../../../src/core/feedback/types.js';
import { readFeedbackWindow } from '../../../src/core/feedback/window.js';
import { segmentTimesFile } from '../../../src/core/patterns/segment-times.js';
import { scanWindow } from '../../../src/core/patterns/window.js';
import { DataDir } from '../../../src/core/store/data-dir.js';
import { openStores } from '../../../src/core/store/stores.js';
import { tempDir } from '../../helpers/cli.js';
import { feedbackEntry } from '../../helpers/feedback-entry.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-20T12:00:00.000Z');
/** A stored entry of `agentId` at `at` (ms since the epoch). */
function entry(at: number, agentId: string, extra: Partial<FeedbackEntry> = {}): FeedbackEntry {
  const timestamp = new Date(at).toISOString();
  return feedbackEntry({ agentId, timestamp, recordedAt: timestamp, ...extra });
}

describe('readFeedbackWindow (what ctx.feedback holds)', () => {
  it("holds the agent's entries of the window, oldest first, frozen, over several segments", async () => {
    const dataDir = tempDir();
    const stores = openStores(new DataDir(dataDir));
    const from = NOW - 7 * DAY;
    const newest = entry(NOW + 299_000, 'bot'); // within the clock-skew slack
    const escaped = entry(NOW - 2 * DAY, 'bot', { message: 'said "no"\n', metrics: { ms: 3 } });
    const oldest = entry(from, 'bot');
    // Another agent's line naming `bot` further on: only the top-level agentId counts.
    const nested = entry(NOW - DAY, 'other', { details: { agentId: 'bot' } });
    await stores.log.appendSegment(
      [newest, entry(NOW - DAY, 'other'), escaped, entry(from - 1, 'bot'), nested].map((e) =>
        JSON.stringify(e),
      ),
    );
    const middle = entry(NOW - 3 * DAY, 'bot');
    await stores.log.appendSegment(
      [oldest, entry(NOW + 301_000, 'bot'), middle, entry(NOW - 10 * DAY, 'bot')].map((e) =>
        JSON.stringify(e),
      ),
    );

    const entries = readFeedbackWindow({ dataDir, agentId: 'bot', from, to: NOW });
    expect(entries).toEqual([oldest, middle, escaped, newest]);
    expect(Object.isFrozen(entries)).toBe(true);
    expect(entries.every((e) => Object.isFrozen(e))).toBe(true);
    expect(Object.isFrozen(entries[2]?.metrics)).toBe(true);
    // A reader without write access: the segment time index is left alone.
    expect(fs.existsSync(segmentTimesFile(stores.log))).toBe(false);
  });

  it('reads the same entries when the segment time index says a segment is wholly inside', async () => {
    const dataDir = tempDir();
    const stores = openStores(new DataDir(dataDir));
    const lines = [entry(NOW - DAY, 'bot'), entry(NOW - DAY, 'other'), entry(NOW - 2 * DAY, 'bot')];
    await stores.log.appendSegment(lines.map((e) => JSON.stringify(e)));
    const window = { dataDir, agentId: 'bot', from: NOW - 7 * DAY, to: NOW };
    const before = readFeedbackWindow(window);
    // patterns writes the index; the next window read trusts it.
    scanWindow(stores, undefined, '2000-01-01T00:00:00.000Z', '2100-01-01T00:00:00.000Z', () => {});
    expect(fs.existsSync(segmentTimesFile(stores.log))).toBe(true);
    expect(readFeedbackWindow(window)).toEqual(before);
    expect(before).toEqual([lines[2], lines[0]]);
  });
});
