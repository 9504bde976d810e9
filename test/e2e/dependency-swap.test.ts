import { execFile, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { treeHash, type ResultJson } from '../helpers/agent-project.js';
import { BIN, cliEnv, kv1ntAsync, tempDir } from '../helpers/cli.js';
import { npmEnv, startRegistry, type LocalRegistry } from '../helpers/npm-registry.js';

/*
 * Dependency upgrades end to end with the real npm and a registry on 127.0.0.1: an aggressive
 * batch costs one npm install, the installed tree is swapped in as one directory, a rollback puts
 * the old tree back byte for byte (.bin symlinks included), and a kill -9 between the two renames
 * of the swap is finished by the next command.
 */

let registry: LocalRegistry;
const REAL_NPM = execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim();

beforeAll(async () => {
  registry = await startRegistry();
  registry.publish('fake-a', '1.0.0');
  registry.publish('fake-tool', '1.0.0', { bin: true });
});

afterAll(() => registry.close());

/** npm in `cwd`, without blocking (the registry answers from this process): its exit code and stdout. */
function npmIn(
  cwd: string,
  env: NodeJS.ProcessEnv,
  args: string[],
): Promise<{ exitCode: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile('npm', args, { cwd, env: { ...process.env, ...env } }, (error, stdout) =>
      resolve({ exitCode: error ? Number(error.code ?? 1) : 0, stdout }),
    );
  });
}

/** An agent `bot` using fake-a and fake-tool 1.0.0 (installed), whose newer versions are then published. */
async function upgradeProject() {
  const dir = tempDir({
    '.kv1ntrc.json': JSON.stringify({ agents: { bot: { path: './bot', test: 'node test.js' } } }),
    'bot/package.json': `${JSON.stringify(
      {
        name: 'bot',
        version: '1.0.0',
        private: true,
        dependencies: { 'fake-a': '^1.0.0', 'fake-tool': '^1.0.0' },
      },
      null,
      2,
    )}\n`,
    'bot/.npmrc': `registry=${registry.url}\n`,
    'bot/test.js': "require('fake-a');\nconsole.log('ok');\n",
  });
  const home = path.join(dir, 'home');
  fs.mkdirSync(home);
  // npm on PATH is a wrapper that logs its arguments: installs are counted, not guessed.
  const wrappers = path.join(dir, 'wrappers');
  const npmLog = path.join(dir, 'npm.log');
  fs.mkdirSync(wrappers);
  fs.writeFileSync(
    path.join(wrappers, 'npm'),
    `#!/bin/sh\nprintf '%s\\n' "$*" >> '${npmLog}'\nexec '${REAL_NPM}' "$@"\n`,
    { mode: 0o755 },
  );
  const env = { ...npmEnv(home), PATH: `${wrappers}${path.delimiter}${process.env.PATH ?? ''}` };
  const bot = path.join(dir, 'bot');
  const npm = (args: string[]) => npmIn(bot, env, args);
  expect((await npm(['install'])).exitCode).toBe(0);
  registry.publish('fake-a', '2.0.0');
  registry.publish('fake-tool', '1.1.0', { bin: true });
  // npm's cache knows the new versions (as after a first try of them): installs go offline-first.
  for (const pkg of ['fake-a', 'fake-tool']) expect((await npm(['view', pkg, 'versions'])).exitCode).toBe(0);
  fs.writeFileSync(npmLog, '');
  const data = path.join(dir, 'data');
  const cli = (args: string[], extra: Record<string, string> = {}) =>
    kv1ntAsync(data, args, { cwd: dir, env: { ...env, ...extra } });
  expect((await cli(['analyze', 'bot'])).code).toBe(0);
  const installs = () =>
    fs
      .readFileSync(npmLog, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('install'));
  return { dir, data, bot, env, cli, installs };
}

const versionIn = (bot: string, pkg: string) =>
  (
    JSON.parse(fs.readFileSync(path.join(bot, 'node_modules', pkg, 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;

describe('dependency upgrades: one install per batch, node_modules swapped as a unit', () => {
  it('aggressive: one npm install for the batch, one line for the tree; rollback restores it byte for byte', async () => {
    const p = await upgradeProject();
    const before = treeHash(p.bot);
    const binBefore = fs.readlinkSync(path.join(p.bot, 'node_modules/.bin/fake-tool'));
    const run = await p.cli(['optimize', 'bot', '--strategy', 'aggressive', '--yes', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const result = run.json<ResultJson>();
    expect(result.status).toBe('applied');
    expect(result.actions.map((a) => [a.type, a.status, a.changes])).toEqual([
      ['dependency_upgrade', 'applied', ['package-lock.json', 'package.json', 'node_modules/']],
      ['dependency_upgrade', 'applied', ['package-lock.json', 'package.json', 'node_modules/']],
    ]);
    // The baseline runs no install; the batch ran exactly one, offline-first.
    expect(p.installs()).toEqual(['install --prefer-offline --no-audit --no-fund']);
    expect([versionIn(p.bot, 'fake-a'), versionIn(p.bot, 'fake-tool')]).toEqual(['2.0.0', '1.1.0']);
    // The journal holds the manifest and the lock path by path, and the tree as one swap.
    const txn = result.actions[0]!.transactionId!;
    const journal = JSON.parse(
      fs.readFileSync(path.join(p.data, 'optimization/transactions', txn, 'journal.json'), 'utf8'),
    ) as { changes: Array<{ path: string }>; swap?: { path: string } };
    expect(journal.changes.map((c) => c.path)).toEqual(['package-lock.json', 'package.json']);
    expect(journal.swap?.path).toBe('node_modules');

    const back = await p.cli(['rollback', result.id, '--json']);
    expect(back.code, back.stderr).toBe(0);
    expect(treeHash(p.bot)).toBe(before);
    expect(fs.readlinkSync(path.join(p.bot, 'node_modules/.bin/fake-tool'))).toBe(binBefore);
    expect(versionIn(p.bot, 'fake-a')).toBe('1.0.0');
  }, 180_000);

  it('a kill -9 between the two renames of the swap is finished by the next command', async () => {
    const p = await upgradeProject();
    const before = treeHash(p.bot);
    const transactions = path.join(p.data, 'optimization', 'transactions');
    const child = spawn(process.execPath, [BIN, 'optimize', 'bot', '--strategy', 'aggressive', '--yes'], {
      cwd: p.dir,
      env: cliEnv(p.data, { ...p.env, KV1NT_TEST_APPLY_DELAY_MS: '1500' }),
      stdio: 'ignore',
    });
    // Aim by state, not by time: the old tree has left the agent, the new one is not in yet.
    const midSwap = () =>
      fs.existsSync(transactions) &&
      fs
        .readdirSync(transactions)
        .some(
          (id) =>
            fs.existsSync(path.join(transactions, id, 'tree', 'before')) &&
            fs.existsSync(path.join(transactions, id, 'tree', 'after')),
        );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    let caught = false;
    while (child.exitCode === null && !(caught = midSwap())) await sleep(20);
    child.kill('SIGKILL');
    await exited;
    expect(caught).toBe(true);
    expect(fs.existsSync(path.join(p.bot, 'node_modules'))).toBe(false);

    const next = await p.cli(['history', 'bot', '--json']);
    expect(next.code, next.stderr).toBe(0);
    expect([versionIn(p.bot, 'fake-a'), versionIn(p.bot, 'fake-tool')]).toEqual(['2.0.0', '1.1.0']);
    const [row] = next.json<{ results: ResultJson[] }>().results;
    const statuses = row!.actions.map((a) => a.status);
    expect(statuses.length, next.stdout).toBeGreaterThan(0);
    expect(new Set(statuses), next.stdout).toEqual(new Set(['applied']));
    // The folder is consistent: npm agrees the tree is the manifest's, and a rollback is byte for byte.
    const ls = await npmIn(p.bot, p.env, ['ls', '--json']);
    expect(ls.exitCode, ls.stdout).toBe(0);
    expect((await p.cli(['rollback', row!.id])).code).toBe(0);
    expect(treeHash(p.bot)).toBe(before);
  }, 180_000);
});
