import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureChanges } from '../../../src/core/sandbox/changes.js';
import { writeJournal } from '../../../src/core/sandbox/journal.js';
import {
  applyChanges,
  readJournal,
  recoverTransactions,
  rollbackChanges,
} from '../../../src/core/sandbox/transaction.js';
import { tempDir } from '../../helpers/cli.js';
import { copyToSandbox, snapshot, writeFiles } from './tree-helpers.js';

/** An agent folder, its sandbox copy and a transaction folder, all in one temp dir. */
function setup(files: Record<string, string>, prepare?: (agent: string) => void) {
  const base = tempDir();
  const agent = path.join(base, 'agent');
  const sandbox = path.join(base, 'sandbox');
  const root = path.join(base, 'data', 'optimization', 'transactions');
  fs.mkdirSync(agent);
  writeFiles(agent, files);
  prepare?.(agent);
  const manifest = copyToSandbox(agent, sandbox);
  const txnDir = path.join(root, 'txn_1');
  const capture = (exclude?: (rel: string) => boolean) =>
    captureChanges({ sandboxDir: sandbox, agentDir: agent, manifest, txnDir, exclude });
  return { base, agent, sandbox, root, txnDir, manifest, capture };
}

describe('captureChanges', () => {
  it('finds nothing in an untouched sandbox, and applying nothing leaves no journal', async () => {
    const t = setup({ 'README.md': 'hi', 'src/a.js': 'a' }, (agent) =>
      fs.symlinkSync('src/a.js', path.join(agent, 'link')),
    );
    const changes = await t.capture();
    expect(changes).toEqual([]);
    const outcome = await applyChanges({
      txnDir: t.txnDir,
      agentDir: t.agent,
      changes,
      manifest: t.manifest,
    });
    expect(outcome).toEqual({ status: 'no_op', conflicts: [], changed: [] });
    expect(fs.existsSync(t.txnDir)).toBe(false);
  });

  it('a rewrite with the same bytes is no change; a new mtime alone is not either', async () => {
    const t = setup({ 'a.txt': 'same' });
    fs.writeFileSync(path.join(t.sandbox, 'a.txt'), 'same');
    expect(await t.capture()).toEqual([]);
  });

  it('records each kind of change, ordered so that applying in order works', async () => {
    const t = setup(
      { 'keep.txt': 'k', 'mod.txt': 'old', 'gone/x.txt': 'x', 'gone/y/z.txt': 'z', f2d: 'file' },
      (agent) => fs.symlinkSync('keep.txt', path.join(agent, 'ln')),
    );
    writeFiles(t.sandbox, { 'mod.txt': 'new content', 'new/deep/n.txt': 'n' });
    fs.rmSync(path.join(t.sandbox, 'gone'), { recursive: true });
    fs.rmSync(path.join(t.sandbox, 'f2d'));
    writeFiles(t.sandbox, { 'f2d/inner.txt': 'i' });
    fs.chmodSync(path.join(t.sandbox, 'keep.txt'), 0o755);
    fs.unlinkSync(path.join(t.sandbox, 'ln'));
    fs.symlinkSync('mod.txt', path.join(t.sandbox, 'ln'));

    const changes = await t.capture();
    const order = changes.map((c) => `${c.path}:${c.before?.kind ?? '-'}>${c.after?.kind ?? '-'}`);
    expect(order).toEqual([
      'gone/y/z.txt:file>-',
      'gone/x.txt:file>-',
      'gone/y:dir>-',
      'gone:dir>-',
      'f2d:file>dir',
      'keep.txt:file>file',
      'ln:symlink>symlink',
      'mod.txt:file>file',
      'new:->dir',
      'f2d/inner.txt:->file',
      'new/deep:->dir',
      'new/deep/n.txt:->file',
    ]);
    const keep = changes.find((c) => c.path === 'keep.txt')!;
    expect(keep.after).toMatchObject({ kind: 'file', mode: 0o755 });
    expect(keep.before).toMatchObject({ kind: 'file', hash: (keep.after as { hash: string }).hash });
    expect(changes.find((c) => c.path === 'ln')!.after).toEqual({ kind: 'symlink', target: 'mod.txt' });
    // Every content is staged: the new ones and the backups.
    const blobs = fs.readdirSync(path.join(t.txnDir, 'blobs'));
    for (const change of changes) {
      for (const state of [change.before, change.after]) {
        if (state?.kind === 'file') expect(blobs).toContain(state.hash);
      }
    }
  });

  it('leaves excluded paths out on both sides', async () => {
    const t = setup({ 'a.txt': 'a', 'cache/old.bin': 'o' });
    fs.rmSync(path.join(t.sandbox, 'cache'), { recursive: true });
    writeFiles(t.sandbox, { 'node_modules/x/index.js': 'x', 'a.txt': 'changed' });
    const changes = await t.capture((rel) => rel === 'node_modules' || rel === 'cache');
    expect(changes.map((c) => c.path)).toEqual(['a.txt']);
  });

  it('marks files the user edited or removed while the sandbox was worked on, and apply reports them', async () => {
    const t = setup({ 'README.md': 'v1', 'gone.txt': 'g', 'other.txt': 'o' });
    writeFiles(t.sandbox, {
      'README.md': 'optimized',
      'gone.txt': 'optimized',
      'other.txt': 'optimized too',
    });
    writeFiles(t.agent, { 'README.md': 'user edit' });
    fs.rmSync(path.join(t.agent, 'gone.txt'));
    const changes = await t.capture();
    expect(changes.find((c) => c.path === 'README.md')?.conflict).toMatch(/README\.md changed/);
    expect(changes.find((c) => c.path === 'gone.txt')?.conflict).toMatch(/gone\.txt changed/);
    expect(changes.find((c) => c.path === 'other.txt')?.conflict).toBeUndefined();
    const outcome = await applyChanges({
      txnDir: t.txnDir,
      agentDir: t.agent,
      changes,
      manifest: t.manifest,
    });
    expect(outcome).toEqual({ status: 'conflict', conflicts: ['README.md', 'gone.txt'], changed: [] });
    expect(fs.readFileSync(path.join(t.agent, 'README.md'), 'utf8')).toBe('user edit');
    expect(fs.existsSync(path.join(t.agent, 'gone.txt'))).toBe(false);
    expect(fs.readFileSync(path.join(t.agent, 'other.txt'), 'utf8')).toBe('o');
  });
});

describe('applyChanges and rollbackChanges', () => {
  it('round-trips every kind of change byte for byte, modes and symlink targets included', async () => {
    const t = setup(
      {
        'README.md': '# agent\n',
        'bin/run.sh': '#!/bin/sh\necho run\n',
        'src/index.js': 'export const a = 1;\n',
        'src/old/legacy.js': 'legacy',
        'src/old/deeper/more.js': 'more',
        'conf/settings.json': '{"a":1}',
        'was-file': 'becomes a dir',
        'was-dir/inside.txt': 'becomes a file',
        'was-dir/nested/deep.txt': 'd',
        'was-link-target.txt': 't',
      },
      (agent) => {
        fs.chmodSync(path.join(agent, 'bin/run.sh'), 0o755);
        fs.chmodSync(path.join(agent, 'conf'), 0o750);
        fs.symlinkSync('README.md', path.join(agent, 'docs-link'));
        fs.symlinkSync('was-link-target.txt', path.join(agent, 'link-to-file'));
      },
    );
    const original = snapshot(t.agent);
    const s = (rel: string) => path.join(t.sandbox, rel);
    writeFiles(t.sandbox, {
      'src/index.js': 'export const a = 2;\n',
      'src/new/util.js': 'util',
      'notes.md': 'n',
    });
    fs.chmodSync(s('src/new/util.js'), 0o600);
    fs.rmSync(s('src/old'), { recursive: true });
    fs.chmodSync(s('bin/run.sh'), 0o700);
    fs.chmodSync(s('conf'), 0o755);
    fs.unlinkSync(s('docs-link'));
    fs.symlinkSync('notes.md', s('docs-link'));
    fs.symlinkSync('../README.md', s('src/new/readme-link'));
    fs.rmSync(s('was-file'));
    writeFiles(t.sandbox, { 'was-file/child.txt': 'c' });
    fs.unlinkSync(s('link-to-file'));
    writeFiles(t.sandbox, { 'link-to-file': 'now a file' });
    fs.rmSync(s('was-dir'), { recursive: true });
    fs.symlinkSync('README.md', s('was-dir'));
    const expected = snapshot(t.sandbox);

    const changes = await t.capture();
    const outcome = await applyChanges({
      txnDir: t.txnDir,
      agentDir: t.agent,
      changes,
      manifest: t.manifest,
      meta: { planId: 'plan_1' },
    });
    expect(outcome.status).toBe('applied');
    expect(outcome.changed).toHaveLength(changes.length);
    expect(snapshot(t.agent)).toBe(expected);
    const journal = await readJournal(t.txnDir);
    expect(journal).toMatchObject({
      state: 'applied',
      meta: { planId: 'plan_1' },
      agentDir: fs.realpathSync(t.agent),
    });
    expect(fs.readdirSync(t.root)).toEqual(['txn_1']); // no in-flight marker left

    const rollback = await rollbackChanges({ txnDir: t.txnDir });
    expect(rollback).toMatchObject({ status: 'rolled_back', reasons: [] });
    expect(rollback.restored.sort()).toEqual(changes.map((c) => c.path).sort());
    expect(snapshot(t.agent)).toBe(original);
    expect((await readJournal(t.txnDir))?.state).toBe('rolled_back');

    expect(await rollbackChanges({ txnDir: t.txnDir })).toEqual({
      status: 'refused',
      reasons: ['already rolled back'],
      restored: [],
    });
    expect(await recoverTransactions(t.root)).toEqual([]);
  });

  it('applies and rolls back a change set without any file content (no blob folder)', async () => {
    const t = setup({ 'a.txt': 'a', 'dir/b.txt': 'b' }, (agent) =>
      fs.symlinkSync('a.txt', path.join(agent, 'ln')),
    );
    const original = snapshot(t.agent);
    fs.unlinkSync(path.join(t.sandbox, 'ln'));
    fs.symlinkSync('dir/b.txt', path.join(t.sandbox, 'ln'));
    fs.chmodSync(path.join(t.sandbox, 'dir'), 0o700);
    fs.mkdirSync(path.join(t.sandbox, 'empty'));
    const expected = snapshot(t.sandbox);
    const changes = await t.capture();
    expect(changes.map((c) => c.path)).toEqual(['dir', 'empty', 'ln']);
    expect(fs.existsSync(path.join(t.txnDir, 'blobs'))).toBe(false);
    expect(
      (await applyChanges({ txnDir: t.txnDir, agentDir: t.agent, changes, manifest: t.manifest })).status,
    ).toBe('applied');
    expect(snapshot(t.agent)).toBe(expected);
    expect((await rollbackChanges({ txnDir: t.txnDir })).status).toBe('rolled_back');
    expect(snapshot(t.agent)).toBe(original);
  });

  it('content the test run writes after the capture is not carried over', async () => {
    const t = setup({ 'src/a.js': 'a' });
    writeFiles(t.sandbox, { 'src/a.js': 'improved' });
    const changes = await t.capture();
    writeFiles(t.sandbox, {
      'dist/a.js': 'built',
      '.cache/x': 'cache',
      'src/a.js': 'clobbered by the tests',
    });
    const outcome = await applyChanges({
      txnDir: t.txnDir,
      agentDir: t.agent,
      changes,
      manifest: t.manifest,
    });
    expect(outcome).toEqual({ status: 'applied', conflicts: [], changed: ['src/a.js'] });
    expect(fs.readFileSync(path.join(t.agent, 'src/a.js'), 'utf8')).toBe('improved');
    expect(fs.existsSync(path.join(t.agent, 'dist'))).toBe(false);
    expect(fs.existsSync(path.join(t.agent, '.cache'))).toBe(false);
  });

  it('a user edit between capture and apply is a conflict: nothing is written, the edit stays', async () => {
    const t = setup({ 'README.md': 'v1', 'a.txt': 'a', 'b.txt': 'b' });
    writeFiles(t.sandbox, { 'README.md': 'optimized', 'a.txt': 'A', 'added.txt': 'new' });
    fs.rmSync(path.join(t.sandbox, 'b.txt'));
    const changes = await t.capture();
    writeFiles(t.agent, { 'README.md': 'user edit', 'added.txt': 'the user made this too' });
    const before = snapshot(t.agent);
    const outcome = await applyChanges({
      txnDir: t.txnDir,
      agentDir: t.agent,
      changes,
      manifest: t.manifest,
    });
    expect(outcome).toEqual({ status: 'conflict', conflicts: ['README.md', 'added.txt'], changed: [] });
    expect(snapshot(t.agent)).toBe(before);
    expect(await readJournal(t.txnDir)).toBeUndefined();
  });

  it('never writes through a symlink planted in the agent folder', async () => {
    const t = setup({ 'sub/a.txt': 'a', 'top.txt': 't' });
    const outside = path.join(t.base, 'outside');
    writeFiles(outside, { 'a.txt': 'a' });
    writeFiles(t.sandbox, { 'sub/a.txt': 'changed', 'sub/new.txt': 'new', 'top.txt': 'T' });
    const changes = await t.capture();
    fs.rmSync(path.join(t.agent, 'sub'), { recursive: true });
    fs.symlinkSync(outside, path.join(t.agent, 'sub'));
    const outcome = await applyChanges({
      txnDir: t.txnDir,
      agentDir: t.agent,
      changes,
      manifest: t.manifest,
    });
    expect(outcome.status).toBe('conflict');
    expect(outcome.conflicts).toEqual(['sub/a.txt', 'sub/new.txt']);
    expect(fs.readdirSync(outside)).toEqual(['a.txt']);
    expect(fs.readFileSync(path.join(outside, 'a.txt'), 'utf8')).toBe('a');
    expect(fs.readFileSync(path.join(t.agent, 'top.txt'), 'utf8')).toBe('t');
  });

  it('refuses a rollback, even forced, through a symlink planted after the apply', async () => {
    const t = setup({ 'sub/a.txt': 'a' });
    writeFiles(t.sandbox, { 'sub/a.txt': 'changed' });
    const changes = await t.capture();
    await applyChanges({ txnDir: t.txnDir, agentDir: t.agent, changes, manifest: t.manifest });
    const outside = path.join(t.base, 'outside');
    writeFiles(outside, { 'a.txt': 'changed' });
    fs.rmSync(path.join(t.agent, 'sub'), { recursive: true });
    fs.symlinkSync(outside, path.join(t.agent, 'sub'));
    const outcome = await rollbackChanges({ txnDir: t.txnDir, force: true });
    expect(outcome).toEqual({
      status: 'refused',
      reasons: ['sub is a symlink; refusing to write through it'],
      restored: [],
    });
    expect(fs.readFileSync(path.join(outside, 'a.txt'), 'utf8')).toBe('changed');
  });

  it('refuses a rollback over a later user edit, and does it with force', async () => {
    const t = setup({ 'README.md': 'v1', 'a.txt': 'a' });
    const original = snapshot(t.agent);
    writeFiles(t.sandbox, { 'README.md': 'v2', 'a.txt': 'A', 'new.txt': 'n' });
    const changes = await t.capture();
    await applyChanges({ txnDir: t.txnDir, agentDir: t.agent, changes, manifest: t.manifest });
    writeFiles(t.agent, { 'README.md': 'v3 by the user' });
    fs.rmSync(path.join(t.agent, 'new.txt'));

    const refused = await rollbackChanges({ txnDir: t.txnDir });
    expect(refused).toEqual({
      status: 'refused',
      reasons: ['README.md changed since the optimization', 'new.txt was removed since the optimization'],
      restored: [],
    });
    expect(fs.readFileSync(path.join(t.agent, 'README.md'), 'utf8')).toBe('v3 by the user');
    expect((await readJournal(t.txnDir))?.state).toBe('applied');

    const forced = await rollbackChanges({ txnDir: t.txnDir, force: true });
    expect(forced.status).toBe('rolled_back');
    expect(forced.reasons).toEqual(refused.reasons);
    expect(snapshot(t.agent)).toBe(original);
    expect(await readJournal(t.txnDir)).toMatchObject({ state: 'rolled_back', forced: true });
  });

  it('refuses even a forced rollback that would delete a file the user added to a new dir', async () => {
    const t = setup({ 'a.txt': 'a' });
    writeFiles(t.sandbox, { 'lib/helper.js': 'h' });
    const changes = await t.capture();
    await applyChanges({ txnDir: t.txnDir, agentDir: t.agent, changes, manifest: t.manifest });
    writeFiles(t.agent, { 'lib/mine.js': 'user code' });
    const outcome = await rollbackChanges({ txnDir: t.txnDir, force: true });
    expect(outcome.status).toBe('refused');
    expect(outcome.reasons).toEqual(['lib holds lib/mine.js, which the change set does not remove']);
    expect(fs.readFileSync(path.join(t.agent, 'lib/mine.js'), 'utf8')).toBe('user code');
    expect(fs.existsSync(path.join(t.agent, 'lib/helper.js'))).toBe(true);
  });

  it('recovery abandons a transaction interrupted before it wrote anything, and leaves a live one alone', async () => {
    const t = setup({ 'a.txt': 'a' });
    writeFiles(t.sandbox, { 'a.txt': 'b' });
    const changes = await t.capture();
    const original = snapshot(t.agent);
    const now = new Date().toISOString();
    writeJournal(t.txnDir, {
      version: 1,
      id: 'txn_1',
      agentDir: fs.realpathSync(t.agent),
      state: 'prepared',
      changes,
      meta: {},
      createdAt: now,
      updatedAt: now,
    });
    const marker = path.join(t.root, 'txn_1.inflight');
    // A live owner (this test's parent process) is mid-transaction: not ours to touch.
    fs.writeFileSync(marker, JSON.stringify({ pid: process.ppid, host: os.hostname() }));
    expect(await recoverTransactions(t.root)).toEqual([]);
    // Its owner died (a finished child's pid): recovery takes over.
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    fs.writeFileSync(marker, JSON.stringify({ pid: dead, host: os.hostname() }));
    expect(await recoverTransactions(t.root)).toEqual([
      { id: 'txn_1', agentDir: fs.realpathSync(t.agent), outcome: 'undone' },
    ]);
    expect(snapshot(t.agent)).toBe(original);
    expect((await readJournal(t.txnDir))?.state).toBe('abandoned');
    expect(fs.existsSync(marker)).toBe(false);
    expect((await rollbackChanges({ txnDir: t.txnDir })).reasons).toEqual([
      'the transaction was never applied (abandoned)',
    ]);
  });

  it('recovery is a no-op without a transactions folder or with only finished ones', async () => {
    const t = setup({ 'a.txt': 'a' });
    expect(await recoverTransactions(t.root)).toEqual([]);
    writeFiles(t.sandbox, { 'a.txt': 'b' });
    const changes = await t.capture();
    await applyChanges({ txnDir: t.txnDir, agentDir: t.agent, changes, manifest: t.manifest });
    expect(await recoverTransactions(t.root)).toEqual([]);
    await expect(
      applyChanges({ txnDir: t.txnDir, agentDir: t.agent, changes, manifest: t.manifest }),
    ).rejects.toThrow(/already used/);
  });

  it('onCommitted runs once the journal says applied, with the in-flight marker still up', async () => {
    const t = setup({ 'a.txt': 'a' });
    writeFiles(t.sandbox, { 'a.txt': 'b' });
    const changes = await t.capture();
    const seen: Array<{ state: string | undefined; marker: boolean; content: string }> = [];
    await applyChanges({
      txnDir: t.txnDir,
      agentDir: t.agent,
      changes,
      manifest: t.manifest,
      onCommitted: async () => {
        seen.push({
          state: (await readJournal(t.txnDir))?.state,
          marker: fs.existsSync(path.join(t.root, 'txn_1.inflight')),
          content: fs.readFileSync(path.join(t.agent, 'a.txt'), 'utf8'),
        });
      },
    });
    expect(seen).toEqual([{ state: 'applied', marker: true, content: 'b' }]);
    expect(fs.existsSync(path.join(t.root, 'txn_1.inflight'))).toBe(false);
  });

  it.each(['applying', 'applied'] as const)(
    'recovery of a transaction left %s with its marker calls onCompleted, before the marker goes',
    async (state) => {
      const t = setup({ 'a.txt': 'a' });
      writeFiles(t.sandbox, { 'a.txt': 'b' });
      const changes = await t.capture();
      const now = new Date().toISOString();
      const meta = { resultId: 'res_1', planId: 'plan_1', actions: ['act_1'] };
      writeJournal(t.txnDir, {
        version: 1,
        id: 'txn_1',
        agentDir: fs.realpathSync(t.agent),
        state,
        changes,
        meta,
        createdAt: now,
        updatedAt: now,
      });
      if (state === 'applied') fs.writeFileSync(path.join(t.agent, 'a.txt'), 'b');
      const marker = path.join(t.root, 'txn_1.inflight');
      const dead = spawnSync(process.execPath, ['-e', '']).pid;
      fs.writeFileSync(marker, JSON.stringify({ pid: dead, host: os.hostname() }));
      const calls: Array<{ state: string; meta: unknown; marker: boolean }> = [];
      const recovered = await recoverTransactions(t.root, {
        onCompleted: (journal) => {
          calls.push({ state: journal.state, meta: journal.meta, marker: fs.existsSync(marker) });
        },
      });
      expect(recovered).toEqual([{ id: 'txn_1', agentDir: fs.realpathSync(t.agent), outcome: 'completed' }]);
      expect(calls).toEqual([{ state: 'applied', meta, marker: true }]);
      expect(fs.readFileSync(path.join(t.agent, 'a.txt'), 'utf8')).toBe('b');
      expect(fs.existsSync(marker)).toBe(false);
    },
  );
});
