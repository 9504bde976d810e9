import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fsyncDir } from '../store/atomic-file.js';
import { matchesFileEntry, permissions } from './changes.js';
import type { TreeManifest } from './manifest.js';
import { lstatOrNull } from './tree-ops.js';

/**
 * An installed dependency tree (`node_modules`) kept as ONE directory instead of thousands of
 * journaled paths. A dependency upgrade rewrites ~2,000 files; journaling them one by one cost
 * more than the install. So the trial snapshots the sandbox's tree into the transaction folder
 * right after the actions (hard links, before the tests), and keeping the change is two renames
 * on one file system:
 *
 *   apply:    <agent>/node_modules → <txn>/tree/before;  <txn>/tree/after → <agent>/node_modules
 *   rollback: <agent>/node_modules → <txn>/tree/after;   <txn>/tree/before → <agent>/node_modules
 *
 * Each direction is redone from wherever a kill stopped it: "the source of the second rename
 * still exists" means not finished, and "the destination of the first does not exist yet" means
 * the first rename is still to do. The replaced tree, moved as a unit, keeps every inode, mode,
 * mtime and `.bin` symlink: the rollback is byte for byte.
 *
 * Only when the data dir and the agent folder share a file system (a rename cannot cross one) and
 * both the agent and the sandbox have the tree; otherwise the paths are journaled one by one.
 */

/** The directory handled as a unit. */
export const TREE = 'node_modules';

export interface TreeSwap {
  /** Relative path of the tree in the agent folder (`node_modules`). */
  path: string;
  /** Listing of the new tree (paths, kinds, modes, sizes, mtimes, inodes, symlink targets), hashed. */
  fingerprint: string;
  entries: number;
  /** The staged snapshot's listing with ctimes, right after it was made (see snapshotTouched). */
  snapshot?: string;
}

export function swapDirs(txnDir: string): { after: string; before: string } {
  return { after: path.join(txnDir, 'tree', 'after'), before: path.join(txnDir, 'tree', 'before') };
}

/**
 * When the actions changed the sandbox's tree and a rename into the agent folder is possible:
 * moves the tree into `<txnDir>/tree/after` and gives the sandbox a copy of it for the tests.
 * Returns null (nothing moved) when the tree is unchanged or cannot be swapped.
 */
export async function stageTreeSwap(opts: {
  sandboxDir: string;
  agentDir: string;
  manifest: TreeManifest;
  txnDir: string;
  /** markTree() of the sandbox before the actions. */
  mark: string | null;
}): Promise<TreeSwap | null> {
  const sandboxTree = path.join(opts.sandboxDir, TREE);
  const agentTree = path.join(opts.agentDir, TREE);
  const [inSandbox, inAgent] = await Promise.all([lstatOrNull(sandboxTree), lstatOrNull(agentTree)]);
  if (!inSandbox?.isDirectory() || !inAgent?.isDirectory()) return null;
  if (!opts.manifest.has(TREE) || opts.mark === null || (await markTree(opts.sandboxDir)) === opts.mark)
    return null;
  await fs.mkdir(path.join(opts.txnDir, 'tree'), { recursive: true });
  const txnRoot = path.dirname(path.resolve(opts.txnDir));
  if ((await fs.stat(txnRoot)).dev !== (await fs.stat(opts.agentDir)).dev) {
    await fs.rm(path.join(opts.txnDir, 'tree'), { recursive: true, force: true });
    return null;
  }
  const { after } = swapDirs(opts.txnDir);
  // A snapshot by hard links (no data copied): the tests then run on the sandbox's own tree. A
  // test that writes an installed file in place would reach the snapshot through the shared
  // inode — snapshotTouched() tells, and such a trial is not kept. New files it adds don't.
  await linkTree(sandboxTree, after);
  fsyncDir(path.dirname(after));
  const listing = await listTree(after);
  return {
    path: TREE,
    fingerprint: fingerprintOf(listing),
    entries: listing.length,
    snapshot: fingerprintOf(listing, { ctime: true }),
  };
}

/**
 * Why the staged snapshot is no longer what the actions produced (null: it is): the tests wrote
 * into, renamed or removed an installed file, and the shared inode moved with it. Call before the
 * sandbox is removed (its removal unlinks the other name of every inode).
 */
export async function snapshotTouched(txnDir: string, swap: TreeSwap): Promise<string | null> {
  if (fingerprintOf(await listTree(swapDirs(txnDir).after), { ctime: true }) === swap.snapshot) return null;
  return `the tests changed files installed in ${swap.path} (written in place, renamed or removed), so the tree they ran on is not the one the actions installed; nothing was kept`;
}

/** `dest` as a tree of hard links to the files of `src` (dirs made with their modes, symlinks re-made). */
async function linkTree(src: string, dest: string): Promise<void> {
  const stats = await fs.lstat(src);
  await fs.mkdir(dest, { mode: 0o700 }); // writable while it is filled; its own mode at the end
  for (const entry of await fs.readdir(src, { withFileTypes: true })) {
    const from = path.join(src, entry.name);
    const to = path.join(dest, entry.name);
    if (entry.isSymbolicLink()) await fs.symlink(await fs.readlink(from), to);
    else if (entry.isDirectory()) await linkTree(from, to);
    else if (entry.isFile()) await fs.link(from, to);
  }
  await fs.chmod(dest, permissions(stats.mode));
}

/**
 * The sandbox's tree as it stands (null: none), to tell afterwards whether the actions touched it.
 * Inodes and ctimes, not mtimes: npm gives extracted files the tarball's fixed mtime, and a new
 * version's package.json may have the old one's size; every write or new file moves the ctime.
 */
export async function markTree(sandboxDir: string): Promise<string | null> {
  const tree = path.join(sandboxDir, TREE);
  if (!(await lstatOrNull(tree))?.isDirectory()) return null;
  return fingerprintOf(await listTree(tree), { ctime: true });
}

/** Why the agent's tree may not be swapped: it changed since the sandbox was copied (null: it may). */
export async function swapConflict(agentDir: string, manifest: TreeManifest): Promise<string | null> {
  const agentTree = path.join(agentDir, TREE);
  const stats = await lstatOrNull(agentTree);
  if (!stats?.isDirectory()) return `${TREE} is no longer a directory in the agent folder`;
  return (await sameAsManifest(agentTree, manifest))
    ? null
    : `${TREE} changed in the agent folder during the optimization`;
}

/** Why a rollback would overwrite something: the agent's tree is no longer the one swapped in. */
export async function swapDrift(agentDir: string, swap: TreeSwap): Promise<string | null> {
  const agentTree = path.join(agentDir, swap.path);
  const stats = await lstatOrNull(agentTree);
  if (!stats?.isDirectory()) return `${swap.path} was removed since the optimization`;
  return fingerprintOf(await listTree(agentTree)) === swap.fingerprint
    ? null
    : `${swap.path} changed since the optimization`;
}

/** Puts the new tree in place (`apply`) or the old one back (`rollback`); redoable from any point. */
export async function runSwap(
  txnDir: string,
  agentDir: string,
  swap: TreeSwap,
  direction: 'apply' | 'rollback',
): Promise<void> {
  const dirs = swapDirs(txnDir);
  const target = path.join(agentDir, swap.path);
  const [incoming, outgoing] = direction === 'apply' ? [dirs.after, dirs.before] : [dirs.before, dirs.after];
  if (!(await lstatOrNull(incoming))) return; // done already
  if (!(await lstatOrNull(outgoing))) {
    await fs.rename(target, outgoing);
    fsyncDir(path.dirname(outgoing));
    await testPause();
  }
  await fs.rename(incoming, target);
  fsyncDir(agentDir);
  fsyncDir(path.dirname(incoming));
  await testPause();
}

/** Test-only hook (as tree-ops.ts): a pause after each rename, so a test can SIGKILL in between. */
async function testPause(): Promise<void> {
  const value = Number(process.env.KV1NT_TEST_APPLY_DELAY_MS ?? 0);
  if (Number.isFinite(value) && value > 0) await sleep(value);
}

interface Listed {
  rel: string;
  stats: Stats;
  target?: string;
}

async function listTree(root: string): Promise<Listed[]> {
  const out: Listed[] = [];
  const visit = async (dir: string, prefix: string): Promise<void> => {
    for (const name of (await fs.readdir(dir)).sort()) {
      const rel = `${prefix}/${name}`;
      const abs = path.join(dir, name);
      const stats = await fs.lstat(abs);
      if (stats.isSymbolicLink()) out.push({ rel, stats, target: await fs.readlink(abs) });
      else if (stats.isFile()) out.push({ rel, stats });
      else if (stats.isDirectory()) {
        out.push({ rel, stats });
        await visit(abs, rel);
      }
    }
  };
  await visit(root, TREE);
  return out;
}

function fingerprintOf(listing: readonly Listed[], options: { ctime?: boolean } = {}): string {
  const hash = createHash('sha256');
  for (const { rel, stats, target } of listing) {
    const kind = target !== undefined ? 'l' : stats.isDirectory() ? 'd' : 'f';
    const size = kind === 'f' ? stats.size : 0;
    const mtime = kind === 'f' ? stats.mtimeMs : 0;
    const ctime = options.ctime ? stats.ctimeMs : 0;
    hash.update(
      `${rel}\0${kind}\0${permissions(stats.mode)}\0${size}\0${mtime}\0${ctime}\0${stats.ino}\0${target ?? ''}\n`,
    );
  }
  return hash.digest('hex');
}

/**
 * True when the agent's tree at `root` is the one the manifest recorded under `node_modules/`: the
 * same paths, the very inodes, untouched since (size, mtime, ctime; symlink targets; dir modes).
 */
async function sameAsManifest(root: string, manifest: TreeManifest): Promise<boolean> {
  const listing = await listTree(root);
  let expected = 0;
  for (const rel of manifest.keys()) if (rel.startsWith(`${TREE}/`)) expected += 1;
  if (listing.length !== expected) return false;
  for (const { rel, stats, target } of listing) {
    const entry = manifest.get(rel);
    if (!entry) return false;
    if (target !== undefined) {
      if (entry.kind !== 'symlink' || entry.target !== target || entry.ino !== stats.ino) return false;
    } else if (stats.isDirectory()) {
      if (entry.kind !== 'dir' || permissions(entry.mode) !== permissions(stats.mode)) return false;
    } else if (!matchesFileEntry(stats, entry)) return false;
  }
  return true;
}
