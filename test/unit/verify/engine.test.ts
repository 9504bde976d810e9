import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Kv1ntCore } from '../../../src/core/kv1nt.js';
import type { OptimizationResult } from '../../../src/core/optimize/optimize.js';
import { passingBotDir } from '../../helpers/agent-project.js';

const DAY = 86_400_000;

/**
 * The closed loop through the engine's own front door, with an injected clock: an agent whose
 * timeouts a param raise answers, optimized once, then judged as time passes.
 */
async function optimizedAgent() {
  const dir = passingBotDir();
  let now = new Date('2026-11-24T12:00:00.000Z');
  const clock = { now: () => now, advance: (ms: number) => (now = new Date(now.getTime() + ms)) };
  const core = await Kv1ntCore.open({
    dataDir: path.join(dir, 'data'),
    cwd: dir,
    env: {},
    clock: () => clock.now(),
  });
  const at = (hoursBefore: number) => new Date(now.getTime() - hoursBefore * 3_600_000).toISOString();
  await core.recordMany(
    Array.from({ length: 60 }, (_, i) =>
      i % 5 === 0
        ? {
            agentId: 'bot',
            operationId: `c-${i}`,
            type: 'failure',
            errorType: 'timeout',
            timestamp: at(2 + i),
          }
        : { agentId: 'bot', operationId: `c-${i}`, type: 'success', durationMs: 300, timestamp: at(2 + i) },
    ),
  );
  const result = (await core.optimize('bot', { strategy: 'conservative', yes: true })) as OptimizationResult;
  expect(result.status).toBe('applied');
  return { dir, core, clock, result };
}

const success = (i: number) => ({ agentId: 'bot', operationId: `n-${i}`, type: 'success', durationMs: 300 });

describe('the closed loop engine', () => {
  it('keeps verifying while feedback is short of minEntries, then calls it inconclusive at maxWait', async () => {
    const { core, clock } = await optimizedAgent();
    await core.recordMany(Array.from({ length: 5 }, (_, i) => success(i)));
    clock.advance(6 * DAY);
    let { verifications } = await core.verify('bot');
    expect(verifications).toMatchObject([{ status: 'verifying', after: { entries: 5 } }]);
    clock.advance(1 * DAY);
    const { decided } = await core.verify('bot');
    expect(decided).toMatchObject([
      { status: 'inconclusive', reason: expect.stringMatching(/only 5 of the 30 entries needed/) as unknown },
    ]);
    // Without new evidence the loop does not act again: the opportunity rests, the change stays.
    const [opportunity] = await core.opportunities('bot', { status: 'all' });
    expect(opportunity).toMatchObject({ status: 'resolved', resolution: { verdict: 'inconclusive' } });
    ({ verifications } = await core.verify('bot'));
    expect(verifications[0]!.status).toBe('inconclusive');
  });

  it('opens the verification of a kept change whose run died before recording it', async () => {
    const { core, result } = await optimizedAgent();
    // As after a kill -9 between keeping the change and finishing the run.
    await core.stores.optimization.update((doc) => {
      doc.verifications = [];
      for (const o of doc.opportunities)
        Object.assign(o, { status: 'open', verificationId: null, epoch: null });
    });
    const { verifications } = await core.verify('bot');
    expect(verifications).toMatchObject([
      {
        resultId: result.id,
        actionId: result.actions[0]!.id,
        status: 'verifying',
        target: 'param:timeoutMs',
      },
    ]);
    expect((await core.opportunities('bot', { status: 'all' }))[0]!.status).toBe('verifying');
  });

  it('catches an epoch up from the log after the aggregates were rebuilt', async () => {
    const { core } = await optimizedAgent();
    await core.recordMany(Array.from({ length: 12 }, (_, i) => success(i)));
    expect((await core.verify('bot')).verifications[0]!.after!.entries).toBe(12);
    fs.rmSync(core.stores.aggregates.file);
    expect((await core.verify('bot')).verifications[0]!.after!.entries).toBe(12);
    await core.recordMany(Array.from({ length: 20 }, (_, i) => success(100 + i)));
    const { decided } = await core.verify('bot');
    expect(decided).toMatchObject([{ status: 'confirmed', after: { entries: 32 } }]);
  });

  it('counts on the after side only entries timestamped from the change on', async () => {
    const { core } = await optimizedAgent();
    // Late-arriving feedback about operations before the change belongs to the before side.
    await core.recordMany(
      Array.from({ length: 40 }, (_, i) => ({ ...success(i), timestamp: '2026-11-24T11:00:00.000Z' })),
    );
    const { verifications } = await core.verify('bot');
    expect(verifications[0]).toMatchObject({ status: 'verifying', after: { entries: 0 } });
  });
});
