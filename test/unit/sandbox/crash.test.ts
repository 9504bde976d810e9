import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureChanges, type Change } from '../../../src/core/sandbox/changes.js';
import { applyChanges, readJournal, recoverTransactions } from '../../../src/core/sandbox/transaction.js';
import type { TreeManifest } from '../../../src/core/sandbox/manifest.js';
import { ROOT, tempDir } from '../../helpers/cli.js';
import { copyToSandbox, manifestOf, snapshot, writeFiles } from './tree-helpers.js';

/**
 * kill -9 at random moments of an apply (and of a rollback) of ~200 paths, then recovery: the agent
 * folder must be byte for byte the before tree or the after tree, with no temp file left.
 */
const WORKER = path.join(ROOT, 'test/fixtures/optimize/apply-worker.mjs');
const DELAY_MS = 1;
const RUNS = 5;
let bundleDir: string;
let moduleFile: string;

beforeAll(async () => {
  // The child can't import .ts: bundle the current source (no dependency on a stale dist/).
  bundleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kv1nt-txn-bundle-'));
  moduleFile = path.join(bundleDir, 'transaction.mjs');
  await build({
    entryPoints: [path.join(ROOT, 'src/core/sandbox/transaction.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: moduleFile,
    logLevel: 'silent',
  });
});

afterAll(() => fs.rmSync(bundleDir, { recursive: true, force: true }));

beforeAll(async () => {
  base = await baseScenario(bundleDir);
});

interface Scenario {
  agent: string;
  root: string;
  txnDir: string;
  changes: Change[];
  manifest: TreeManifest;
  before: string;
  after: string;
  changesFile: string;
  manifestFile: string;
}

let base: Scenario;

/**
 * Once per file: an agent of 200 files, and a sandbox where ~230 paths changed (edits, adds,
 * deletes, modes, a symlink), captured. Each run works on a clone of it (see cloneScenario).
 */
async function baseScenario(dir: string): Promise<Scenario> {
  const agent = path.join(dir, 'agent');
  const sandbox = path.join(dir, 'sandbox');
  const root = path.join(dir, 'transactions');
  const files: Record<string, string> = {};
  for (let i = 0; i < 200; i++) files[`d${i % 4}/f${i}.txt`] = `original ${i}\n`.repeat(1 + (i % 7));
  fs.mkdirSync(agent);
  writeFiles(agent, files);
  fs.symlinkSync('d0/f0.txt', path.join(agent, 'link'));
  const manifest = copyToSandbox(agent, sandbox);

  const s = (rel: string) => path.join(sandbox, rel);
  for (let i = 0; i < 150; i++)
    if (i % 4 !== 3) fs.writeFileSync(s(`d${i % 4}/f${i}.txt`), `optimized ${i}\n`);
  fs.rmSync(s('d3'), { recursive: true }); // 50 deletions and a dir
  for (let i = 0; i < 30; i++) writeFiles(sandbox, { [`new/n${i}.txt`]: `new ${i}\n` });
  for (let i = 150; i < 160; i++) if (i % 4 !== 3) fs.chmodSync(s(`d${i % 4}/f${i}.txt`), 0o755);
  fs.unlinkSync(s('link'));
  fs.symlinkSync('new/n0.txt', s('link'));

  const txnDir = path.join(root, 'txn_crash');
  const changes = await captureChanges({ sandboxDir: sandbox, agentDir: agent, manifest, txnDir });
  const changesFile = path.join(dir, 'changes.json');
  fs.writeFileSync(changesFile, JSON.stringify(changes));
  const before = snapshot(agent);
  const after = snapshot(sandbox);
  return { agent, root, txnDir, changes, manifest, before, after, changesFile, manifestFile: '' };
}

/**
 * A fresh agent folder (new inodes, so its own manifest) holding the base's before tree, and a
 * transaction folder holding the base's staged blobs (hard links: the capture is content-addressed).
 */
function cloneScenario(): Scenario {
  const dir = tempDir();
  const agent = path.join(dir, 'agent');
  fs.cpSync(base.agent, agent, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
  const manifest = manifestOf(agent);
  const root = path.join(dir, 'transactions');
  const txnDir = path.join(root, 'txn_crash');
  const blobs = path.join(txnDir, 'blobs');
  fs.mkdirSync(blobs, { recursive: true });
  for (const name of fs.readdirSync(path.join(base.txnDir, 'blobs'))) {
    fs.linkSync(path.join(base.txnDir, 'blobs', name), path.join(blobs, name));
  }
  const manifestFile = path.join(dir, 'manifest.json');
  fs.writeFileSync(manifestFile, JSON.stringify([...manifest]));
  expect(snapshot(agent)).toBe(base.before);
  return { ...base, agent, root, txnDir, manifest, manifestFile };
}

interface WorkerRun {
  /** ms from "ready" to exit, when not killed. */
  durationMs: number;
  killed: boolean;
}

/** Runs the worker; with `killAfterMs`, SIGKILLs it that long after it printed "ready". */
async function runWorker(args: string[], killAfterMs?: number): Promise<WorkerRun> {
  const child = spawn(process.execPath, [WORKER, moduleFile, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, KV1NT_TEST_APPLY_DELAY_MS: String(DELAY_MS) },
  });
  let stdout = '';
  let stderr = '';
  let readyAt = 0;
  let killed = false;
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (!readyAt && stdout.startsWith('ready\n')) {
      readyAt = Date.now();
      if (killAfterMs !== undefined) {
        void sleep(killAfterMs).then(() => {
          killed = child.kill('SIGKILL');
        });
      }
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (!killed && code !== 0) throw new Error(`worker failed (${code}):\n${stderr}`);
  return { durationMs: Date.now() - readyAt, killed };
}

function expectBeforeOrAfter(agent: string, s: Scenario): 'before' | 'after' {
  const now = snapshot(agent);
  if (now === s.before) return 'before';
  if (now === s.after) return 'after';
  // Neither: show the smallest useful difference.
  const lines = new Set(now.split('\n'));
  const offAfter = s.after.split('\n').filter((line) => !lines.has(line));
  const extra = now.split('\n').filter((line) => !s.after.includes(line));
  throw new Error(
    `agent tree is neither before nor after; vs after, missing ${offAfter.slice(0, 5).join(' | ')}; extra ${extra.slice(0, 5).join(' | ')}`,
  );
}

describe('kill -9 during a transaction, then recovery', () => {
  it('an apply killed at random moments ends all-before or all-after', async () => {
    const calibration = cloneScenario();
    const applyArgs = (s: Scenario) => ['apply', s.txnDir, s.agent, s.changesFile, s.manifestFile];
    const full = await runWorker(applyArgs(calibration));
    expect(calibration.changes.length).toBeGreaterThan(200);
    expect(expectBeforeOrAfter(calibration.agent, calibration)).toBe('after');

    const outcomes: string[] = [];
    for (let run = 0; run < RUNS; run++) {
      const s = cloneScenario();
      // Spread the kills over the whole run (and a little past it), one random moment per slice.
      const at = ((run + Math.random()) / RUNS) * full.durationMs * 1.1;
      const { killed } = await runWorker(applyArgs(s), at);
      const recovered = await recoverTransactions(s.root);
      const state = expectBeforeOrAfter(s.agent, s);
      const journal = await readJournal(s.txnDir);
      if (state === 'after') expect(journal?.state).toBe('applied');
      else expect([undefined, 'prepared', 'abandoned']).toContain(journal?.state);
      expect(fs.readdirSync(s.root)).toEqual(['txn_crash']); // no marker, no temp, no lock left
      outcomes.push(
        `${killed ? 'killed' : 'finished'}:${state}:${recovered.map((r) => r.outcome).join(',')}`,
      );
    }
    // At least one kill landed mid-apply and was rolled forward.
    expect(
      outcomes.some((o) => o === 'killed:after:completed'),
      outcomes.join(' '),
    ).toBe(true);
  });

  it('a rollback killed at random moments ends all-after or all-before', async () => {
    const prepare = async () => {
      const s = cloneScenario();
      const outcome = await applyChanges({
        txnDir: s.txnDir,
        agentDir: s.agent,
        changes: s.changes,
        manifest: s.manifest,
      });
      expect(outcome.status).toBe('applied');
      return s;
    };
    const calibration = await prepare();
    const full = await runWorker(['rollback', calibration.txnDir]);
    expect(expectBeforeOrAfter(calibration.agent, calibration)).toBe('before');

    const outcomes: string[] = [];
    for (let run = 0; run < RUNS; run++) {
      const s = await prepare();
      const at = ((run + Math.random()) / RUNS) * full.durationMs * 1.1;
      const { killed } = await runWorker(['rollback', s.txnDir], at);
      const recovered = await recoverTransactions(s.root);
      const state = expectBeforeOrAfter(s.agent, s);
      expect((await readJournal(s.txnDir))?.state).toBe(state === 'before' ? 'rolled_back' : 'applied');
      expect(fs.readdirSync(s.root)).toEqual(['txn_crash']); // no marker, no temp, no lock left
      outcomes.push(
        `${killed ? 'killed' : 'finished'}:${state}:${recovered.map((r) => r.outcome).join(',')}`,
      );
    }
    expect(
      outcomes.some((o) => o === 'killed:before:completed'),
      outcomes.join(' '),
    ).toBe(true);
  });
});
