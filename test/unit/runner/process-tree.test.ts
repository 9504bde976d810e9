import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  RUN_ID_VARIABLE,
  killStrays,
  markedEnv,
  markedProcesses,
  newRunId,
  runIdPrefix,
} from '../../../src/core/runner/process-tree.js';
import { runTool } from '../../../src/core/runner/run-tool.js';
import { ROOT, tempDir } from '../../helpers/cli.js';
import { isAlive, killAfterTest, readPidFile, waitUntilDead } from '../../helpers/process.js';

describe('runTool (a detector or strategy tool)', () => {
  it('at its time limit kills a descendant that left the group (setsid)', async () => {
    const cwd = tempDir();
    const result = await runTool(
      'sh',
      ['-c', "setsid sh -c 'echo $$ > escaped.pid; exec sleep 1000' & sleep 1000"],
      cwd,
      800,
    );
    expect(result.timedOut).toBe(true);
    expect(await waitUntilDead(await readPidFile(path.join(cwd, 'escaped.pid')))).toBe(true);
  });

  it('kills what the tool leaves running when it exits', async () => {
    const cwd = tempDir();
    const result = await runTool(
      'sh',
      [
        '-c',
        "setsid sh -c 'echo $$ > escaped.pid; exec sleep 1000' </dev/null >/dev/null 2>&1 & while [ ! -s escaped.pid ]; do sleep 0.01; done",
      ],
      cwd,
      20_000,
    );
    expect(result).toMatchObject({ exitCode: 0, timedOut: false });
    expect(await waitUntilDead(await readPidFile(path.join(cwd, 'escaped.pid')))).toBe(true);
  });
});

describe('process-tree markers', () => {
  it('run ids share this process prefix; killStrays kills the processes marked with it, and only those', async () => {
    const runId = newRunId();
    expect(runId.startsWith(`${runIdPrefix()}-`)).toBe(true);
    const start = (env: NodeJS.ProcessEnv) => {
      const child = spawn('sleep', ['1000'], { env, stdio: 'ignore', detached: true });
      child.unref();
      return killAfterTest(child.pid!);
    };
    const marked = start(markedEnv(process.env, runId));
    const other = start(markedEnv(process.env, 'kv1nt-1-deadbeef-1'));
    const plain = start({ ...process.env, [RUN_ID_VARIABLE]: undefined });
    expect(markedProcesses((id) => id === runId)).toEqual([marked]);
    expect(killStrays(runIdPrefix())).toBe(1);
    expect(await waitUntilDead(marked)).toBe(true);
    expect(isAlive(other)).toBe(true);
    expect(isAlive(plain)).toBe(true);
  });
});

describe('kv1nt ending on an error while a test runs', () => {
  let bundleDir: string;
  let moduleFile: string;
  beforeAll(async () => {
    // The child can't import .ts: bundle the current source (no dependency on a stale dist/).
    bundleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kv1nt-tree-bundle-'));
    moduleFile = path.join(bundleDir, 'run-tests.mjs');
    await build({
      entryPoints: [path.join(ROOT, 'src/core/runner/run-tests.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: moduleFile,
      external: ['execa'],
      logLevel: 'silent',
    });
    // execa resolved from the repository, as the CLI does.
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(bundleDir, 'node_modules'));
  });
  afterAll(() => fs.rmSync(bundleDir, { recursive: true, force: true }));

  it('an uncaught error kills the running test tree before the process exits', async () => {
    const cwd = tempDir();
    const script = [
      `const { runTestCommand } = await import(${JSON.stringify(moduleFile)});`,
      // The test prints once its escaped grandchild runs; the output handler then throws, uncaught.
      `await runTestCommand("setsid sh -c 'echo $$ > escaped.pid; exec sleep 1000' & sleep 1000 & while [ ! -s escaped.pid ]; do sleep 0.01; done; echo go; sleep 1000", {`,
      `  cwd: ${JSON.stringify(cwd)}, timeoutMs: 60000,`,
      "  onOutput: (text) => { if (text.includes('go')) setImmediate(() => { throw new Error('kv1nt bug'); }); },",
      '});',
    ].join('\n');
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, stderr).toBe(1);
    expect(stderr).toContain('kv1nt bug');
    expect(await waitUntilDead(await readPidFile(path.join(cwd, 'escaped.pid')))).toBe(true);
  });
});
