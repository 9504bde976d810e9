import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Kv1ntCore } from '../../../src/core/kv1nt.js';
import { reportView } from '../../../src/core/views.js';
import type { FeedbackInput } from '../../../src/core/feedback/types.js';
import type { OptimizationResult } from '../../../src/core/optimize/optimize.js';
import { passingBotDir } from '../../helpers/agent-project.js';
import { tempDir } from '../../helpers/cli.js';

const HOUR = 3_600_000;

/**
 * The report's figures through the engine's front door, with an injected clock: an agent with
 * 60 hours of history (every fifth call a timeout), optimized once for real, then made worse so
 * that the closed loop reverts the change.
 */
async function reportedAgent({ worse = true } = {}) {
  const dir = passingBotDir({ slaMs: 250 });
  let now = new Date('2026-11-24T12:00:00.000Z');
  const core = await Kv1ntCore.open({ dataDir: path.join(dir, 'data'), cwd: dir, env: {}, clock: () => now });
  const history: FeedbackInput[] = Array.from({ length: 60 }, (_, i) => {
    const timestamp = new Date(now.getTime() - (2 + i) * HOUR).toISOString();
    return i % 5 === 0
      ? { agentId: 'bot', operationId: `c-${i}`, type: 'failure', errorType: 'timeout', timestamp }
      : { agentId: 'bot', operationId: `c-${i}`, type: 'success', durationMs: 200 + i, timestamp };
  });
  await core.recordMany(history);
  const result = (await core.optimize('bot', { strategy: 'conservative', yes: true })) as OptimizationResult;
  expect(result.status).toBe('applied');
  now = new Date(now.getTime() + HOUR);
  if (!worse) return { core, history, result };
  // Half of the calls crash after the change: regressed, and reverted through its journal.
  await core.recordMany(
    Array.from({ length: 40 }, (_, i) =>
      i % 2 === 0
        ? { agentId: 'bot', operationId: `n-${i}`, type: 'failure', errorType: 'crash' }
        : { agentId: 'bot', operationId: `n-${i}`, type: 'success', durationMs: 300 },
    ),
  );
  now = new Date(now.getTime() + HOUR);
  const { verifications } = await core.verify('bot');
  expect(verifications.map((v) => v.status)).toContain('reverted');
  return { core, history, result };
}

/** Failures of `inputs` per `slot` of their timestamp, by error type (the test's own count). */
function countBy(inputs: readonly FeedbackInput[], slot: (timestamp: string) => string) {
  const counts = new Map<string, number>();
  for (const input of inputs)
    if (input.type === 'failure') {
      const key = `${String(input.errorType)}@${slot(input.timestamp!)}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  return counts;
}

describe('collectReport', () => {
  it('gathers per-day and per-hour figures, markers and changes from the aggregates and the store', async () => {
    const { core, history, result } = await reportedAgent();
    const report = await core.view(reportView, 'bot', 3);
    expect(report.dayKeys).toEqual(['2026-11-21', '2026-11-22', '2026-11-23', '2026-11-24']);
    const [agent] = report.agents;
    expect(agent).toMatchObject({ agentId: 'bot', slaMs: 250, entries: 100, successes: 68, failures: 32 });

    // Failures per day by type: the history's timeouts by their day, the 20 crashes today.
    const byDay = countBy(history, (t) => t.slice(0, 10));
    expect(agent!.failuresByDay).toEqual([
      { errorType: 'crash', counts: [0, 0, 0, 20] },
      {
        errorType: 'timeout',
        counts: report.dayKeys.map((day) => byDay.get(`timeout@${day}`) ?? 0),
      },
    ]);
    // By UTC hour of day: the crashes were recorded at 13:00.
    const byHour = countBy(history, (t) => t.slice(11, 13));
    const hours = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0'));
    expect(agent!.failuresByHour).toEqual([
      { errorType: 'crash', counts: hours.map((h) => (h === '13' ? 20 : 0)) },
      { errorType: 'timeout', counts: hours.map((h) => byHour.get(`timeout@${h}`) ?? 0) },
    ]);

    // Durations: nothing on a day without successes; p50 within the histogram's ±4.5 %.
    const okOn = (day: string) =>
      history
        .filter((e) => e.type === 'success' && e.timestamp!.startsWith(day))
        .map((e) => e.durationMs!)
        .sort((a, b) => a - b);
    report.dayKeys.forEach((day, i) => {
      const ok = okOn(day);
      if (day === '2026-11-24') return; // today mixes the history with the 300 ms successes
      if (ok.length === 0) expect(agent!.durations.p50[i]).toBeNull();
      else {
        const median = ok[Math.ceil(ok.length / 2) - 1]!;
        expect(Math.abs(agent!.durations.p50[i]! - median) / median).toBeLessThan(0.05);
      }
    });

    // One score per day with outcomes, oldest first.
    expect(agent!.health.map((point) => point.day)).toEqual(report.dayKeys);

    // The change: applied, then judged regressed and reverted by the closed loop.
    const applied = result.actions.find((a) => a.status === 'applied')!;
    expect(agent!.markers.map((m) => [m.kind, m.target, m.resultId])).toEqual([
      ['applied', applied.target, result.id],
      ['reverted', applied.target, result.id],
    ]);
    expect(agent!.changes).toEqual([
      {
        resultId: result.id,
        appliedAt: applied.appliedAt,
        type: applied.type,
        target: applied.target,
        description: applied.description,
        state: 'reverted',
        verdict: 'reverted',
        healthBefore: result.healthBefore,
        before: expect.objectContaining({ entries: 60, failures: 12 }) as unknown,
        after: expect.objectContaining({ entries: 40, failures: 20, successRate: 0.5 }) as unknown,
      },
    ]);
    expect(agent!.opportunities.every((o) => typeof o.title === 'string')).toBe(true);
  });

  it('marks a result rolled back by a person', async () => {
    const { core, result } = await reportedAgent({ worse: false });
    await core.rollback(result.id);
    const [agent] = (await core.view(reportView, 'bot', 3)).agents;
    const applied = result.actions.find((a) => a.status === 'applied')!;
    expect(agent!.markers.map((m) => [m.kind, m.target, m.resultId])).toEqual([
      ['applied', applied.target, result.id],
      ['rolled_back', 'every change', result.id],
    ]);
    // Rolled back before a verdict: the verification ends as reverted (by the rollback).
    expect(agent!.changes).toMatchObject([
      { resultId: result.id, state: 'rolled_back', verdict: 'reverted' },
    ]);
  });

  it('draws the six most frequent error types one by one and adds up the rest as other', async () => {
    const dir = tempDir();
    const now = new Date('2026-11-24T12:00:00.000Z');
    const core = await Kv1ntCore.open({
      dataDir: path.join(dir, 'data'),
      cwd: dir,
      env: {},
      clock: () => now,
    });
    // Type e<k> fails k times (k = 1..8): e8…e3 are shown, e2 and e1 are "other" (3 failures).
    await core.recordMany(
      Array.from({ length: 8 }, (_, k) => k + 1).flatMap((k) =>
        Array.from({ length: k }, (_, i) => ({
          agentId: 'bot',
          operationId: `e${k}-${i}`,
          type: 'failure' as const,
          errorType: `e${k}`,
          timestamp: '2026-11-24T09:30:00.000Z',
        })),
      ),
    );
    const [agent] = (await core.view(reportView, undefined, 1)).agents;
    expect(agent!.failuresByDay.map((s) => [s.errorType, s.counts])).toEqual([
      ['e8', [0, 8]],
      ['e7', [0, 7]],
      ['e6', [0, 6]],
      ['e5', [0, 5]],
      ['e4', [0, 4]],
      ['e3', [0, 3]],
      ['other (2 types)', [0, 3]],
    ]);
    expect(agent!.durations).toEqual({ p50: [null, null], p95: [null, null] });
    expect(agent!.markers).toEqual([]);
    expect(agent!.changes).toEqual([]);
  });
});
