import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cliEnv, kv1nt, snapshot, tempDir } from '../helpers/cli.js';
import { waitUntilDead } from '../helpers/process.js';

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();

/** Six timeouts: error_pattern (HIGH) "Recurring error: timeout", which param tuning answers. */
const TIMEOUTS = Array.from({ length: 6 }, (_, i) =>
  JSON.stringify({
    agentId: 'bot',
    operationId: `call-${i}`,
    type: 'failure',
    errorType: 'timeout',
    message: `upstream timed out after ${2000 + i} ms`,
    durationMs: 2000 + i,
    timestamp: hoursAgo(i + 1),
  }),
).join('\n');

interface ActionJson {
  type: string;
  opportunityId: string;
  description: string;
  status: string;
  changes: string[];
  candidate?: unknown;
  attempts: Array<{ candidate: unknown; status: string }>;
  test: { exitCode: number | null; durationMs: number; timedOut: boolean; outputTail: string } | null;
}
interface ResultJson {
  id: string;
  planId: string;
  agentId: string;
  strategy: string;
  policy: string;
  status: string;
  actions: ActionJson[];
  baseline: { passed: boolean; timedOut: boolean } | null;
  startedAt: string;
  finishedAt: string;
}

/**
 * A project with agent `bot`: a config.json with a timeoutMs param in [1000, 5000], and a test
 * command (test.js) whose verdict the test chooses.
 */
function project(testJs: string, agent: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return projectIn(tempDir(), testJs, agent, extra);
}

function projectIn(
  dir: string,
  testJs: string,
  agent: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
) {
  const files: Record<string, string> = {
    '.kv1ntrc.json': JSON.stringify({
      agents: {
        bot: {
          path: './bot',
          test: 'node test.js',
          testTimeoutMs: 20_000,
          params: { timeoutMs: { file: 'config.json', key: 'timeoutMs', min: 1000, max: 5000, step: 1 } },
          ...agent,
        },
      },
      ...extra,
    }),
    'bot/config.json': '{\n  "timeoutMs": 2000,\n  "model": "small"\n}\n',
    'bot/test.js': testJs,
    'bot/README.md': '# bot\n',
    'bot/lib/link-target.txt': 'inside\n',
    'history.jsonl': `${TIMEOUTS}\n`,
  };
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  fs.symlinkSync('lib/link-target.txt', path.join(dir, 'bot', 'relative-link'));
  const data = path.join(dir, 'data');
  const cli = (args: string[], env: Record<string, string | undefined> = {}) =>
    kv1nt(data, args, { cwd: dir, env });
  expect(cli(['feedback', 'import', 'history.jsonl']).code).toBe(0);
  expect(cli(['analyze', 'bot']).code).toBe(0);
  return { dir, data, bot: path.join(dir, 'bot'), cli };
}

const readConfig = (bot: string) =>
  JSON.parse(fs.readFileSync(path.join(bot, 'config.json'), 'utf8')) as { timeoutMs: number };

/** Passes when config.json's timeoutMs satisfies `condition` (a JS expression over `t`). */
const testWhen = (condition: string) =>
  `const t = JSON.parse(require('fs').readFileSync('config.json', 'utf8')).timeoutMs;\n` +
  `console.log('timeoutMs is', t);\nprocess.exit((${condition}) ? 0 : 1);\n`;

function treeHash(dir: string): string {
  const hash = createHash('sha256');
  for (const entry of fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .sort((a, b) => path.join(a.parentPath, a.name).localeCompare(path.join(b.parentPath, b.name)))) {
    const file = path.join(entry.parentPath, entry.name);
    const stat = fs.lstatSync(file);
    hash.update(`${path.relative(dir, file)}\0${stat.mode}\0`);
    if (entry.isSymbolicLink()) hash.update(fs.readlinkSync(file));
    else if (entry.isFile()) hash.update(fs.readFileSync(file));
  }
  return hash.digest('hex');
}

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
    const { bot, cli } = project(testWhen('t <= 3000'), { learningsFile: 'LEARNINGS.md' });
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

describe('kv1nt cycle', () => {
  it('runs patterns → learnings → analyze → optimize when health is under optimizeBelow', () => {
    const { bot, cli } = project(testWhen('t >= 1000'), { learningsFile: 'LEARNINGS.md' });
    const run = cli(['cycle', 'bot', '--yes', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const report = run.json<{
      cycles: Array<{
        agents: Array<{
          agentId: string;
          patterns: number;
          learnings: number;
          healthScore: number;
          optimized: boolean;
          optimization: ResultJson;
        }>;
      }>;
    }>();
    const [step] = report.cycles[0]!.agents;
    expect(step).toMatchObject({ agentId: 'bot', optimized: true });
    expect(step!.patterns).toBeGreaterThan(0);
    expect(step!.learnings).toBeGreaterThan(0);
    expect(step!.healthScore).toBeLessThan(80);
    expect(step!.optimization.status).toBe('applied');
    expect(readConfig(bot).timeoutMs).toBeGreaterThan(2000);
    expect(fs.readFileSync(path.join(bot, 'LEARNINGS.md'), 'utf8')).toMatch(/kv1nt:learnings:start/);
  });

  it('does not optimize a healthy agent, and refuses neither/both of agent and --all', () => {
    const { bot, cli } = project(testWhen('true'), {}, { optimizeBelow: 0 });
    const before = snapshot(bot);
    const report = cli(['cycle', '--all', '--json']).json<{
      cycles: Array<{ agents: Array<{ optimized: boolean; reason: string }> }>;
    }>();
    expect(report.cycles[0]!.agents[0]).toMatchObject({
      optimized: false,
      reason: expect.stringMatching(/not under optimizeBelow 0/) as unknown,
    });
    expect(snapshot(bot)).toEqual(before);
    expect(cli(['cycle']).code).toBe(2);
    expect(cli(['cycle', 'bot', '--all']).code).toBe(2);
    expect(cli(['cycle', 'bot', '--interval', 'soon']).code).toBe(2);
  });

  it('--interval repeats until SIGTERM, finishing the step in flight', async () => {
    const { data, dir } = project(testWhen('true'), {}, { optimizeBelow: 0 });
    const child = spawn(process.execPath, [BIN, 'cycle', 'bot', '--interval', '1s', '--json'], {
      cwd: dir,
      env: cliEnv(data),
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const report = JSON.parse(stdout) as { cycles: unknown[]; stoppedBy: string };
    expect(report.stoppedBy).toBe('SIGTERM');
    expect(report.cycles.length).toBeGreaterThanOrEqual(2);
  }, 20_000);
});

/** Runs the CLI on a pseudo-terminal (util-linux `script`), typing `keys` after `delayMs`. */
function onTerminal(cwd: string, data: string, args: string[], keys: string, delayMs = 1500) {
  const command = [process.execPath, BIN, ...args].map((a) => `'${a}'`).join(' ');
  return spawnSync(
    'sh',
    ['-c', `(sleep ${delayMs / 1000}; printf '${keys}'; sleep 5) | script -qec "${command}" /dev/null`],
    {
      cwd,
      env: cliEnv(data),
      encoding: 'utf8',
      timeout: 30_000,
    },
  );
}

const hasScript = spawnSync('script', ['--version']).status === 0;

describe.skipIf(!hasScript)('kv1nt optimize on a terminal', () => {
  it('asks before a HIGH action, and shows which step runs', () => {
    const { dir, data, bot } = project(testWhen('t >= 1000'));
    const declined = onTerminal(dir, data, ['optimize', 'bot', '--strategy', 'conservative'], 'n\\r');
    expect(declined.stdout).toMatch(/These actions need approval/);
    expect(declined.stdout).toMatch(/declined at the prompt/);
    expect(declined.stdout).toMatch(/Status: pending_approval/);
    expect(readConfig(bot).timeoutMs).toBe(2000);

    const approved = onTerminal(dir, data, ['optimize', 'bot', '--strategy', 'conservative'], 'y\\r');
    expect(approved.stdout).toMatch(/approved at the prompt/);
    expect(approved.stdout).toMatch(/running the tests/);
    expect(approved.stdout).toMatch(/Status: applied/);
    expect(readConfig(bot).timeoutMs).toBeGreaterThan(2000);
  }, 60_000);
});
