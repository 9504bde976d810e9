import { constants, type Stats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kv1ntError } from '../errors.js';
import { transactionError, hasErrno } from '../errors.js';
import { fsyncDir } from '../store/atomic-file.js';
import { copyPreservingHoles, isSparse } from './sparse-copy.js';
import { blobPath } from './blobs.js';
import { agentPath, type Change, type NodeState } from './changes.js';
import { mapConcurrent } from './pool.js';

/**
 * The per-path operations of a transaction and the checks that guard them. Every operation is
 * idempotent — redoing it on a tree where it already happened, or half happened, ends in the same
 * state — which is what lets recovery simply redo the whole change set.
 */

export async function lstatOrNull(file: string): Promise<Stats | null> {
  try {
    return await fs.lstat(file);
  } catch (error) {
    if (hasErrno(error, 'ENOENT', 'ENOTDIR')) return null;
    throw error;
  }
}

/** Paths the changes will make into dirs (so they may be missing, or not be dirs yet). */
function dirsToBe(changes: Change[]): Set<string> {
  return new Set(changes.filter((c) => c.after?.kind === 'dir').map((c) => c.path));
}

/**
 * Never write through a symlink: every parent of a changed path must be a real dir, or one the
 * change set itself creates. Returns `[path, reason]` for each offender.
 */
export async function unsafeParents(agentDir: string, changes: Change[]): Promise<Array<[string, string]>> {
  const created = dirsToBe(changes);
  const verdicts = new Map<string, string | null>();
  const problems: Array<[string, string]> = [];
  for (const change of changes) {
    const parts = change.path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/');
      if (!verdicts.has(parent)) {
        // A parent the change set turns into a dir is checked as a change of its own, and made
        // (unlink, mkdir — never followed) before anything is written into it.
        const stats = created.has(parent) ? null : await lstatOrNull(agentPath(agentDir, parent));
        let verdict: string | null = null;
        if (stats?.isSymbolicLink()) verdict = `${parent} is a symlink; refusing to write through it`;
        else if (!created.has(parent) && !stats?.isDirectory()) verdict = `${parent} is not a directory`;
        verdicts.set(parent, verdict);
      }
      const verdict = verdicts.get(parent);
      if (verdict) {
        problems.push([change.path, verdict]);
        break;
      }
    }
  }
  return problems;
}

/**
 * A dir the changes remove or replace must hold nothing but what the changes remove first
 * (someone added a file there? then rmdir would fail half-way — refuse up front instead).
 */
export async function blockedDirRemovals(
  agentDir: string,
  changes: Change[],
): Promise<Array<[string, string]>> {
  const removed = new Set(
    changes.filter((c) => c.after === null || c.after.kind !== 'dir').map((c) => c.path),
  );
  const problems: Array<[string, string]> = [];
  for (const change of changes) {
    if (change.after?.kind === 'dir') continue;
    const stats = await lstatOrNull(agentPath(agentDir, change.path));
    if (!stats?.isDirectory()) continue;
    const extra = (await fs.readdir(agentPath(agentDir, change.path)))
      .map((name) => `${change.path}/${name}`)
      .filter((rel) => !removed.has(rel));
    if (extra.length > 0) {
      problems.push([
        change.path,
        `${change.path} holds ${extra.join(', ')}, which the change set does not remove`,
      ]);
    }
  }
  return problems;
}

/**
 * Every parent must be a real dir (never write through a symlink). Returns false when one is
 * missing — fine for a removal being redone after its dir went, an error for anything else.
 */
async function parentsAreRealDirs(agentDir: string, rel: string): Promise<boolean> {
  const parts = rel.split('/');
  for (let i = 1; i < parts.length; i++) {
    const parent = parts.slice(0, i).join('/');
    const stats = await lstatOrNull(agentPath(agentDir, parent));
    if (stats === null) return false;
    if (!stats.isDirectory()) {
      throw transactionError(
        'TXN_UNSAFE_PATH',
        `${parent} in ${agentDir} is not a real directory; refusing to write ${rel}.`,
      );
    }
  }
  return true;
}

/** The temp name of change `index` of a run: fixed, so a redo finds and replaces a leftover. */
function tempPathFor(abs: string, tag: string, index: number): string {
  return path.join(path.dirname(abs), `.kv1nt-${tag}-${index}.tmp`);
}

/**
 * Removals and dirs: makes `rel` be `target` (null = absent) in place. Contents (files, symlinks)
 * go through prepareContent + commitContent instead.
 */
async function writeStructure(agentDir: string, rel: string, target: NodeState | null): Promise<void> {
  const abs = agentPath(agentDir, rel);
  if (!(await parentsAreRealDirs(agentDir, rel))) {
    if (target === null) return; // its dir was removed already: a redo of a removal
    throw missingParent(agentDir, rel);
  }
  const current = await lstatOrNull(abs);
  if (target === null) {
    if (current?.isDirectory()) await fs.rmdir(abs);
    else if (current) await fs.unlink(abs);
    return;
  }
  if (target.kind !== 'dir') throw new Error(`writeStructure got content for ${rel}`);
  if (!current?.isDirectory()) {
    if (current) await fs.unlink(abs);
    await fs.mkdir(abs, { mode: target.mode });
  }
  await fs.chmod(abs, target.mode); // mkdir's mode went through the umask
}

/** The new file or symlink, whole and fsynced, under its temp name next to `rel`. */
async function prepareContent(
  txnDir: string,
  agentDir: string,
  rel: string,
  target: NodeState,
  temp: string,
): Promise<void> {
  if (!(await parentsAreRealDirs(agentDir, rel))) throw missingParent(agentDir, rel);
  await fs.rm(temp, { force: true });
  if (target.kind === 'file') {
    // A staged blob of a sparse file is sparse: copied hole by hole, the applied file stays so.
    const blob = blobPath(txnDir, target.hash);
    if (isSparse(await fs.stat(blob))) await copyPreservingHoles(blob, temp, 0o600);
    else await fs.copyFile(blob, temp, constants.COPYFILE_EXCL);
    const handle = await fs.open(temp, constants.O_RDWR | constants.O_NOFOLLOW);
    try {
      await handle.chmod(target.mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
  } else if (target.kind === 'symlink') {
    await fs.symlink(target.target, temp);
  }
}

/** The atomic step: rename replaces a file or a symlink (never following it); a dir was emptied before. */
async function commitContent(agentDir: string, rel: string, temp: string): Promise<void> {
  if (!(await parentsAreRealDirs(agentDir, rel))) throw missingParent(agentDir, rel);
  const abs = agentPath(agentDir, rel);
  if ((await lstatOrNull(abs))?.isDirectory()) await fs.rmdir(abs);
  await fs.rename(temp, abs);
}

function missingParent(agentDir: string, rel: string): Kv1ntError {
  return transactionError('TXN_MISSING_PARENT', `The folder of ${rel} is missing in ${agentDir}.`);
}

const isContent = (state: NodeState | null): state is Exclude<NodeState, { kind: 'dir' }> =>
  state !== null && state.kind !== 'dir';

/** Test-only hook: a pause after each path, so a test can SIGKILL a run in the middle of it. */
function delayPerPathMs(): number {
  const value = Number(process.env.KV1NT_TEST_APPLY_DELAY_MS ?? 0);
  return Number.isFinite(value) && value > 0 ? value : 0;
}

const BATCH = 64;
const PARALLEL_FSYNCS = 16;

/**
 * Makes every `change.path` be `change.after`, in order, then fsyncs every folder touched so the
 * renames are durable before the journal says the run is done. `tag` names the temp files.
 *
 * By batches: removals and dirs in order first (later paths of the batch may live in those dirs),
 * then the batch's new contents are written and fsynced side by side, then renamed in order.
 */
export async function runChanges(
  txnDir: string,
  agentDir: string,
  changes: Change[],
  tag: string,
): Promise<void> {
  const delay = delayPerPathMs();
  const touched = new Set<string>();
  const done = async (change: Change): Promise<void> => {
    const abs = agentPath(agentDir, change.path);
    touched.add(path.dirname(abs));
    if (change.after?.kind === 'dir') touched.add(abs);
    if (delay) await sleep(delay);
  };
  for (let start = 0; start < changes.length; start += BATCH) {
    const batch = changes.slice(start, start + BATCH).map((change, k) => ({ change, index: start + k }));
    for (const { change } of batch) {
      if (isContent(change.after)) continue;
      await writeStructure(agentDir, change.path, change.after);
      await done(change);
    }
    const contents = batch
      .filter(({ change }) => isContent(change.after))
      .map(({ change, index }) => ({
        change,
        temp: tempPathFor(agentPath(agentDir, change.path), tag, index),
      }));
    await mapConcurrent(contents, PARALLEL_FSYNCS, ({ change, temp }) =>
      prepareContent(txnDir, agentDir, change.path, change.after!, temp),
    );
    for (const { change, temp } of contents) {
      await commitContent(agentDir, change.path, temp);
      await done(change);
    }
  }
  for (const dir of touched) {
    if ((await lstatOrNull(dir))?.isDirectory()) fsyncDir(dir);
  }
}
