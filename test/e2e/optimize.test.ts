import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cliEnv, kv1nt, snapshot, tempDir } from '../helpers/cli.js';
import { waitUntilDead } from '../helpers/process.js';
import {
  project,
  projectIn,
  readConfig,
  testWhen,
  treeHash,
  type ActionJson,
  type ResultJson,
} from '../helpers/agent-project.js';

describe('kv1nt optimize', () => {
  it('keeps a change whose tests pass, and `rollback` restores the folder exactly', () => {
    const { bot, cli } = project(testWhen('t >= 1000'));
    const before = treeHash(bot);
    const run = cli(['optimize', 'bot', '--strategy', 'conservative', '--yes', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const result = run.json<ResultJson>();
    expect(result).toMatchObject({ agentId: 'bot', strategy: 'conservative', status: 'applied' });
    expect(result.baseline?.passed).toBe(true);
    const tuned = result.actions.find((a) => a.type === 'param_tuning')!;
    expect(tuned).toMatchObject({ status: 'applied', changes: ['config.json'] });
    expect(tuned.test).toMatchObject({ exitCode: 0, timedOut: false });
    expect(tuned.test?.outputTail).toMatch(/timeoutMs is/);
    expect(readConfig(bot).timeoutMs).toBe(tuned.candidate);
    expect(readConfig(bot).timeoutMs).toBeGreaterThan(2000);
    // Untouched: the link is still relative, nothing the tests wrote came back.
    expect(fs.readlinkSync(path.join(bot, 'relative-link'))).toBe('lib/link-target.txt');

    const history = cli(['history', 'bot', '--json']).json<{ results: ResultJson[] }>();
    expect(history.results.map((r) => r.id)).toEqual([result.id]);

    // The next analysis tells whether the kept change helped.
    const since = cli(['analyze', 'bot', '--json']).json<{ sinceOptimization: Record<string, unknown> }>();
    expect(since.sinceOptimization).toMatchObject({
      resultId: result.id,
      status: 'applied',
      rolledBack: false,
    });
    expect(cli(['analyze', 'bot']).stdout).toMatch(new RegExp(`Since optimization ${result.id}`));

    const undo = cli(['rollback', result.id, '--json']);
    expect(undo.code, undo.stdout).toBe(0);
    expect(undo.json()).toMatchObject({ status: 'rolled_back', restored: ['config.json'] });
    expect(treeHash(bot)).toBe(before);
    // Twice: refused, with the reason.
    const again = cli(['rollback', result.id, '--json']);
    expect(again.code).toBe(1);
    expect(JSON.stringify(again.json())).toMatch(/already rolled back/);
  });

  it('rolls back every candidate whose tests fail: the folder stays byte for byte', () => {
    const { bot, data, cli } = project(testWhen('t === 2000'));
    const before = snapshot(bot);
    const beforeHash = treeHash(bot);
    const run = cli(['optimize', 'bot', '--strategy', 'conservative', '--yes', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const result = run.json<ResultJson>();
    expect(result.status).toBe('rolled_back');
    const tuned = result.actions.find((a) => a.type === 'param_tuning')!;
    expect(tuned.status).toBe('rolled_back');
    expect(tuned.attempts.length).toBeGreaterThan(1);
    expect(tuned.attempts.every((a) => a.status === 'rolled_back')).toBe(true);
    expect(tuned.test?.exitCode).toBe(1);
    expect(snapshot(bot)).toEqual(before);
    expect(treeHash(bot)).toBe(beforeHash);
    // No sandbox is left behind.
    expect(fs.readdirSync(path.join(data, 'sandboxes'))).toEqual([]);
    // Nothing to roll back.
    const undo = cli(['rollback', result.id, '--json']);
    expect(undo.code).toBe(1);
    expect(JSON.stringify(undo.json())).toMatch(/applied no change/);
  });

  it('keeps a tuned param inside its bounds, trying candidates until one passes', () => {
    const { bot, cli } = project(testWhen('t >= 3900'));
    const run = cli(['optimize', 'bot', '--strategy', 'comprehensive', '--yes', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const tuned = run.json<ResultJson>().actions.find((a) => a.type === 'param_tuning')!;
    const tried = tuned.attempts.map((a) => a.candidate as number);
    expect(tried.length).toBeGreaterThan(1);
    for (const value of tried) {
      expect(value).toBeGreaterThanOrEqual(1000);
      expect(value).toBeLessThanOrEqual(5000);
    }
    expect(tuned.status).toBe('applied');
    expect(readConfig(bot).timeoutMs).toBeGreaterThanOrEqual(3900);
    expect(readConfig(bot).timeoutMs).toBeLessThanOrEqual(5000);
  });

  it('--dry-run prints the plan and changes nothing', () => {
    const { bot, data, cli } = project(testWhen('true'));
    const before = snapshot(bot);
    const store = fs.readFileSync(path.join(data, 'optimization', 'store.json'), 'utf8');
    const run = cli(['optimize', 'bot', '--dry-run', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const plan = run.json<{ status: string; actions: Array<{ type: string; needsApproval: boolean }> }>();
    expect(plan.status).toBe('dry_run');
    expect(plan.actions.some((a) => a.type === 'param_tuning' && a.needsApproval)).toBe(true);
    expect(snapshot(bot)).toEqual(before);
    expect(fs.readFileSync(path.join(data, 'optimization', 'store.json'), 'utf8')).toBe(store);
    expect(
      fs.existsSync(path.join(data, 'sandboxes')) ? fs.readdirSync(path.join(data, 'sandboxes')) : [],
    ).toEqual([]);
    const human = cli(['optimize', 'bot', '--dry-run']);
    expect(human.stdout).toMatch(/Dry run: nothing was stored, copied or changed/);
  });

  it('leaves HIGH items pending without approval; approve + --plan carries them out', () => {
    const { bot, cli } = project(testWhen('t >= 1000'));
    const before = snapshot(bot);
    const run = cli(['optimize', 'bot', '--strategy', 'conservative', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const pending = run.json<ResultJson>();
    expect(pending.status).toBe('pending_approval');
    expect(pending.actions.find((a) => a.type === 'param_tuning')?.status).toBe('pending_approval');
    expect(snapshot(bot)).toEqual(before);

    const approved = cli(['approve', pending.planId, '--json']);
    expect(approved.code, approved.stdout).toBe(0);
    expect(approved.json()).toMatchObject({ id: pending.planId, status: 'approved' });

    const carried = cli(['optimize', 'bot', '--plan', pending.planId, '--json']);
    expect(carried.code, carried.stderr).toBe(0);
    const result = carried.json<ResultJson>();
    expect(result.planId).toBe(pending.planId);
    expect(result.status).toBe('applied');
    expect(readConfig(bot).timeoutMs).toBeGreaterThan(2000);
    // The plan is done: approving or carrying it out again is refused with exit 2.
    expect(cli(['approve', pending.planId, '--json']).code).toBe(2);
    expect(cli(['optimize', 'bot', '--plan', pending.planId, '--json']).code).toBe(2);
    expect(cli(['approve', 'plan_nope', '--json']).json()).toMatchObject({
      error: { code: 'PLAN_NOT_FOUND' },
    });
  });

  it("asks the config's approval command, with the plan as JSON on stdin", () => {
    const approver =
      "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const p=JSON.parse(s);" +
      "require('fs').writeFileSync('seen-plan.json',s);process.exit(p.actions.length>0&&p.agentId==='bot'?0:1)})";
    const { dir, bot, cli } = project(
      testWhen('t >= 1000'),
      {},
      {
        approval: { command: `node -e "${approver}"` },
      },
    );
    const run = cli(['optimize', 'bot', '--strategy', 'conservative', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const result = run.json<ResultJson & { approval: { source: string; approved: boolean } }>();
    expect(result.approval).toMatchObject({ source: 'command', approved: true });
    expect(result.status).toBe('applied');
    expect(readConfig(bot).timeoutMs).toBeGreaterThan(2000);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'seen-plan.json'), 'utf8'))).toMatchObject({
      agentId: 'bot',
    });
  });

  it('a refusing approval command leaves the plan pending', () => {
    const { bot, cli } = project(testWhen('t >= 1000'), {}, { approval: { command: 'exit 3' } });
    const before = snapshot(bot);
    const result = cli(['optimize', 'bot', '--json']).json<ResultJson & { approval: { detail: string } }>();
    expect(result.status).toBe('pending_approval');
    expect(result.approval.detail).toMatch(/exited with 3/);
    expect(snapshot(bot)).toEqual(before);
  });

  it('kills a hanging test at testTimeoutMs, with its whole process tree', async () => {
    const pids = tempDir();
    const hang =
      `const { spawn } = require('child_process');\n` +
      `const child = spawn('sleep', ['300'], { stdio: 'inherit' });\n` +
      `require('fs').writeFileSync(require('path').join(${JSON.stringify(pids)}, String(child.pid)), '');\n` +
      `setInterval(() => {}, 1000);\n`;
    const { bot, cli } = project(hang, { testTimeoutMs: 1500 });
    const before = snapshot(bot);
    const started = Date.now();
    const run = cli(['optimize', 'bot', '--strategy', 'aggressive', '--yes', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(30_000);
    const result = run.json<ResultJson & { baseline: { timedOut: boolean } }>();
    expect(result.baseline.timedOut).toBe(true);
    const tuned = result.actions.find((a) => a.type === 'param_tuning')!;
    expect(tuned.status).toBe('rolled_back');
    expect(tuned.test?.timedOut).toBe(true);
    expect(snapshot(bot)).toEqual(before);
    const spawned = fs.readdirSync(pids).map(Number);
    expect(spawned.length).toBeGreaterThanOrEqual(2);
    for (const pid of spawned) expect(await waitUntilDead(pid), `pid ${pid} survived`).toBe(true);
  });

  it('refuses to roll back over a later edit, unless --force', () => {
    const { bot, cli } = project(testWhen('t >= 1000'));
    const result = cli([
      'optimize',
      'bot',
      '--strategy',
      'conservative',
      '--yes',
      '--json',
    ]).json<ResultJson>();
    expect(result.status).toBe('applied');
    fs.writeFileSync(path.join(bot, 'config.json'), '{"timeoutMs": 1234}\n');
    const refused = cli(['rollback', result.id, '--json']);
    expect(refused.code).toBe(1);
    expect(refused.json()).toMatchObject({
      status: 'refused',
      reasons: [expect.stringMatching(/config\.json/)],
    });
    expect(fs.readFileSync(path.join(bot, 'config.json'), 'utf8')).toBe('{"timeoutMs": 1234}\n');
    const forced = cli(['rollback', result.id, '--force', '--json']);
    expect(forced.code).toBe(0);
    expect(readConfig(bot).timeoutMs).toBe(2000);
  });

  it('exits 2 for an unknown agent, an agent without a folder, and an unknown result', () => {
    const { cli } = project(testWhen('true'));
    expect(cli(['optimize', 'nobody', '--json']).json()).toMatchObject({
      error: { code: 'AGENT_NOT_FOUND' },
    });
    expect(cli(['optimize', '../x', '--json']).code).toBe(2);
    expect(cli(['rollback', 'res_nope', '--json']).code).toBe(2);
    expect(cli(['optimize', 'bot', '--strategy', 'reckless']).code).toBe(2);
    expect(cli(['history', 'bot', '--limit', '0']).code).toBe(2);
  });

  it('kill -9 at any moment, then any command: the folder is all-before or all-after', async () => {
    const { bot, data, dir } = project(testWhen('t >= 1000'));
    const before = treeHash(bot);
    const afterConfigs = new Set<string>();
    const original = fs.readFileSync(path.join(bot, 'config.json'), 'utf8');
    for (const delayMs of [150, 400, 800, 1200, 1700, 2300]) {
      const child = spawn(
        process.execPath,
        [BIN, 'optimize', 'bot', '--strategy', 'conservative', '--yes', '--json'],
        {
          cwd: dir,
          env: cliEnv(data, { KV1NT_TEST_APPLY_DELAY_MS: '50' }),
          stdio: 'ignore',
        },
      );
      const exited = new Promise((resolve) => child.on('exit', resolve));
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      child.kill('SIGKILL');
      await exited;
      // Any command finishes or undoes what the killed one left.
      expect(kv1nt(data, ['status', '--json'], { cwd: dir }).code).toBe(0);
      const config = fs.readFileSync(path.join(bot, 'config.json'), 'utf8');
      if (config !== original) {
        afterConfigs.add(config);
        // All-after: only config.json differs, and it is a complete, valid file.
        expect(readConfig(bot).timeoutMs).toBeGreaterThan(2000);
        fs.writeFileSync(path.join(bot, 'config.json'), original);
      }
      expect(treeHash(bot)).toBe(before);
      expect(fs.readdirSync(bot).filter((name) => name.includes('kv1nt'))).toEqual([]);
      const sandboxes = path.join(data, 'sandboxes');
      expect(fs.existsSync(sandboxes) ? fs.readdirSync(sandboxes) : []).toEqual([]);
    }
    expect(afterConfigs.size).toBeLessThanOrEqual(1);
  }, 60_000);

  it('aggressive: all at once, then bisection keeps the action that passes and rolls back the one that breaks', () => {
    // Any longer time limit breaks the tests: the timeout action cannot be kept.
    const { bot, cli } = project(testWhen('t <= 2000'), { learningsFile: 'LEARNINGS.md' });
    fs.writeFileSync(path.join(bot, 'LEARNINGS.md'), '# Notes\n\nMine, untouched.\n');
    expect(cli(['patterns', 'bot']).code).toBe(0);
    expect(cli(['learnings', 'bot']).code).toBe(0);
    expect(cli(['analyze', 'bot']).code).toBe(0);
    const run = cli(['optimize', 'bot', '--strategy', 'aggressive', '--yes', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const result = run.json<ResultJson>();
    expect(result.status).toBe('partially_applied');
    const byType = Object.fromEntries(result.actions.map((a) => [a.type, a]));
    expect(byType.param_tuning?.status).toBe('rolled_back');
    expect(byType.write_learnings).toMatchObject({ status: 'applied', changes: ['LEARNINGS.md'] });
    expect(readConfig(bot).timeoutMs).toBe(2000);
    const learnings = fs.readFileSync(path.join(bot, 'LEARNINGS.md'), 'utf8');
    expect(learnings.startsWith('# Notes\n\nMine, untouched.\n')).toBe(true);
    expect(learnings).toMatch(/<!-- kv1nt:learnings:start -->[\s\S]+<!-- kv1nt:learnings:end -->/);
    // Kept learnings count as absorbed; a rollback un-absorbs them.
    const absorbed = () =>
      cli(['learnings', 'bot', '--json'])
        .json<{ learnings: Array<{ absorbedAt: string | null }> }>()
        .learnings.every((l) => l.absorbedAt !== null);
    expect(absorbed()).toBe(true);
    expect(cli(['rollback', result.id]).code).toBe(0);
    expect(fs.readFileSync(path.join(bot, 'LEARNINGS.md'), 'utf8')).toBe('# Notes\n\nMine, untouched.\n');
    expect(absorbed()).toBe(false);
  });
});

describe('kv1nt optimize --strategy aggressive, the search after the batch', () => {
  it('an action the batch could not keep searches alone: steps out to the bound, bisects back to the smallest passing value', () => {
    // timeoutMs 2000 in [1000, 5000]: aggressive tries 4000 in the batch; alone it steps out to
    // 5000 (passes), then bisects between 4000 and 5000 within its 6 test runs.
    const { bot, cli } = project(testWhen('t >= 4500'));
    const run = cli(['optimize', 'bot', '--strategy', 'aggressive', '--yes', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const result = run.json<ResultJson>();
    const tuned = result.actions.find((a) => a.type === 'param_tuning')!;
    expect(tuned).toMatchObject({ status: 'applied', candidate: 4500, changes: ['config.json'] });
    expect(tuned.attempts.map((a) => [a.candidate, a.status])).toEqual([
      [4000, 'rolled_back'],
      [5000, 'rolled_back'],
      [4500, 'applied'],
      [4250, 'rolled_back'],
      [4375, 'rolled_back'],
      [4438, 'rolled_back'],
    ]);
    expect(readConfig(bot).timeoutMs).toBe(4500);
  });
});

describe('kv1nt optimize: the agent folder edited while the tests run', () => {
  it('is a conflict: nothing is overwritten and the edit stays', () => {
    // The test command edits the REAL agent folder mid-run, as a person at their editor would.
    const dir = tempDir();
    const realConfig = path.join(dir, 'bot', 'config.json');
    const editDuringTests =
      `const fs = require('fs');\n` +
      `const t = JSON.parse(fs.readFileSync('config.json', 'utf8')).timeoutMs;\n` +
      `if (t !== 2000) fs.writeFileSync(${JSON.stringify(realConfig)}, '{"timeoutMs": 1111}\\n');\n`;
    const { bot, cli } = projectIn(dir, editDuringTests);
    const run = cli(['optimize', 'bot', '--strategy', 'conservative', '--yes', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const tuned = run.json<ResultJson>().actions.find((a) => a.type === 'param_tuning') as ActionJson & {
      conflicts: string[];
      error: string;
    };
    expect(tuned.status).toBe('conflict');
    expect(tuned.conflicts).toEqual(['config.json']);
    expect(tuned.error).toMatch(/edited while the tests ran/);
    expect(fs.readFileSync(path.join(bot, 'config.json'), 'utf8')).toBe('{"timeoutMs": 1111}\n');
  });
});
