import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, cliEnv, kv1nt } from '../helpers/cli.js';
import { processesWith, waitUntilNoneWith } from '../helpers/process.js';
import { learningsProject, project, treeHash, type ResultJson } from '../helpers/agent-project.js';

/** Every process a test here started, killed whatever happens (a failing test must not leak). */
const markers: string[] = [];
afterEach(() => {
  for (const marker of markers.splice(0))
    for (const pid of processesWith(marker)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone.
      }
    }
});

function newMarker(): string {
  const marker = `kv1nt-marker-${randomBytes(6).toString('hex')}`;
  markers.push(marker);
  return marker;
}

/**
 * A test command that never ends on its own: it writes `started` (outside the sandbox), then keeps
 * a grandchild in its process group and one that left it (detached: a new session, as `setsid`
 * does), each with `marker` in its arguments, like the `sleep 7099` of the issue.
 */
function hangingTest(marker: string, startedFile: string): string {
  return [
    "const { spawn } = require('child_process');",
    `const marker = ${JSON.stringify(marker)};`,
    "spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', marker], { stdio: 'ignore' });",
    "spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', marker], { stdio: 'ignore', detached: true }).unref();",
    `require('fs').writeFileSync(${JSON.stringify(startedFile)}, String(process.pid));`,
    'setInterval(() => {}, 1000);',
    '',
  ].join('\n');
}

async function waitFor(file: string, withinMs = 30_000): Promise<void> {
  const until = Date.now() + withinMs;
  while (!fs.existsSync(file)) {
    if (Date.now() > until) throw new Error(`${file} never appeared`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function sandboxesOf(data: string): string[] {
  const dir = path.join(data, 'sandboxes');
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

describe('optimize interrupted while the tests run', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s: kv1nt kills the whole test tree (the part that left the group included), removes the sandbox and dies of the signal',
    async (signal) => {
      const marker = newMarker();
      const { dir, data, bot } = project('', { testTimeoutMs: 120_000 });
      const started = path.join(dir, 'started');
      fs.writeFileSync(path.join(bot, 'test.js'), hangingTest(marker, started));
      const before = treeHash(bot);
      const child = spawn(process.execPath, [BIN, 'optimize', 'bot', '--strategy', 'conservative', '--yes'], {
        cwd: dir,
        env: cliEnv(data),
        stdio: 'ignore',
      });
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        child.on('exit', (_code, sig) => resolve(sig)),
      );
      await waitFor(started);
      expect(processesWith(marker)).toHaveLength(2);
      child.kill(signal);
      expect(await exited).toBe(signal);
      expect(await waitUntilNoneWith(marker)).toEqual([]);
      expect(sandboxesOf(data)).toEqual([]);
      expect(treeHash(bot)).toBe(before);
      // The run is shown as interrupted.
      const history = kv1nt(data, ['history', 'bot', '--json'], { cwd: dir }).json<{
        results: Array<{ status: string }>;
      }>();
      expect(history.results.map((r) => r.status)).toEqual(['interrupted']);
    },
  );

  it('kill -9: the next kv1nt command kills what the dead run left running, then removes its sandbox', async () => {
    const marker = newMarker();
    const { dir, data, bot } = project('', { testTimeoutMs: 120_000 });
    const started = path.join(dir, 'started');
    fs.writeFileSync(path.join(bot, 'test.js'), hangingTest(marker, started));
    const child = spawn(process.execPath, [BIN, 'optimize', 'bot', '--strategy', 'conservative', '--yes'], {
      cwd: dir,
      env: cliEnv(data),
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    await waitFor(started);
    child.kill('SIGKILL');
    await exited;
    // Nothing could stop them: kv1nt died at once.
    expect(processesWith(marker)).toHaveLength(2);
    expect(sandboxesOf(data)).toHaveLength(1);
    expect(kv1nt(data, ['status', '--json'], { cwd: dir }).code).toBe(0);
    expect(await waitUntilNoneWith(marker)).toEqual([]);
    expect(sandboxesOf(data)).toEqual([]);
  });
});

/** States of the transactions written so far: txnId → journal state. */
function journals(data: string): Record<string, string> {
  const root = path.join(data, 'optimization', 'transactions');
  if (!fs.existsSync(root)) return {};
  const states: Record<string, string> = {};
  for (const name of fs.readdirSync(root)) {
    const file = path.join(root, name, 'journal.json');
    try {
      states[name] = (JSON.parse(fs.readFileSync(file, 'utf8')) as { state: string }).state;
    } catch {
      // Not written yet, or mid-rename.
    }
  }
  return states;
}

describe('optimize killed after it kept a change', () => {
  it('the result row lists the kept action, history counts it, and rollback undoes it', async () => {
    // The tests take 1.5 s: a kill can be aimed between the two actions.
    const { dir, data, bot, cli } = learningsProject('setTimeout(() => process.exit(0), 1500);\n');
    const before = treeHash(bot);
    const child = spawn(process.execPath, [BIN, 'optimize', 'bot', '--strategy', 'conservative', '--yes'], {
      cwd: dir,
      env: cliEnv(data),
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    // Right after the first transaction is applied: the second action's tests take 1.5 s more.
    const until = Date.now() + 60_000;
    while (!Object.values(journals(data)).includes('applied') && Date.now() < until)
      await new Promise((resolve) => setTimeout(resolve, 10));
    child.kill('SIGKILL');
    await exited;
    expect(Object.values(journals(data))).toEqual(['applied']);
    expect(treeHash(bot)).not.toBe(before);

    const history = cli(['history', 'bot', '--json']).json<{ results: ResultJson[] }>();
    expect(history.results).toHaveLength(1);
    const row = history.results[0]!;
    expect(row.status).toBe('interrupted');
    const kept = row.actions.filter((a) => a.status === 'applied');
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ transactionId: Object.keys(journals(data))[0] });
    expect(cli(['history', 'bot']).stdout).toMatch(/interrupted\s+│?\s*1\b/);

    const undo = cli(['rollback', row.id, '--json']);
    expect(undo.code, undo.stdout).toBe(0);
    expect(undo.json()).toMatchObject({ status: 'rolled_back' });
    expect(treeHash(bot)).toBe(before);
  }, 90_000);
});

describe('cycle --interval holds the signal', () => {
  it('a SIGTERM while the tests run lets the step finish — its tests, the apply, the row — then stops', async () => {
    const { dir, data } = project('', { testTimeoutMs: 60_000 }, { optimizeBelow: 100 });
    const started = path.join(dir, 'started');
    fs.writeFileSync(
      path.join(dir, 'bot', 'test.js'),
      `require('fs').writeFileSync(${JSON.stringify(started)}, '');\nsetTimeout(() => process.exit(0), 1000);\n`,
    );
    const child = spawn(
      process.execPath,
      [BIN, 'cycle', 'bot', '--interval', '1h', '--strategy', 'conservative', '--yes', '--json'],
      { cwd: dir, env: cliEnv(data) },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await waitFor(started);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const report = JSON.parse(stdout) as {
      stoppedBy: string;
      cycles: Array<{ agents: Array<{ optimization: { status: string } | null }> }>;
    };
    expect(report.stoppedBy).toBe('SIGTERM');
    expect(report.cycles[0]!.agents[0]!.optimization?.status).toBe('applied');
    expect(sandboxesOf(data)).toEqual([]);
  }, 60_000);
});
