import type { Journal } from '../sandbox/api.js';
import type { Stores } from '../store/stores.js';
import { emptyResult, type ActionResult } from './results.js';

/**
 * Finishes or undoes an apply that a crash interrupted, and removes sandboxes whose process is
 * gone. Run by every command that touches the optimization store, and cheap when there is nothing.
 */
export async function recoverInterrupted(stores: Stores): Promise<void> {
  const { recoverSandboxes } = await import('../sandbox/api.js');
  await recoverSandboxes(
    {
      transactions: stores.dataDir.path('optimization', 'transactions'),
      sandboxes: stores.dataDir.path('sandboxes'),
    },
    (journal) => recordRecovered(stores, journal),
  );
}

/**
 * Puts kept actions into their result row (replacing earlier states of the same actions); with
 * `interrupted`, a row still `running` becomes `interrupted` (its run is gone).
 */
export async function recordKept(
  stores: Stores,
  resultId: string,
  kept: readonly ActionResult[],
  options: { interrupted?: boolean } = {},
): Promise<void> {
  await stores.optimization.update((doc) => {
    const row = doc.optimizationResults.find((r) => r.id === resultId);
    if (!row) return;
    const ids = new Set(kept.map((a) => a.id));
    const copies = structuredClone(kept);
    row.actions = [...row.actions.filter((a) => !ids.has(a.id)), ...copies];
    if (options.interrupted && row.status === 'running') row.status = 'interrupted';
  });
}

/**
 * Recovery finished (or found finished) a transaction of a run that died: its result row lists the
 * actions it applied — as the run had them when it kept the change (the journal's meta), else
 * rebuilt from the plan — and a row still `running` becomes `interrupted`.
 */
async function recordRecovered(stores: Stores, journal: Journal): Promise<void> {
  const meta = journal.meta as { resultId?: unknown; planId?: unknown; actions?: unknown; kept?: unknown };
  if (typeof meta.resultId !== 'string' || !Array.isArray(meta.actions)) return;
  const doc = await stores.optimization.read();
  const row = doc.optimizationResults.find((r) => r.id === meta.resultId);
  if (!row) return;
  const plan = doc.optimizationPlans.find((p) => p.id === meta.planId);
  const snapshots = Array.isArray(meta.kept) ? (meta.kept as ActionResult[]) : [];
  const kept: ActionResult[] = [];
  for (const id of meta.actions.map(String)) {
    const planned = plan?.actions.find((a) => a.id === id);
    const base =
      row.actions.find((a) => a.id === id) ??
      snapshots.find((a) => a.id === id) ??
      (planned ? emptyResult(planned) : undefined);
    if (base === undefined) continue;
    kept.push({
      ...base,
      status: 'applied',
      // As changedPaths() (not imported: recovery loads the sandbox code only when needed).
      changes: [...journal.changes.map((c) => c.path), ...(journal.swap ? [`${journal.swap.path}/`] : [])],
      transactionId: journal.id,
      ...(journal.appliedAt === undefined || base.appliedAt !== undefined
        ? {}
        : { appliedAt: journal.appliedAt }),
    });
  }
  await recordKept(stores, meta.resultId, kept, { interrupted: true });
}
