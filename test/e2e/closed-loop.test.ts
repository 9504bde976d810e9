import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kv1ntAsync, snapshot, tempDir } from '../helpers/cli.js';
import { treeHash, type ResultJson } from '../helpers/agent-project.js';

/*
 * The closed loop, end to end on the built CLI: a small LLM-style agent (config.json with
 * timeoutMs / retries / maxTokens declared as params, a learnings file) with a week of history
 * in which one call in six times out. Real test commands, real journals, a real clock: "after
 * the change" is feedback recorded after it.
 */

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();

interface Verification {
  id: string;
  status: string;
  target: string;
  opportunityId: string;
  reason: string | null;
  before: { entries: number } | null;
  after: { entries: number } | null;
  tests: Array<{ metric: string; method: string; pValue: number | null; better: boolean | null }>;
}

/** A week of history: every sixth call times out after 3000 ms; the rest succeed in 1.2–2.1 s. */
function history(agentId = 'llm', count = 300): string {
  const lines = [];
  for (let i = 0; i < count; i++) {
    const timestamp = hoursAgo(1 + (i / count) * 6.5 * 24);
    lines.push(
      i % 6 === 0
        ? {
            agentId,
            operationId: `chat-${i}`,
            type: 'failure',
            errorType: 'timeout',
            message: 'request timed out after 3000 ms',
            durationMs: 3000,
            timestamp,
          }
        : {
            agentId,
            operationId: `chat-${i}`,
            type: 'success',
            durationMs: 1200 + (i % 10) * 100,
            timestamp,
          },
    );
  }
  return `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`;
}

/** `count` fresh outcomes recorded now: `failEvery` n-th one fails with `errorType` (0: none fail). */
function fresh(count: number, failEvery: number, errorType = 'crash', agentId = 'llm'): string {
  return `${Array.from({ length: count }, (_, i) =>
    JSON.stringify(
      failEvery > 0 && i % failEvery === 0
        ? { agentId, operationId: `n-${i}`, type: 'failure', errorType, durationMs: 900 }
        : { agentId, operationId: `n-${i}`, type: 'success', durationMs: 1300 + (i % 10) * 100 },
    ),
  ).join('\n')}\n`;
}

async function llmProject(testJs: string, extra: Record<string, unknown> = {}) {
  const dir = tempDir({
    'agent/config.json': '{\n  "timeoutMs": 3000,\n  "retries": 2,\n  "maxTokens": 1024\n}\n',
    'agent/test.js': testJs,
    'agent/LEARNINGS.md': '# Learnings\n',
    'history.jsonl': history(),
    '.kv1ntrc.json': JSON.stringify({
      agents: {
        llm: {
          path: './agent',
          test: 'node test.js',
          slaMs: 2000,
          learningsFile: 'LEARNINGS.md',
          params: {
            timeoutMs: { file: 'config.json', key: 'timeoutMs', min: 500, max: 20_000, step: 1 },
            retries: { file: 'config.json', key: 'retries', min: 0, max: 5, step: 1 },
            maxTokens: { file: 'config.json', key: 'maxTokens', min: 128, max: 4096, step: 1 },
          },
        },
      },
      optimizeBelow: 95,
      ...extra,
    }),
  });
  const data = path.join(dir, 'data');
  // Awaited: a long run of synchronous CLI calls would block vitest's worker (its RPC times out).
  const cli = (args: string[], input?: string) =>
    kv1ntAsync(data, args, { cwd: dir, ...(input ? { input } : {}) });
  expect((await cli(['feedback', 'import', 'history.jsonl'])).code).toBe(0);
  return { dir, data, agent: path.join(dir, 'agent'), cli };
}

const passes = 'process.exit(0);\n';
const config = (agent: string) =>
  JSON.parse(fs.readFileSync(path.join(agent, 'config.json'), 'utf8')) as Record<string, number>;

describe('the closed loop', () => {
  it('after a kept change, five cycles without new feedback change nothing', async () => {
    const { agent, cli } = await llmProject(passes);
    const first = await cli(['cycle', 'llm', '--yes', '--json']);
    expect(first.code, first.stderr).toBe(0);
    const kept = first.json<{ cycles: Array<{ agents: Array<{ optimization: ResultJson }> }> }>().cycles[0]!
      .agents[0]!.optimization;
    expect(kept.actions.filter((a) => a.status === 'applied').length).toBeGreaterThan(0);
    const after = treeHash(agent);
    const afterConfig = config(agent);
    for (let i = 0; i < 5; i++) {
      const run = await cli(['cycle', 'llm', '--yes', '--json']);
      expect(run.code, run.stderr).toBe(0);
      const step = run.json<{ cycles: Array<{ agents: Array<{ optimization: ResultJson | null }> }> }>()
        .cycles[0]!.agents[0]!;
      expect(step.optimization?.actions.filter((a) => a.status === 'applied') ?? []).toEqual([]);
    }
    expect(treeHash(agent)).toBe(after);
    expect(config(agent)).toEqual(afterConfig);
    const verifications = (await cli(['verify', 'llm', '--json'])).json<Verification[]>();
    expect(verifications.length).toBeGreaterThan(0);
    expect(verifications.every((v) => v.status === 'verifying')).toBe(true);
  });

  it('better feedback after a change → confirmed, and its opportunity resolved with the verdict', async () => {
    const { agent, cli } = await llmProject(passes);
    const run = await cli(['optimize', 'llm', '--strategy', 'conservative', '--yes', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const result = run.json<ResultJson>();
    const tuned = result.actions.find((a) => a.type === 'param_tuning' && a.status === 'applied')!;
    expect(config(agent).timeoutMs).toBe(tuned.candidate);
    // Fewer than minEntries so far: still verifying, the opportunity held.
    expect((await cli(['feedback', 'import', '-'], fresh(10, 0))).code).toBe(0);
    let [v] = (await cli(['verify', 'llm', '--json'])).json<Verification[]>();
    expect(v).toMatchObject({ status: 'verifying', target: 'param:timeoutMs', after: { entries: 10 } });
    const held = (await cli(['opportunities', 'llm', '--status', 'all', '--json'])).json<{
      opportunities: Array<{ id: string; status: string; resolution?: { verdict: string } }>;
    }>();
    expect(held.opportunities.find((o) => o.id === v!.opportunityId)?.status).toBe('verifying');
    // 30 more without a single timeout.
    expect((await cli(['feedback', 'import', '-'], fresh(30, 0))).code).toBe(0);
    const analysis = (await cli(['analyze', 'llm', '--json'])).json<{ verifications: Verification[] }>();
    [v] = analysis.verifications.filter((x) => x.target === 'param:timeoutMs');
    expect(v).toMatchObject({ status: 'confirmed', after: { entries: 40 }, before: { entries: 300 } });
    expect(v!.tests[0]).toMatchObject({
      metric: 'errorShare:timeout',
      method: "Fisher's exact test",
      better: true,
    });
    expect(v!.tests[0]!.pValue).toBeLessThan(0.05);
    const settled = (await cli(['opportunities', 'llm', '--status', 'all', '--json'])).json<{
      opportunities: Array<{ id: string; status: string; resolution?: { verdict: string } }>;
    }>();
    expect(settled.opportunities.find((o) => o.id === v!.opportunityId)).toMatchObject({
      status: 'resolved',
      resolution: { verdict: 'confirmed' },
    });
    const stats = (await cli(['optimization', 'stats', 'llm', '--json'])).json<{
      agents: Array<{ optimization: { byActionType: Record<string, Record<string, number>> } }>;
    }>();
    expect(stats.agents[0]!.optimization.byActionType.param_tuning).toMatchObject({
      applied: 1,
      confirmed: 1,
    });
  });

  it('worse feedback → regressed: rolled back automatically, the folder byte for byte as before, never proposed again', async () => {
    const { agent, cli } = await llmProject(passes);
    const before = snapshot(agent);
    const run = await cli(['optimize', 'llm', '--strategy', 'conservative', '--yes', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(config(agent).timeoutMs).toBeGreaterThan(3000);
    // Half of the calls crash after the change.
    expect((await cli(['feedback', 'import', '-'], fresh(40, 2))).code).toBe(0);
    const verify = await cli(['verify', 'llm']);
    expect(verify.stdout).toMatch(/reverted/);
    const [v] = (await cli(['verify', 'llm', '--json'])).json<Verification[]>();
    expect(v).toMatchObject({ status: 'reverted', target: 'param:timeoutMs' });
    expect(v!.reason).toMatch(/successRate .*Fisher's exact test/);
    expect(snapshot(agent)).toEqual(before);
    const history = (await cli(['history', 'llm', '--json'])).json<{
      results: Array<{ actions: Array<{ revertedAt?: string }> }>;
    }>();
    expect(history.results[0]!.actions[0]!.revertedAt).toEqual(expect.any(String));
    // The timeout raise is never proposed again for that opportunity.
    const plan = (await cli(['optimize', 'llm', '--strategy', 'conservative', '--dry-run', '--json'])).json<{
      actions: Array<{ target: string; opportunityId: string }>;
      skipped: Array<{ reason: string }>;
    }>();
    expect(
      plan.actions.filter((a) => a.target === 'param:timeoutMs' && a.opportunityId === v!.opportunityId),
    ).toEqual([]);
    expect(plan.skipped.some((s) => /made things worse/.test(s.reason))).toBe(true);
    // Rolling back the result now has nothing left to undo, and says so.
    const [result] = (await cli(['history', 'llm', '--json'])).json<{ results: Array<{ id: string }> }>()
      .results;
    const undo = await cli(['rollback', result!.id, '--json']);
    expect(undo.code).toBe(1);
    expect(undo.json()).toMatchObject({ status: 'refused', forceHelps: false });
  });

  it('rollback of a result whose two kept actions changed the same file needs no --force', async () => {
    // Slow successful calls (over the SLA) and timeouts: maxTokens is lowered and timeoutMs raised,
    // each kept alone, each rewriting config.json.
    const { agent, cli } = await llmProject(passes, {});
    const slow = Array.from({ length: 100 }, (_, i) =>
      JSON.stringify({
        agentId: 'llm',
        operationId: `slow-${i}`,
        type: 'success',
        durationMs: 6000,
        timestamp: hoursAgo(2 + i),
      }),
    ).join('\n');
    expect((await cli(['feedback', 'import', '-'], `${slow}\n`)).code).toBe(0);
    const before = snapshot(agent);
    const run = await cli(['optimize', 'llm', '--strategy', 'conservative', '--yes', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const result = run.json<ResultJson>();
    const kept = result.actions.filter((a) => a.status === 'applied');
    expect(kept.length).toBeGreaterThanOrEqual(2);
    expect(new Set(kept.map((a) => a.transactionId)).size).toBe(kept.length);
    for (const action of kept) expect(action.changes).toEqual(['config.json']);
    const undo = await cli(['rollback', result.id, '--json']);
    expect(undo.code, undo.stdout).toBe(0);
    expect(undo.json()).toMatchObject({ status: 'rolled_back', restored: ['config.json'] });
    expect(snapshot(agent)).toEqual(before);
    // Its verifications end: a person undid the change before a verdict.
    const verifications = (await cli(['verify', 'llm', '--json'])).json<Verification[]>();
    expect(verifications.map((v) => v.status)).toEqual(verifications.map(() => 'reverted'));
  });

  it('refuses to roll back an older result whose file a newer kept result changed again, naming it', async () => {
    const { cli } = await llmProject(passes);
    const older = (
      await cli(['optimize', 'llm', '--strategy', 'conservative', '--yes', '--json'])
    ).json<ResultJson>();
    expect(older.status).toBe('applied');
    // A newer result changes config.json again (the first opportunity is held by its verification,
    // so a second, unrelated one: durations over the SLA → lower maxTokens).
    // 29 entries: fewer than verify.minEntries, so the older change is still being verified.
    const slow = Array.from({ length: 29 }, (_, i) =>
      JSON.stringify({ agentId: 'llm', operationId: `slow-${i}`, type: 'success', durationMs: 6000 + i }),
    ).join('\n');
    expect((await cli(['feedback', 'import', '-'], `${slow}\n`)).code).toBe(0);
    const newer = (
      await cli(['optimize', 'llm', '--strategy', 'conservative', '--yes', '--json'])
    ).json<ResultJson>();
    expect(newer.actions.some((a) => a.status === 'applied' && a.changes.includes('config.json'))).toBe(true);
    const refused = await cli(['rollback', older.id, '--json']);
    expect(refused.code).toBe(1);
    expect(refused.json()).toMatchObject({ status: 'refused', forceHelps: false, blockedBy: [newer.id] });
    const human = await cli(['rollback', older.id, '--force']);
    expect(human.stderr).toMatch(new RegExp(`roll back ${newer.id} first`));
    expect(human.stderr).not.toMatch(/--force/);
    expect((await cli(['rollback', newer.id])).code).toBe(0);
    expect((await cli(['rollback', older.id])).code).toBe(0);
  });

  it('--dry-run leaves the data dir byte for byte as it was, even with new feedback to fold', async () => {
    const { data, cli } = await llmProject(passes);
    expect((await cli(['analyze', 'llm'])).code).toBe(0);
    expect((await cli(['feedback', 'import', '-'], fresh(20, 4))).code).toBe(0);
    const before = snapshot(data);
    const run = await cli(['optimize', 'llm', '--dry-run', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json()).toMatchObject({ status: 'dry_run' });
    expect(snapshot(data)).toEqual(before);
  });

  it('--dry-run on a data dir that does not exist yet does not create it', async () => {
    const dir = tempDir({
      'agent/test.js': passes,
      '.kv1ntrc.json': JSON.stringify({ agents: { llm: { path: './agent', test: 'node test.js' } } }),
    });
    const data = path.join(dir, 'data');
    const run = await kv1ntAsync(data, ['optimize', 'llm', '--dry-run', '--json'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(fs.existsSync(data)).toBe(false);
  });
});

describe('the parameter search', () => {
  /** A 100 ms timeout whose tests need at least 400 ms; the history names no duration. */
  async function tightTimeout() {
    const dir = tempDir({
      'bot/config.json': '{\n  "timeoutMs": 100\n}\n',
      'bot/test.js':
        "const t = JSON.parse(require('fs').readFileSync('config.json', 'utf8')).timeoutMs;\nconsole.log('timeoutMs', t);\nprocess.exit(t >= 400 ? 0 : 1);\n",
      '.kv1ntrc.json': JSON.stringify({
        agents: {
          bot: {
            path: './bot',
            test: 'node test.js',
            params: { timeoutMs: { file: 'config.json', key: 'timeoutMs', min: 50, max: 10_000, step: 1 } },
          },
        },
      }),
      'history.jsonl': `${Array.from({ length: 6 }, (_, i) =>
        JSON.stringify({
          agentId: 'bot',
          operationId: `call-${i}`,
          type: 'failure',
          errorType: 'timeout',
          message: 'upstream timed out',
          timestamp: hoursAgo(i + 1),
        }),
      ).join('\n')}\n`,
    });
    const data = path.join(dir, 'data');
    const cli = (args: string[]) => kv1ntAsync(data, args, { cwd: dir });
    expect((await cli(['feedback', 'import', 'history.jsonl'])).code).toBe(0);
    return { bot: path.join(dir, 'bot'), cli };
  }

  it.each(['conservative', 'comprehensive', 'aggressive'])(
    '%s finds the value the tests need: 100 ms → at least 400 ms, within the budget shown in the plan',
    async (strategy) => {
      const { bot, cli } = await tightTimeout();
      const plan = (await cli(['optimize', 'bot', '--strategy', strategy, '--dry-run', '--json'])).json<{
        actions: Array<{ type: string; maxTestRuns: number; search: unknown }>;
      }>();
      expect(plan.actions.find((a) => a.type === 'param_tuning')).toMatchObject({ maxTestRuns: 6 });
      const run = await cli(['optimize', 'bot', '--strategy', strategy, '--yes', '--json']);
      expect(run.code, run.stderr).toBe(0);
      const tuned = run.json<ResultJson>().actions.find((a) => a.type === 'param_tuning')!;
      expect(tuned.status).toBe('applied');
      const value = (
        JSON.parse(fs.readFileSync(path.join(bot, 'config.json'), 'utf8')) as { timeoutMs: number }
      ).timeoutMs;
      expect(value).toBe(tuned.candidate);
      expect(value).toBeGreaterThanOrEqual(400);
      // Bisected back toward the smallest passing value, not left at the far step.
      expect(value).toBeLessThan(800);
      expect(tuned.attempts.length).toBeLessThanOrEqual(6);
    },
  );
});
