/**
 * Writing an optimization into the agent folder, crash-safe, and taking it back.
 *
 * Design
 * ------
 * The optimizer copies the agent folder into a sandbox (recording a manifest of the source: size,
 * mtime, ctime, inode, mode per path), runs the actions there, and right after them — before the
 * tests, so build output and caches written by the test run are not carried over — captures the
 * change set (changes.ts): one entry per path with its `before` and `after` state. Every content the
 * transaction may need is staged then as a content-addressed blob in the transaction folder:
 *
 *   <root>/<txnId>/journal.json       state, agent folder, change list, caller's meta
 *   <root>/<txnId>/blobs/<sha256>     new contents, and backups of the contents they replace
 *   <root>/<txnId>.inflight           present while the agent folder may be half-changed
 *
 * Apply: (1) every path is checked against the manifest by lstat (size, mtime, ctime, inode for
 * files; target and inode for symlinks; absence for added paths) and every parent must be a real
 * dir, never a symlink. Any mismatch is a conflict: nothing is written, the user's edit stays.
 * (2) journal `prepared`, then the in-flight marker, then — every blob present and fsynced —
 * journal `applying`. (3) each change in order (removals deepest first, then writes shallowest
 * first): a file is copied from its blob to a temp sibling, chmod, fsync, renamed over the path;
 * a symlink is made under a temp name and renamed; dirs are made/chmod/removed. (Temp files of
 * a batch are written and fsynced side by side — fsync latency dominates — and renamed in order.)
 * (4) the touched folders are fsynced, journal `applied`, marker removed. Blobs stay for rollback.
 *
 * Rollback: the agent's current state of every changed path must equal its `after` (content hash
 * and mode, symlink target, absence), else refused with the reasons unless forced; then the
 * inverse change set runs through the same machinery: journal `rolling_back` → `rolled_back`.
 *
 * Recovery (`recoverTransactions`, one readdir of the root when nothing is in flight): for each
 * marker whose owner process is gone — `prepared`: nothing was written, the journal becomes
 * `abandoned`; `applying` / `rolling_back`: redo the whole (inverse) change set.
 *
 * A record kept elsewhere of what was applied (the optimization result row) never misses a
 * transaction: the caller's `onCommitted` runs once the journal says `applied` and before the
 * marker goes, and recovery calls its `onCompleted` for every transaction it leaves `applied`
 * — so a kill at any moment ends, once recovered, with that record written. Each per-path
 * operation is idempotent and uses a fixed temp name per change, so a redo over a half-applied
 * tree ends exactly in the after state with no temp file left; a kill at any moment therefore
 * leaves the folder, once recovered, byte for byte all-before or all-after.
 *
 * Not covered: a user editing the folder *during* an apply (the caller holds the agent's lock),
 * a data dir shared between hosts (markers of another host are left alone), and dirs without
 * owner write permission in the change set when not running as root (their contents can't be
 * written or removed after their mode is set).
 * An installed dependency tree (node_modules) may instead travel as one directory: the journal's
 * `swap`, two renames after the paths, redone or undone the same way (tree-swap.ts).
 *
 * Test-only hook: KV1NT_TEST_APPLY_DELAY_MS pauses after each path (tree-ops.ts) and rename.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { transactionError } from '../errors.js';
import { fsyncDir } from '../store/atomic-file.js';
import { withLock } from '../store/lock.js';
import type { TreeManifest } from './manifest.js';
import { blobsDirOf, hasBlob } from './blobs.js';
import { orderChanges, type Change } from './changes.js';
import {
  createMarker,
  orphanedTransactions,
  readJournal,
  releaseInFlight,
  removeMarker,
  txnIdOf,
  writeJournal,
  type Journal,
} from './journal.js';
import { blockedDirRemovals, lstatOrNull, runChanges, unsafeParents } from './tree-ops.js';
import { runSwap, swapConflict, swapDrift, type TreeSwap } from './tree-swap.js';
import { applyConflicts, driftFrom } from './agent-state.js';

export { driftFrom } from './agent-state.js';

export type { Change, NodeState } from './changes.js';
export { captureChanges } from './changes.js';
export { readJournal, type Journal, type TxnState } from './journal.js';

export interface ApplyOutcome {
  status: 'applied' | 'conflict' | 'no_op';
  conflicts: string[];
  changed: string[];
}

export interface ApplyOptions {
  txnDir: string;
  agentDir: string;
  changes: Change[];
  manifest: TreeManifest;
  meta?: Record<string, unknown>;
  /** Records the applied change elsewhere; runs while the in-flight marker still stands (see above). */
  onCommitted?: () => Promise<void> | void;
  /** The installed tree staged as one directory (stageTreeSwap), swapped in after the paths. */
  swap?: TreeSwap | null;
}

/** What a transaction changed, one line each: its paths, and `node_modules/` for a swapped tree. */
export function changedPaths(changes: readonly Change[], swap: TreeSwap | null | undefined): string[] {
  return [...changes.map((c) => c.path), ...(swap ? [`${swap.path}/`] : [])];
}

/** Writes the change set into agentDir as one journaled transaction. */
export async function applyChanges(opts: ApplyOptions): Promise<ApplyOutcome> {
  const { txnDir } = opts;
  const swap = opts.swap ?? undefined;
  if (opts.changes.length === 0 && !swap) {
    await dropIfEmpty(txnDir);
    return { status: 'no_op', conflicts: [], changed: [] };
  }
  if (await readJournal(txnDir)) {
    throw transactionError(
      'TXN_EXISTS',
      `Transaction ${txnDir} was already used; each apply needs its own folder.`,
    );
  }
  const agentDir = await fs.realpath(opts.agentDir);
  const changes = orderChanges(opts.changes);
  const conflicts = await applyConflicts(agentDir, changes, opts.manifest);
  const treeConflict = swap ? await swapConflict(agentDir, opts.manifest) : null;
  if (treeConflict) conflicts.push(`${swap!.path}/`);
  if (conflicts.length > 0) return { status: 'conflict', conflicts, changed: [] };
  const stored = changes.map(({ path: rel, before, after }) => ({ path: rel, before, after }));
  await assertBlobs(txnDir, stored);

  await fs.mkdir(txnDir, { recursive: true }); // a change set of dirs and symlinks staged nothing
  const now = new Date().toISOString();
  const id = txnIdOf(txnDir);
  let journal = writeJournal(txnDir, {
    version: 1,
    id,
    agentDir,
    state: 'prepared',
    changes: stored,
    meta: opts.meta ?? {},
    createdAt: now,
    updatedAt: now,
    ...(swap ? { swap } : {}),
  });
  createMarker(txnDir);
  try {
    // A change set of dirs and symlinks only has no blob folder.
    if (stored.some((c) => c.before?.kind === 'file' || c.after?.kind === 'file'))
      fsyncDir(blobsDirOf(txnDir));
    journal = writeJournal(txnDir, { ...journal, state: 'applying' });
    await runChanges(txnDir, agentDir, stored, applyTag(id));
    if (swap) await runSwap(txnDir, agentDir, swap, 'apply');
    writeJournal(txnDir, { ...journal, state: 'applied', appliedAt: new Date().toISOString() });
    await opts.onCommitted?.();
    await removeMarker(txnDir);
  } finally {
    releaseInFlight(txnDir); // on an error the marker stays: the next recovery finishes the apply
  }
  return { status: 'applied', conflicts: [], changed: changedPaths(stored, swap) };
}

export interface RollbackOutcome {
  status: 'rolled_back' | 'refused';
  reasons: string[];
  restored: string[];
}

/**
 * Restores every changed path of an applied transaction to its `before` state. Refused when the
 * folder changed since (unless `force`), and always when it can't be done safely (a parent became
 * a symlink, a dir to remove holds new files). When forced, `reasons` lists what was overridden.
 */
export async function rollbackChanges(opts: { txnDir: string; force?: boolean }): Promise<RollbackOutcome> {
  const { txnDir } = opts;
  const refused = (reasons: string[]): RollbackOutcome => ({ status: 'refused', reasons, restored: [] });
  const checked = await checkJournal(txnDir);
  if ('reasons' in checked) return refused(checked.reasons);
  const { journal, blocking, drift } = checked;
  if (blocking.length > 0 || (drift.length > 0 && !opts.force)) return refused([...blocking, ...drift]);
  const inverse = inverseOf(journal.changes);
  await assertBlobs(txnDir, inverse);

  createMarker(txnDir);
  try {
    const rolling = writeJournal(txnDir, { ...journal, state: 'rolling_back', forced: drift.length > 0 });
    await runChanges(txnDir, journal.agentDir, inverse, rollbackTag(journal.id));
    if (journal.swap) await runSwap(txnDir, journal.agentDir, journal.swap, 'rollback');
    writeJournal(txnDir, { ...rolling, state: 'rolled_back', rolledBackAt: new Date().toISOString() });
    await removeMarker(txnDir);
  } finally {
    releaseInFlight(txnDir);
  }
  return { status: 'rolled_back', reasons: drift, restored: changedPaths(inverse, journal.swap) };
}

/**
 * Why a rollback of this transaction would be refused without `force` (empty: it would go
 * through). Lets a caller with several transactions check them all before undoing any.
 */
export async function checkRollback(opts: { txnDir: string }): Promise<string[]> {
  const checked = await checkJournal(opts.txnDir);
  return 'reasons' in checked ? checked.reasons : [...checked.blocking, ...checked.drift];
}

async function checkJournal(
  txnDir: string,
): Promise<{ reasons: string[] } | { journal: Journal; blocking: string[]; drift: string[] }> {
  const journal = await readJournal(txnDir);
  if (!journal) return { reasons: [`no transaction journal in ${txnDir}`] };
  if (journal.state === 'rolled_back') return { reasons: ['already rolled back'] };
  if (journal.state === 'applying' || journal.state === 'rolling_back') {
    return {
      reasons: [`the transaction was interrupted while ${journal.state.replace('_', ' ')}; recover it first`],
    };
  }
  if (journal.state !== 'applied')
    return { reasons: [`the transaction was never applied (${journal.state})`] };
  if (!(await lstatOrNull(journal.agentDir))?.isDirectory()) {
    return { reasons: [`the agent folder ${journal.agentDir} is gone`] };
  }
  const inverse = inverseOf(journal.changes);
  const blocking = [
    ...(await unsafeParents(journal.agentDir, inverse)),
    ...(await blockedDirRemovals(journal.agentDir, inverse)),
  ].map(([, reason]) => reason);
  // Past a symlinked parent even reading is off limits: report the blocking reasons alone.
  const drift = blocking.length > 0 ? [] : await driftSinceApply(journal);
  return { journal, blocking, drift };
}

export interface RecoveredTransaction {
  id: string;
  agentDir: string;
  outcome: 'completed' | 'undone';
}

export interface RecoveryHooks {
  /**
   * Called for each transaction that recovery leaves `applied` (finished, or found applied with
   * its marker still up), before its marker goes: the caller records it (e.g. in the result row
   * its `meta` names). Idempotent: a kill during it makes the next recovery call it again.
   */
  onCompleted?: (journal: Journal) => Promise<void> | void;
}

/** Finishes or undoes every interrupted transaction under root; cheap when there is none (one readdir). */
export async function recoverTransactions(
  root: string,
  hooks: RecoveryHooks = {},
): Promise<RecoveredTransaction[]> {
  if ((await orphanedTransactions(root)).length === 0) return [];
  // Two commands starting at once must not redo the same transaction side by side.
  return withLock(path.join(root, '.recover.lock'), async () => {
    const recovered: RecoveredTransaction[] = [];
    for (const id of await orphanedTransactions(root)) {
      const result = await recoverOne(path.join(root, id), id, hooks);
      if (result) recovered.push(result);
    }
    return recovered;
  });
}

async function recoverOne(
  txnDir: string,
  id: string,
  hooks: RecoveryHooks,
): Promise<RecoveredTransaction | undefined> {
  const journal = await readJournal(txnDir);
  if (!journal) {
    await removeMarker(txnDir); // the marker comes after the first journal write: nothing happened
    return undefined;
  }
  createMarker(txnDir); // ours now: a third process sees a live owner
  try {
    let outcome: RecoveredTransaction['outcome'] = 'completed';
    if (journal.state === 'prepared') {
      writeJournal(txnDir, { ...journal, state: 'abandoned' });
      outcome = 'undone';
    } else if (journal.state === 'applying') {
      await runChanges(txnDir, journal.agentDir, journal.changes, applyTag(id));
      if (journal.swap) await runSwap(txnDir, journal.agentDir, journal.swap, 'apply');
      const applied = writeJournal(txnDir, {
        ...journal,
        state: 'applied',
        appliedAt: new Date().toISOString(),
      });
      await hooks.onCompleted?.(applied);
    } else if (journal.state === 'applied') {
      await hooks.onCompleted?.(journal); // killed after the journal said so, before the marker went
    } else if (journal.state === 'rolling_back') {
      await runChanges(txnDir, journal.agentDir, inverseOf(journal.changes), rollbackTag(id));
      if (journal.swap) await runSwap(txnDir, journal.agentDir, journal.swap, 'rollback');
      writeJournal(txnDir, { ...journal, state: 'rolled_back', rolledBackAt: new Date().toISOString() });
    } else if (journal.state === 'abandoned') {
      outcome = 'undone';
    }
    await removeMarker(txnDir);
    return { id, agentDir: journal.agentDir, outcome };
  } finally {
    releaseInFlight(txnDir);
  }
}

function applyTag(id: string): string {
  return `${id}-a`;
}

function rollbackTag(id: string): string {
  return `${id}-r`;
}

function inverseOf(changes: Change[]): Change[] {
  return orderChanges(changes.map((c) => ({ path: c.path, before: c.after, after: c.before })));
}

/** "README.md changed since the optimization", one per path whose state is no longer `after`. */
async function driftSinceApply(journal: Journal): Promise<string[]> {
  const tree = journal.swap ? await swapDrift(journal.agentDir, journal.swap) : null;
  return [...(await driftFrom(journal.agentDir, journal.changes)), ...(tree ? [tree] : [])];
}

/** Every content a run writes must be staged (and fsynced) before the journal commits to it. */
async function assertBlobs(txnDir: string, changes: Change[]): Promise<void> {
  const missing: string[] = [];
  for (const change of changes) {
    for (const state of [change.before, change.after]) {
      if (state?.kind === 'file' && !(await hasBlob(txnDir, state.hash))) missing.push(change.path);
    }
  }
  if (missing.length > 0) {
    throw transactionError(
      'TXN_BLOB_MISSING',
      `The staged content of ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''} is missing from ${txnDir}; capture the changes again.`,
    );
  }
}

/** A no-op leaves no transaction behind: remove the folder capture may have made, if it is empty. */
async function dropIfEmpty(txnDir: string): Promise<void> {
  for (const dir of [blobsDirOf(txnDir), txnDir]) {
    try {
      await fs.rmdir(dir);
    } catch {
      // not empty or not there: someone else's content, leave it
    }
  }
}
