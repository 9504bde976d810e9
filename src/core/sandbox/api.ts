import fs from 'node:fs';
import path from 'node:path';
import fse from 'fs-extra';
import type { Journal } from './journal.js';

/**
 * What the optimizer asks of the sandbox: create a copy of the agent folder (createSandbox), capture
 * what changed in it (captureChanges), keep that change in the agent folder as a journaled
 * transaction (applyChanges), roll a kept transaction back (rollbackChanges), and recover what a
 * crash left behind (recoverSandboxes, removeAbandonedStaging). The modules behind it (journal,
 * blobs, tree operations) are the sandbox's own.
 */
export { createSandbox, type Sandbox } from './sandbox.js';
export { captureChanges, type Change } from './changes.js';
export type { TreeManifest } from './manifest.js';
export {
  applyChanges,
  changedPaths,
  driftFrom,
  readJournal,
  rollbackChanges,
  type Journal,
} from './transaction.js';
export {
  markSandbox,
  markTree,
  planTreeSwap,
  stageTreeSwap,
  swapDrift,
  TREE,
  type PlannedSwap,
  type TreeSwap,
} from './tree-swap.js';

export interface SandboxRoots {
  /** `<dataDir>/optimization/transactions` */
  transactions: string;
  /** `<dataDir>/sandboxes` */
  sandboxes: string;
}

/**
 * Finishes or undoes an apply that a crash interrupted (`onCompleted` hears of each one finished),
 * and removes sandboxes whose process is gone. Cheap when there is nothing: the transaction code
 * is loaded only when there are transactions.
 */
export async function recoverSandboxes(
  roots: SandboxRoots,
  onCompleted: (journal: Journal) => Promise<void>,
): Promise<void> {
  if (fs.existsSync(roots.transactions)) {
    const { recoverTransactions } = await import('./transaction.js');
    await recoverTransactions(roots.transactions, { onCompleted });
  }
  if (fs.existsSync(roots.sandboxes)) {
    const { cleanStaleSandboxes } = await import('./sandbox.js');
    await cleanStaleSandboxes(roots.sandboxes);
  }
}

/** Staging older than this without a journal belongs to a run that died during its tests. */
const STAGING_STALE_MS = 24 * 3_600_000;

/**
 * A trial stages its captured change before the tests run; the journal comes only when the change
 * is kept. A run killed in between leaves staging that no journal points to: nothing reads it, so
 * it goes once it is old enough that no live run (bounded by testTimeoutMs) can still own it.
 */
export function removeAbandonedStaging(root: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch {
    return;
  }
  const now = Date.now();
  for (const name of names) {
    if (!name.startsWith('txn_') || name.endsWith('.inflight')) continue;
    const dir = path.join(root, name);
    try {
      const stat = fs.lstatSync(dir);
      if (!stat.isDirectory() || now - stat.mtimeMs < STAGING_STALE_MS) continue;
      if (fs.existsSync(path.join(dir, 'journal.json'))) continue;
      fse.removeSync(dir);
    } catch {
      // Another command removed it first.
    }
  }
}
