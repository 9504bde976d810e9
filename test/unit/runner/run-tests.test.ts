import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTestCommand } from '../../../src/core/runner/run-tests.js';
import { scrubbedEnv } from '../../../src/core/runner/spawn.js';
import { tempDir } from '../../helpers/cli.js';
import { isAlive, readPidFile, waitUntilDead } from '../../helpers/process.js';

describe('runTestCommand', () => {
  it('reports a passing command: exit 0, the output tail, the whole log in a created folder', async () => {
    const cwd = tempDir({ 'test.js': 'console.log("1 passing"); console.error("a warning")' });
    const logFile = path.join(tempDir(), 'logs', 'deep', 'run.log');
    const chunks: string[] = [];

    const run = await runTestCommand('node test.js && echo ok', {
      cwd,
      timeoutMs: 10_000,
      logFile,
      onOutput: (chunk) => chunks.push(chunk),
    });

    expect(run).toMatchObject({ exitCode: 0, signal: null, timedOut: false, logFile });
    expect(run.error).toBeUndefined();
    expect(run.outputTail).toContain('1 passing');
    expect(run.outputTail).toContain('a warning');
    expect(run.outputTail).toContain('ok\n');
    expect(fs.readFileSync(logFile, 'utf8')).toBe(run.outputTail);
    expect(chunks.join('')).toBe(run.outputTail);
    expect(run.durationMs).toBeGreaterThan(0);
  });

  it('reports a failing command and one killed by a signal', async () => {
    const cwd = tempDir();
    const failed = await runTestCommand('echo "2 failing" >&2; exit 3', { cwd, timeoutMs: 10_000 });
    expect(failed).toMatchObject({ exitCode: 3, signal: null, timedOut: false, logFile: null });
    expect(failed.outputTail).toBe('2 failing\n');

    const killed = await runTestCommand('kill -9 $$', { cwd, timeoutMs: 10_000 });
    expect(killed).toMatchObject({ exitCode: null, signal: 'SIGKILL', timedOut: false });
  });

  it("a failed run's tail keeps the first failure lines that scrolled out of it, then the end", async () => {
    const cwd = tempDir({
      'test.js': [
        "console.log('RUN  v3 /agent');",
        "console.error('AssertionError: expected 2000 to be greater than 3000');",
        "console.error('    at test.js:12:7');",
        'for (let i = 0; i < 800; i++) console.log(`  ✓ case ${i} passed, nothing to see here`);',
        "console.log('Tests  1 failed | 800 passed');",
        'process.exitCode = 1;',
      ].join('\n'),
    });
    const run = await runTestCommand('node test.js', { cwd, timeoutMs: 10_000, tailBytes: 2048 });
    expect(run.exitCode).toBe(1);
    const lines = run.outputTail.split('\n');
    expect(lines.slice(0, 2)).toEqual([
      '[kv1nt: the first failure lines of the output]',
      'AssertionError: expected 2000 to be greater than 3000',
    ]);
    expect(lines[2]).toMatch(/^\[kv1nt: … \d+ bytes not shown; the end of the output follows\]$/);
    expect(run.outputTail.endsWith('Tests  1 failed | 800 passed\n')).toBe(true);
    expect(run.outputTail.length).toBeLessThan(2048 + 200);

    // A passing run with the same noise keeps its plain tail.
    const passing = await runTestCommand('node test.js; exit 0', { cwd, timeoutMs: 10_000, tailBytes: 2048 });
    expect(passing.exitCode).toBe(0);
    expect(passing.outputTail.startsWith('[kv1nt:')).toBe(false);
    expect(passing.outputTail).not.toContain('AssertionError');
  });

  it('on timeout kills the whole process group, grandchildren included, and resolves promptly', async () => {
    const cwd = tempDir();
    const started = Date.now();

    const run = await runTestCommand("sh -c 'sleep 1000 & echo $! > grandchild.pid; sleep 1000'", {
      cwd,
      timeoutMs: 500,
    });

    expect(Date.now() - started).toBeLessThan(5000);
    expect(run.timedOut).toBe(true);
    expect(run.exitCode).toBeNull();
    expect(run.signal).toBe('SIGTERM');
    expect(await waitUntilDead(await readPidFile(path.join(cwd, 'grandchild.pid')))).toBe(true);
  });

  it('escalates to SIGKILL after the grace period when the group ignores SIGTERM', async () => {
    const cwd = tempDir();
    const started = Date.now();
    const run = await runTestCommand(
      "trap '' TERM; sh -c 'trap \"\" TERM; sleep 1000' & echo $! > child.pid; while :; do sleep 0.05; done",
      { cwd, timeoutMs: 300, killGraceMs: 300 },
    );
    expect(Date.now() - started).toBeLessThan(3000);
    expect(run).toMatchObject({ timedOut: true, signal: 'SIGKILL' });
    expect(await waitUntilDead(await readPidFile(path.join(cwd, 'child.pid')))).toBe(true);
  });

  it('resolves on exit when a background process still holds stdout, and kills that process', async () => {
    const cwd = tempDir();
    const started = Date.now();

    const run = await runTestCommand('sleep 1000 & echo $! > sleeper.pid; echo passed', {
      cwd,
      timeoutMs: 20_000,
    });

    expect(Date.now() - started).toBeLessThan(3000);
    expect(run).toMatchObject({ exitCode: 0, timedOut: false });
    expect(run.outputTail).toBe('passed\n');
    expect(await waitUntilDead(await readPidFile(path.join(cwd, 'sleeper.pid')))).toBe(true);
  });

  it('does not wait for a process that left the group (setsid) and holds stdout, and kills it too', async () => {
    const cwd = tempDir();
    const started = Date.now();
    const run = await runTestCommand(
      "setsid sh -c 'echo $$ > escaped.pid; exec sleep 1000' & while [ ! -s escaped.pid ]; do sleep 0.01; done; echo passed",
      {
        cwd,
        timeoutMs: 20_000,
      },
    );
    expect(Date.now() - started).toBeLessThan(3000);
    expect(run).toMatchObject({ exitCode: 0, timedOut: false });
    expect(run.outputTail).toBe('passed\n');
    // Out of the group, but it carries the run's KV1NT_RUN_ID: found and killed.
    expect(await waitUntilDead(await readPidFile(path.join(cwd, 'escaped.pid')))).toBe(true);
  });

  it('on timeout kills descendants that left the group, node-spawned (detached) and setsid alike', async () => {
    const cwd = tempDir({
      'test.js': [
        "const { spawn } = require('child_process');",
        "const fs = require('fs');",
        "const d = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: 'ignore' });",
        'd.unref();',
        "fs.writeFileSync('detached.pid', String(d.pid));",
        "const s = spawn('setsid', ['sh', '-c', 'echo $$ > setsid.pid; exec sleep 1000'], { stdio: 'ignore' });",
        'setInterval(() => {}, 1000);',
      ].join('\n'),
    });
    const run = await runTestCommand('node test.js', { cwd, timeoutMs: 1500, killGraceMs: 200 });
    expect(run.timedOut).toBe(true);
    for (const file of ['detached.pid', 'setsid.pid'])
      expect(await waitUntilDead(await readPidFile(path.join(cwd, file))), file).toBe(true);
  });

  it('what cannot be caught: a descendant that clears its environment and leaves the group', async () => {
    const cwd = tempDir();
    const run = await runTestCommand(
      "env -i setsid sh -c 'echo $$ > escaped.pid; exec sleep 1000' & while [ ! -s escaped.pid ]; do sleep 0.01; done",
      { cwd, timeoutMs: 20_000 },
    );
    expect(run.exitCode).toBe(0);
    // Documented in the README: neither the group nor the marker reaches it (afterEach kills it).
    expect(isAlive(await readPidFile(path.join(cwd, 'escaped.pid')))).toBe(true);
  });

  it('gives the command no stdin: a command reading it does not hang', async () => {
    const cwd = tempDir();
    const started = Date.now();
    const run = await runTestCommand('cat; read x; echo "read: [$x]"', { cwd, timeoutMs: 5000 });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(run).toMatchObject({ timedOut: false });
    expect(run.outputTail).toBe('read: []\n');
  });

  it('gives `input` on stdin when asked (an approval command reads the plan there)', async () => {
    const dir = tempDir();
    const run = await runTestCommand('cat > got.txt && wc -c < got.txt', {
      cwd: dir,
      timeoutMs: 5_000,
      input: '{"plan":1}',
    });
    expect(run.exitCode).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'got.txt'), 'utf8')).toBe('{"plan":1}');
  });

  it('streams 50 MB of output: still exit 0, a bounded tail, the whole output in the log', async () => {
    const cwd = tempDir();
    const logFile = path.join(tempDir(), 'big.log');
    const size = 50 * 1024 * 1024;

    const run = await runTestCommand(`yes 'some test output' | head -c ${size}; echo done`, {
      cwd,
      timeoutMs: 20_000,
      logFile,
      tailBytes: 4096,
    });

    expect(run).toMatchObject({ exitCode: 0, timedOut: false });
    expect(Buffer.byteLength(run.outputTail)).toBeLessThanOrEqual(4096);
    expect(run.outputTail).toContain('some test output\n');
    expect(run.outputTail.endsWith('done\n')).toBe(true);
    expect(fs.statSync(logFile).size).toBeGreaterThanOrEqual(size);
  });

  it('hides the git variables a hook leaks, and sets CI unless it is set', async () => {
    const cwd = tempDir();
    // The suite itself may run under CI=true: set the variables this case is about, then restore.
    const previous = { GIT_DIR: process.env.GIT_DIR, CI: process.env.CI };
    process.env.GIT_DIR = '/somewhere/.git';
    delete process.env.CI;
    try {
      const fromProcess = await runTestCommand('echo "[${GIT_DIR-unset}] [$CI]"', { cwd, timeoutMs: 5000 });
      expect(fromProcess.outputTail).toBe('[unset] [1]\n');
    } finally {
      for (const [name, value] of Object.entries(previous)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
    const given = await runTestCommand('echo "[${GIT_INDEX_FILE-unset}] [$CI] [$MINE]"', {
      cwd,
      timeoutMs: 5000,
      env: { PATH: process.env.PATH, GIT_INDEX_FILE: '/x/index', CI: 'false', MINE: 'kept' },
    });
    expect(given.outputTail).toBe('[unset] [false] [kept]\n');
  });

  it('never throws for a command that cannot start: the error is in the result', async () => {
    const run = await runTestCommand('echo never', {
      cwd: path.join(tempDir(), 'missing'),
      timeoutMs: 5000,
    });
    expect(run.exitCode).toBeNull();
    expect(run.timedOut).toBe(false);
    expect(run.error).toMatch(/ENOENT|cwd/);
  });

  it('reports a missing program as a failing run (the shell says 127)', async () => {
    const run = await runTestCommand('definitely-not-a-command-kv1nt', { cwd: tempDir(), timeoutMs: 5000 });
    expect(run.exitCode).toBe(127);
    expect(run.outputTail).toContain('definitely-not-a-command-kv1nt');
  });
});

describe('scrubbedEnv', () => {
  it('drops the hook git variables and keeps the rest, without touching its input', () => {
    const env = {
      PATH: '/bin',
      GIT_DIR: 'a',
      GIT_INDEX_FILE: 'b',
      GIT_WORK_TREE: 'c',
      GIT_PREFIX: 'd',
      GIT_OBJECT_DIRECTORY: 'e',
      GIT_ALTERNATE_OBJECT_DIRECTORIES: 'f',
      GIT_COMMON_DIR: 'g',
      GIT_QUARANTINE_PATH: 'h',
      GIT_NAMESPACE: 'i',
      GIT_CEILING_DIRECTORIES: '/home',
      GIT_AUTHOR_NAME: 'me',
    };
    expect(scrubbedEnv(env)).toEqual({
      PATH: '/bin',
      GIT_CEILING_DIRECTORIES: '/home',
      GIT_AUTHOR_NAME: 'me',
    });
    expect(env.GIT_DIR).toBe('a');
  });
});
