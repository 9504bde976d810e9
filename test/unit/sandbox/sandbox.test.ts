import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanStaleSandboxes, createSandbox } from '../../../src/core/sandbox/sandbox.js';
import { ROOT, tempDir } from '../../helpers/cli.js';

/** sandbox.ts bundled to plain JS, so a real child node process can create sandboxes. */
let bundleDir: string;
let bundle: string;
beforeAll(() => {
  bundleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kv1nt-sandbox-bundle-'));
  bundle = path.join(bundleDir, 'sandbox.mjs');
  buildSync({
    entryPoints: [path.join(ROOT, 'src/core/sandbox/sandbox.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: bundle,
    external: ['fs-extra'],
    logLevel: 'silent',
  });
  // fs-extra resolved from the repository, as the CLI does.
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(bundleDir, 'node_modules'));
});
afterAll(() => fs.rmSync(bundleDir, { recursive: true, force: true }));

/**
 * Starts a node process that creates a sandbox of `agentDir` under `root`, prints its id and
 * dir, then does `then` ('wait' forever, 'exit' without disposing).
 */
async function childWithSandbox(
  root: string,
  agentDir: string,
  then: 'wait' | 'exit',
): Promise<{
  child: ChildProcess;
  id: string;
  dir: string;
  exited: Promise<NodeJS.Signals | number | null>;
}> {
  const script = `
    const { createSandbox } = await import(${JSON.stringify(bundle)});
    const sandbox = await createSandbox(${JSON.stringify(root)}, ${JSON.stringify(agentDir)});
    process.stdout.write(JSON.stringify({ id: sandbox.id, dir: sandbox.dir }) + '\\n');
    if (${JSON.stringify(then)} === 'wait') setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    child.once('exit', () => reject(new Error(`child exited before creating its sandbox: ${out}`)));
  });
  const { id, dir } = JSON.parse(line) as { id: string; dir: string };
  return { child, id, dir, exited };
}

describe('createSandbox', () => {
  it('writes owner.json, then the copy in <root>/<id>/tree; dispose removes it all, twice is fine', async () => {
    const agent = tempDir({ 'package.json': '{"scripts":{"test":"true"}}', 'src/a.js': 'a' });
    const root = path.join(tempDir(), 'data', 'sandboxes');

    const sandbox = await createSandbox(root, agent);

    expect(sandbox.id).toMatch(new RegExp(`^sbx_${process.pid}_[0-9a-z]+_[0-9a-f]+$`));
    expect(sandbox.dir).toBe(path.join(root, sandbox.id, 'tree'));
    expect(fs.readFileSync(path.join(sandbox.dir, 'src/a.js'), 'utf8')).toBe('a');
    const owner = JSON.parse(fs.readFileSync(path.join(root, sandbox.id, 'owner.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(owner).toMatchObject({ pid: process.pid, hostname: os.hostname(), agentDir: agent });
    expect(Date.parse(String(owner.createdAt))).toBeGreaterThan(Date.now() - 60_000);
    expect(sandbox.report.files).toBe(2);

    await sandbox.dispose();
    expect(fs.existsSync(path.join(root, sandbox.id))).toBe(false);
    await sandbox.dispose();
  });

  it('gives each sandbox its own id and leaves the agent untouched when the copy is changed', async () => {
    const agent = tempDir({ 'a.txt': 'original' });
    fs.symlinkSync('a.txt', path.join(agent, 'link'));
    const root = path.join(tempDir(), 'sandboxes');
    const [one, two] = await Promise.all([createSandbox(root, agent), createSandbox(root, agent)]);
    expect(one.id).not.toBe(two.id);
    fs.writeFileSync(path.join(one.dir, 'link'), 'changed in the sandbox');
    expect(fs.readFileSync(path.join(agent, 'a.txt'), 'utf8')).toBe('original');
    await Promise.all([one.dispose(), two.dispose()]);
  });

  it('passes exclude on to the copy', async () => {
    const agent = tempDir({ 'src/a.js': 'a', 'node_modules/x/i.js': 'x' });
    const sandbox = await createSandbox(path.join(tempDir(), 'sandboxes'), agent, {
      exclude: (rel) => rel === 'node_modules',
    });
    expect(fs.readdirSync(sandbox.dir)).toEqual(['src']);
    await sandbox.dispose();
  });

  it('dispose removes a sandbox whose tests made folders read-only', async () => {
    const agent = tempDir({ 'build/out/a.js': 'a' });
    const root = path.join(tempDir(), 'sandboxes');
    const sandbox = await createSandbox(root, agent);
    fs.chmodSync(path.join(sandbox.dir, 'build/out'), 0o500);
    fs.chmodSync(path.join(sandbox.dir, 'build'), 0o500);
    await sandbox.dispose();
    expect(fs.readdirSync(root)).toEqual([]);
  });

  it('removes the partial sandbox when the copy fails', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 50; i++) files[`d${i % 5}/f${i}.txt`] = 'x';
    const agent = tempDir(files);
    const root = path.join(tempDir(), 'sandboxes');
    await expect(
      createSandbox(root, agent, {
        exclude: (rel) => {
          if (rel === 'd3/f13.txt') throw new Error('exclude failed');
          return false;
        },
      }),
    ).rejects.toThrow('exclude failed');
    expect(fs.readdirSync(root)).toEqual([]);
  });

  it('an aborted copy stops, removes what it copied, and rejects with the abort', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 600; i++) files[`d${i % 20}/f${i}.txt`] = 'x';
    const agent = tempDir(files);
    const root = path.join(tempDir(), 'sandboxes');
    const controller = new AbortController();
    let seen = 0;
    const copy = createSandbox(root, agent, {
      signal: controller.signal,
      // Aborted from inside the copy, a few entries in: a state, not a moment.
      exclude: () => {
        if (++seen === 30) controller.abort();
        return false;
      },
    });
    await expect(copy).rejects.toThrow(/aborted/);
    expect(seen).toBeLessThan(600);
    expect(fs.readdirSync(root)).toEqual([]);
    // Already aborted: nothing is copied at all.
    await expect(createSandbox(root, agent, { signal: controller.signal })).rejects.toThrow(/aborted/);
    expect(fs.readdirSync(root)).toEqual([]);
  });

  it('fails clearly for a missing agent folder, leaving nothing behind', async () => {
    const root = path.join(tempDir(), 'sandboxes');
    await expect(createSandbox(root, path.join(tempDir(), 'missing'))).rejects.toThrow(/ENOENT/);
    expect(fs.readdirSync(root)).toEqual([]);
  });
});

describe('sandboxes of a process that ends', () => {
  it('are removed when the process exits without disposing them', async () => {
    const root = path.join(tempDir(), 'sandboxes');
    const { id, exited } = await childWithSandbox(root, tempDir({ 'a.txt': 'a' }), 'exit');
    expect(await exited).toBe(0);
    expect(fs.existsSync(path.join(root, id))).toBe(false);
  });

  it('are removed on SIGTERM, and the process still dies of the signal', async () => {
    const root = path.join(tempDir(), 'sandboxes');
    const { child, id, exited } = await childWithSandbox(root, tempDir({ 'a.txt': 'a' }), 'wait');
    expect(fs.existsSync(path.join(root, id, 'tree', 'a.txt'))).toBe(true);
    child.kill('SIGTERM');
    expect(await exited).toBe('SIGTERM');
    expect(fs.existsSync(path.join(root, id))).toBe(false);
  });
});

describe('cleanStaleSandboxes', () => {
  it('removes the sandbox of a process killed with SIGKILL and keeps those of live processes', async () => {
    const root = path.join(tempDir(), 'sandboxes');
    const agent = tempDir({ 'a.txt': 'a', 'deep/b.txt': 'b' });
    const dead = await childWithSandbox(root, agent, 'wait');
    const alive = await childWithSandbox(root, agent, 'wait');
    const mine = await createSandbox(root, agent);
    try {
      dead.child.kill('SIGKILL');
      expect(await dead.exited).toBe('SIGKILL');
      // SIGKILL leaves no chance to clean up: the sandbox is still there.
      expect(fs.existsSync(dead.dir)).toBe(true);

      expect(await cleanStaleSandboxes(root)).toEqual([dead.id]);

      expect(fs.existsSync(path.join(root, dead.id))).toBe(false);
      expect(fs.existsSync(alive.dir)).toBe(true);
      expect(fs.existsSync(mine.dir)).toBe(true);
    } finally {
      alive.child.kill('SIGKILL');
      await alive.exited;
      await mine.dispose();
    }
    expect(await cleanStaleSandboxes(root)).toEqual([alive.id]);
  });

  it('attributes a sandbox killed before its owner.json was whole by the pid in its name', async () => {
    const root = path.join(tempDir(), 'sandboxes');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    const deadPid = Number(dead.stdout);
    for (const name of [`sbx_${deadPid}_a_1`, `sbx_${process.pid}_b_2`])
      fs.mkdirSync(path.join(root, name, 'tree'), { recursive: true });
    fs.writeFileSync(path.join(root, `sbx_${deadPid}_a_1`, 'owner.json'), '{"pid": 12');
    expect(await cleanStaleSandboxes(root)).toEqual([`sbx_${deadPid}_a_1`]);
    expect(fs.readdirSync(root)).toEqual([`sbx_${process.pid}_b_2`]);
  });

  it('removes a folder without a readable owner.json only once it is older than an hour', async () => {
    const root = path.join(tempDir(), 'sandboxes');
    for (const name of ['sbx_old_missing', 'sbx_new_missing', 'sbx_old_garbage']) {
      fs.mkdirSync(path.join(root, name, 'tree'), { recursive: true });
    }
    fs.writeFileSync(path.join(root, 'sbx_old_garbage', 'owner.json'), '{"pid": "nope"');
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    fs.utimesSync(path.join(root, 'sbx_old_missing'), twoHoursAgo, twoHoursAgo);
    fs.utimesSync(path.join(root, 'sbx_old_garbage'), twoHoursAgo, twoHoursAgo);
    fs.mkdirSync(path.join(root, 'not-a-sandbox'));
    fs.utimesSync(path.join(root, 'not-a-sandbox'), twoHoursAgo, twoHoursAgo);

    expect((await cleanStaleSandboxes(root)).sort()).toEqual(['sbx_old_garbage', 'sbx_old_missing']);
    expect(fs.readdirSync(root).sort()).toEqual(['not-a-sandbox', 'sbx_new_missing']);
  });

  it('leaves a sandbox owned by another host alone, and returns [] for a missing root', async () => {
    const root = path.join(tempDir(), 'sandboxes');
    fs.mkdirSync(path.join(root, 'sbx_elsewhere'), { recursive: true });
    fs.writeFileSync(
      path.join(root, 'sbx_elsewhere', 'owner.json'),
      JSON.stringify({ pid: 999_999_999, hostname: `${os.hostname()}-other`, createdAt: '', agentDir: '/x' }),
    );
    expect(await cleanStaleSandboxes(root)).toEqual([]);
    expect(await cleanStaleSandboxes(path.join(root, 'missing'))).toEqual([]);
  });
});
