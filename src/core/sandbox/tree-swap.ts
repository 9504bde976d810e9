import fs from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fsyncDir } from '../store/atomic-file.js';
import { matchesFileEntry } from './changes.js';
import type { TreeManifest } from './manifest.js';
import { fingerprintOf, listTree, permissions, type Listed } from './listing.js';
import { lstatOrNull } from './tree-ops.js';

/**
 * An installed dependency tree (`node_modules`) kept as ONE directory instead of thousands of
 * journaled paths. A dependency upgrade rewrites ~2,000 files; journaling them one by one cost
 * more than the install. So the trial lists the sandbox's tree right after the actions (before
 * the tests), and once the tests passed on it — the same inodes, untouched — moves that very tree
 * into the transaction folder by one rename; keeping the change is then two renames on one file
 * system:
 *
 *   apply:    <agent>/node_modules → <txn>/tree/before;  <txn>/tree/after → <agent>/node_modules
 *   rollback: <agent>/node_modules → <txn>/tree/after;   <txn>/tree/before → <agent>/node_modules
 *
 * Each direction is redone from wherever a kill stopped it: "the source of the second rename
 * still exists" means not finished, and "the destination of the first does not exist yet" means
 * the first rename is still to do. The replaced tree, moved as a unit, keeps every inode, mode,
 * mtime and `.bin` symlink: the rollback is byte for byte.
 *
 * Only when the data dir (sandboxes and transactions) and the agent folder share a file system (a
 * rename cannot cross one) and both the agent and the sandbox have the tree; otherwise the paths
 * are journaled one by one.
 */

/** The directory handled as a unit. */
export const TREE = 'node_modules';

export interface TreeSwap {
  /** Relative path of the tree in the agent folder (`node_modules`). */
  path: string;
  /** Listing of the new tree (paths, kinds, modes, sizes, mtimes, inodes, symlink targets), hashed. */
  fingerprint: string;
  entries: number;
}

/** A swap decided before the tests: the installed tree as the actions left it, to check after them. */
export interface PlannedSwap {
  swap: TreeSwap;
  sandboxDir: string;
  installed: Listed[];
}

export function swapDirs(txnDir: string): { after: string; before: string } {
  return { after: path.join(txnDir, 'tree', 'after'), before: path.join(txnDir, 'tree', 'before') };
}

/**
 * When the actions changed the sandbox's tree and renames from the sandbox into the transaction
 * folder and from there into the agent folder are possible: the tree as installed (see
 * stageTreeSwap). Null (the paths are captured one by one) when the tree is unchanged or cannot
 * be swapped. Nothing is moved yet: the tests run on the sandbox's own tree.
 */
export async function planTreeSwap(opts: {
  sandboxDir: string;
  agentDir: string;
  manifest: TreeManifest;
  txnDir: string;
  /** markTree() of the sandbox before the actions. */
  mark: string | null;
}): Promise<PlannedSwap | null> {
  const sandboxTree = path.join(opts.sandboxDir, TREE);
  const agentTree = path.join(opts.agentDir, TREE);
  const [inSandbox, inAgent] = await Promise.all([lstatOrNull(sandboxTree), lstatOrNull(agentTree)]);
  if (!inSandbox?.isDirectory() || !inAgent?.isDirectory()) return null;
  if (!opts.manifest.has(TREE) || opts.mark === null) return null;
  const installed = await listTree(sandboxTree, TREE);
  if (fingerprintOf(installed, { ctime: true }) === opts.mark) return null;
  const txnRoot = path.dirname(path.resolve(opts.txnDir));
  await fs.mkdir(txnRoot, { recursive: true });
  const [txnDev, agentDev] = await Promise.all([fs.stat(txnRoot), fs.stat(opts.agentDir)]);
  if (txnDev.dev !== agentDev.dev || inSandbox.dev !== agentDev.dev) return null;
  const swap = { path: TREE, fingerprint: fingerprintOf(installed), entries: installed.length };
  return { swap, sandboxDir: opts.sandboxDir, installed };
}

/**
 * After the tests passed: moves the sandbox's tree — the one they ran on — into
 * `<txnDir>/tree/after`, or says why it may not be kept (null: moved). Files the tests added (a
 * cache) are removed first, never carried into the agent; a test that wrote into, renamed or
 * removed an installed file or folder changed its inode's ctime or its place, and then the tree is
 * not the one the actions installed: nothing is kept.
 */
export async function stageTreeSwap(planned: PlannedSwap, txnDir: string): Promise<string | null> {
  const sandboxTree = path.join(planned.sandboxDir, TREE);
  const now = await listTree(sandboxTree, TREE);
  const installed = new Map(planned.installed.map((entry) => [entry.rel, identity(entry)]));
  const added: string[] = [];
  let kept = 0;
  let touched = false;
  for (const entry of now) {
    const was = installed.get(entry.rel);
    if (was === undefined) {
      // Listed depth first: what is inside an added folder comes right after it.
      const last = added.at(-1);
      if (last === undefined || !entry.rel.startsWith(`${last}/`)) added.push(entry.rel);
    } else if (was === identity(entry)) kept += 1;
    else touched = true;
  }
  if (touched || kept !== installed.size)
    return `the tests changed files installed in ${TREE} (written in place, renamed or removed), so the tree they ran on is not the one the actions installed; nothing was kept`;
  for (const rel of added) await fs.rm(path.join(planned.sandboxDir, rel), { recursive: true, force: true });
  const { after } = swapDirs(txnDir);
  await fs.mkdir(path.dirname(after), { recursive: true });
  await fs.rename(sandboxTree, after);
  fsyncDir(path.dirname(after));
  return null;
}

/**
 * What must not move while the tests run: a file's or symlink's inode, ctime, size, mtime, mode
 * and target; a folder's inode and mode (its own ctime moves when the tests add a file in it).
 */
function identity({ stats, target }: Listed): string {
  const dir = stats.isDirectory();
  const kind = target !== undefined ? 'l' : dir ? 'd' : 'f';
  const times = dir ? '' : `${stats.size}\0${stats.mtimeMs}\0${stats.ctimeMs}`;
  return `${kind}\0${stats.ino}\0${permissions(stats.mode)}\0${times}\0${target ?? ''}`;
}

/**
 * The sandbox's tree as it stands (null: none), to tell afterwards whether the actions touched it.
 * Inodes and ctimes, not mtimes: npm gives extracted files the tarball's fixed mtime, and a new
 * version's package.json may have the old one's size; every write or new file moves the ctime.
 */
export async function markTree(sandboxDir: string): Promise<string | null> {
  const tree = path.join(sandboxDir, TREE);
  if (!(await lstatOrNull(tree))?.isDirectory()) return null;
  return fingerprintOf(await listTree(tree, TREE), { ctime: true });
}

/**
 * Two marks of a sandbox from one walk: `folder`, of everything in it (with ctimes: any write,
 * chmod, rename, new or removed entry moves it), and `tree`, markTree()'s.
 */
export async function markSandbox(sandboxDir: string): Promise<{ folder: string; tree: string | null }> {
  const listing = await listTree(sandboxDir, '');
  const top = listing.find((entry) => entry.rel === TREE);
  const inTree = listing.filter((entry) => entry.rel.startsWith(`${TREE}/`));
  return {
    folder: fingerprintOf(listing, { ctime: true }),
    tree: top?.stats.isDirectory() ? fingerprintOf(inTree, { ctime: true }) : null,
  };
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
  return fingerprintOf(await listTree(agentTree, TREE)) === swap.fingerprint
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

/**
 * True when the agent's tree at `root` is the one the manifest recorded under `node_modules/`: the
 * same paths, the very inodes, untouched since (size, mtime, ctime; symlink targets; dir modes).
 */
async function sameAsManifest(root: string, manifest: TreeManifest): Promise<boolean> {
  const listing = await listTree(root, TREE);
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
