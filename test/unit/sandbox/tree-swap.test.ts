import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyTree } from '../../../src/core/sandbox/copy-tree.js';
import {
  markTree,
  planTreeSwap,
  runSwap,
  stageTreeSwap,
  swapConflict,
  swapDirs,
  swapDrift,
  type TreeSwap,
} from '../../../src/core/sandbox/tree-swap.js';
import { treeHash } from '../../helpers/agent-project.js';
import { tempDir } from '../../helpers/cli.js';

/** An agent with an installed tree (a package and its .bin symlink), and a sandbox copy an install changed. */
async function installed() {
  const agent = tempDir({
    'package.json': '{}\n',
    'node_modules/tool/package.json': '{"version":"1.0.0"}\n',
    'node_modules/tool/cli.js': '#!/usr/bin/env node\n',
  });
  fs.mkdirSync(path.join(agent, 'node_modules/.bin'));
  fs.symlinkSync('../tool/cli.js', path.join(agent, 'node_modules/.bin/tool'));
  fs.chmodSync(path.join(agent, 'node_modules/tool/cli.js'), 0o755);
  const sandbox = path.join(tempDir(), 'tree');
  const { manifest } = await copyTree(agent, sandbox);
  const mark = await markTree(sandbox);
  // What an install does: a new version, a new file, the bin link re-made.
  fs.writeFileSync(path.join(sandbox, 'node_modules/tool/package.json'), '{"version":"2.0.0"}\n');
  fs.writeFileSync(path.join(sandbox, 'node_modules/tool/extra.js'), 'x\n');
  fs.rmSync(path.join(sandbox, 'node_modules/.bin/tool'));
  fs.symlinkSync('../tool/cli.js', path.join(sandbox, 'node_modules/.bin/tool'));
  const txnDir = path.join(tempDir(), 'txn_1');
  const planned = await planTreeSwap({ sandboxDir: sandbox, agentDir: agent, manifest, txnDir, mark });
  expect(planned).not.toBeNull();
  return { agent, txnDir, planned: planned!, sandbox, manifest };
}

/** As installed(), the tests passed untouched: the sandbox's tree moved into the transaction. */
async function staged(): Promise<{
  agent: string;
  txnDir: string;
  swap: TreeSwap;
  sandbox: string;
  manifest: Awaited<ReturnType<typeof copyTree>>['manifest'];
}> {
  const { planned, ...rest } = await installed();
  expect(await stageTreeSwap(planned, rest.txnDir)).toBeNull();
  return { ...rest, swap: planned.swap };
}

const version = (dir: string) =>
  (
    JSON.parse(fs.readFileSync(path.join(dir, 'node_modules/tool/package.json'), 'utf8')) as {
      version: string;
    }
  ).version;

describe('tree swap: node_modules as one directory', () => {
  it('moves the very tree the tests ran on into the transaction; an unchanged tree is not swapped', async () => {
    const { txnDir, sandbox, agent, manifest, planned } = await installed();
    const tree = path.join(sandbox, 'node_modules');
    const ran = treeHash(tree);
    const inode = fs.lstatSync(path.join(tree, 'tool/package.json')).ino;
    expect(await stageTreeSwap(planned, txnDir)).toBeNull();
    expect(fs.existsSync(tree)).toBe(false);
    expect(treeHash(swapDirs(txnDir).after)).toBe(ran);
    expect(fs.lstatSync(path.join(swapDirs(txnDir).after, 'tool/package.json')).ino).toBe(inode);
    expect(version(agent)).toBe('1.0.0');
    const fresh = path.join(tempDir(), 'tree');
    const copy = await copyTree(agent, fresh);
    const again = path.join(tempDir(), 'txn_2');
    const mark = await markTree(fresh);
    expect(
      await planTreeSwap({
        sandboxDir: fresh,
        agentDir: agent,
        manifest: copy.manifest,
        txnDir: again,
        mark,
      }),
    ).toBeNull();
    expect(fs.existsSync(path.join(fresh, 'node_modules'))).toBe(true);
    expect(await swapConflict(agent, manifest)).toBeNull();
  });

  it("a rewrite with the same size and npm's fixed mtime still counts as a change", async () => {
    const agent = tempDir({ 'node_modules/tool/package.json': '{"version":"1.0.0"}\n' });
    const sandbox = path.join(tempDir(), 'tree');
    const { manifest } = await copyTree(agent, sandbox);
    const mark = await markTree(sandbox);
    const file = path.join(sandbox, 'node_modules/tool/package.json');
    const { atime, mtime } = fs.statSync(file);
    fs.writeFileSync(file, '{"version":"2.0.0"}\n');
    fs.utimesSync(file, atime, mtime);
    const txnDir = path.join(tempDir(), 'txn_3');
    expect(
      (await planTreeSwap({ sandboxDir: sandbox, agentDir: agent, manifest, txnDir, mark }))?.swap,
    ).toMatchObject({
      path: 'node_modules',
    });
  });

  it('files the tests added (a cache) are left behind, not carried into the transaction', async () => {
    const { txnDir, sandbox, planned } = await installed();
    fs.mkdirSync(path.join(sandbox, 'node_modules/.cache/deep'), { recursive: true });
    fs.writeFileSync(path.join(sandbox, 'node_modules/.cache/deep/x'), 'x');
    fs.writeFileSync(path.join(sandbox, 'node_modules/tool/cache.json'), '{}');
    expect(await stageTreeSwap(planned, txnDir)).toBeNull();
    const after = swapDirs(txnDir).after;
    expect(fs.existsSync(path.join(after, '.cache'))).toBe(false);
    expect(fs.existsSync(path.join(after, 'tool/cache.json'))).toBe(false);
    expect(fs.readdirSync(path.join(after, 'tool')).sort()).toEqual(['cli.js', 'extra.js', 'package.json']);
  });

  it.each([
    [
      'writes an installed file in place',
      (tree: string) => fs.appendFileSync(path.join(tree, 'tool/cli.js'), '//\n'),
    ],
    ['removes one', (tree: string) => fs.rmSync(path.join(tree, 'tool/extra.js'))],
    [
      'renames one',
      (tree: string) => fs.renameSync(path.join(tree, 'tool/extra.js'), path.join(tree, 'tool/moved.js')),
    ],
    [
      're-points a .bin link',
      (tree: string) => {
        fs.rmSync(path.join(tree, '.bin/tool'));
        fs.symlinkSync('../tool/extra.js', path.join(tree, '.bin/tool'));
      },
    ],
    ['changes a folder mode', (tree: string) => fs.chmodSync(path.join(tree, 'tool'), 0o700)],
  ])('a test that %s: the tree is not kept, and nothing is moved', async (_what, touch) => {
    const { txnDir, sandbox, planned } = await installed();
    touch(path.join(sandbox, 'node_modules'));
    expect(await stageTreeSwap(planned, txnDir)).toMatch(/the tests changed files installed in node_modules/);
    expect(fs.existsSync(swapDirs(txnDir).after)).toBe(false);
    expect(fs.existsSync(path.join(sandbox, 'node_modules/tool/package.json'))).toBe(true);
  });

  it('a tree edited in the agent meanwhile is a conflict', async () => {
    const { agent, manifest } = await staged();
    fs.writeFileSync(path.join(agent, 'node_modules/tool/package.json'), '{"version":"1.0.1"}\n');
    expect(await swapConflict(agent, manifest)).toBe(
      'node_modules changed in the agent folder during the optimization',
    );
  });

  // A kill -9 after 0 or 1 of the two renames, then the redo: always the whole swap, once.
  it.each([0, 1])('apply then rollback, each redone after %i rename(s): byte for byte', async (done) => {
    const { agent, txnDir, swap } = await staged();
    const dirs = swapDirs(txnDir);
    const old = treeHash(path.join(agent, 'node_modules'));
    const oldIno = fs.lstatSync(path.join(agent, 'node_modules/.bin/tool')).ino;
    const incoming = treeHash(dirs.after);
    if (done === 1) fs.renameSync(path.join(agent, 'node_modules'), dirs.before);
    await runSwap(txnDir, agent, swap, 'apply');
    await runSwap(txnDir, agent, swap, 'apply'); // a second redo changes nothing
    expect(treeHash(path.join(agent, 'node_modules'))).toBe(incoming);
    expect(fs.existsSync(dirs.after)).toBe(false);
    expect(await swapDrift(agent, swap)).toBeNull();

    if (done === 1) fs.renameSync(path.join(agent, 'node_modules'), dirs.after);
    await runSwap(txnDir, agent, swap, 'rollback');
    await runSwap(txnDir, agent, swap, 'rollback');
    expect(treeHash(path.join(agent, 'node_modules'))).toBe(old);
    expect(fs.lstatSync(path.join(agent, 'node_modules/.bin/tool')).ino).toBe(oldIno);
    expect(fs.readlinkSync(path.join(agent, 'node_modules/.bin/tool'))).toBe('../tool/cli.js');
    expect(version(agent)).toBe('1.0.0');
  });

  it('drift: a tree changed after the swap is named', async () => {
    const { agent, txnDir, swap } = await staged();
    await runSwap(txnDir, agent, swap, 'apply');
    fs.writeFileSync(path.join(agent, 'node_modules/tool/new.js'), 'y\n');
    expect(await swapDrift(agent, swap)).toBe('node_modules changed since the optimization');
    fs.rmSync(path.join(agent, 'node_modules'), { recursive: true });
    expect(await swapDrift(agent, swap)).toBe('node_modules was removed since the optimization');
  });
});
