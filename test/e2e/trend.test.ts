import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kv1nt, tempDir } from '../helpers/cli.js';

const DAY_MS = 86_400_000;
const jsonl = (lines: object[]) => lines.map((line) => JSON.stringify(line)).join('\n');

/**
 * 30 days of feedback, 100 outcomes a day, the success rate falling steadily from 95 % to 79 %:
 * with outcomes only, the daily health is the success rate, so it falls by 16 points.
 */
function fallingMonth(agentId: string): object[] {
  const now = Date.now();
  const lines: object[] = [];
  for (let daysAgo = 29; daysAgo >= 0; daysAgo--) {
    const successes = 79 + Math.round((16 * daysAgo) / 29);
    const at = new Date(now - daysAgo * DAY_MS - 3_600_000).toISOString();
    for (let i = 0; i < 100; i++)
      lines.push({
        agentId,
        operationId: `d${daysAgo}-${i}`,
        type: i < successes ? 'success' : 'failure',
        ...(i < successes ? {} : { errorType: 'timeout' }),
        timestamp: at,
      });
  }
  return lines;
}

interface TrendJson {
  healthTrend: string;
  trendSlopePerDay: number | null;
  trendPValue: number | null;
  trendChange: number | null;
  metrics?: { trendSlopePerDay: number | null };
}

describe('health trend with significance (issue 10, item 8)', () => {
  it('reads a steady 16-point fall over 30 days as declining, in analyze and health, JSON and text', () => {
    const home = path.join(tempDir(), 'data');
    expect(kv1nt(home, ['feedback', 'import', '-'], { input: jsonl(fallingMonth('falling')) }).code).toBe(0);

    // health first: analyze stores its window's score as a point of today, which health then reads.
    const health = kv1nt(home, ['health', 'falling', '--days', '30', '--json']).json<TrendJson>();
    const analysis = kv1nt(home, ['analyze', 'falling', '--days', '30', '--json']);
    expect(analysis.code).toBe(0);
    const body = analysis.json<TrendJson>();
    expect(body.healthTrend).toBe('declining');
    expect(body.trendPValue).toBeLessThan(0.05);
    expect(body.trendSlopePerDay).toBeLessThan(0);
    // 16 points over the 29 days between the first and the last day, in whole-percent steps.
    expect(body.trendSlopePerDay).toBeCloseTo(-16 / 29, 1);
    expect(body.trendChange).toBeCloseTo(-16, 0);
    expect(body.metrics?.trendSlopePerDay).toBe(body.trendSlopePerDay);
    expect(health).toMatchObject({
      healthTrend: 'declining',
      trendSlopePerDay: body.trendSlopePerDay,
      trendPValue: body.trendPValue,
      trendChange: body.trendChange,
    });

    const text = kv1nt(home, ['health', 'falling', '--days', '30']).stdout;
    expect(text).toMatch(/trend declining/);
    expect(text).toMatch(
      /trend: slope -0\.5\d+ points\/day, change -1[56]\.\d points over the window, Mann–Kendall p < 0\.001/,
    );
    expect(kv1nt(home, ['analyze', 'falling', '--days', '30']).stdout).toMatch(/change -1[56]\.\d points/);
  });

  it('honours the trend config: a minChange above the fall makes it stable', () => {
    const dir = tempDir({ '.kv1ntrc.json': JSON.stringify({ trend: { minChange: 20 } }) });
    const home = path.join(dir, 'data');
    kv1nt(home, ['feedback', 'import', '-'], { input: jsonl(fallingMonth('falling')), cwd: dir });
    const body = kv1nt(home, ['analyze', 'falling', '--days', '30', '--json'], {
      cwd: dir,
    }).json<TrendJson>();
    expect(body.healthTrend).toBe('stable');
    expect(body.trendPValue).toBeLessThan(0.05);
  });

  it('gives null p-value and change with too few days', () => {
    const home = path.join(tempDir(), 'data');
    kv1nt(home, ['feedback', 'success', 'new', 'op']);
    expect(kv1nt(home, ['analyze', 'new', '--json']).json<TrendJson>()).toMatchObject({
      healthTrend: 'insufficient_data',
      trendSlopePerDay: null,
      trendPValue: null,
      trendChange: null,
    });
  });
});
