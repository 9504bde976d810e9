import path from 'node:path';
import { notFound } from '../errors.js';
import type { Stores } from '../store/stores.js';
import type { OptimizationResult } from './optimize.js';
import { isAlive } from '../process-alive.js';
import { closeRolledBack } from '../verify/engine.js';
import { lockAgent } from './agent-lock.js';
import type { Change, Journal } from '../sandbox/api.js';

export interface RollbackReport {
  resultId: string;
  agentId: string;
  status: 'rolled_back' | 'refused';
  /** Why it was refused (files changed since, already rolled back, nothing applied). */
  reasons: string[];
  /** Whether --force would restore anyway (only for files edited since the optimization). */
  forceHelps: boolean;
  /** Newer kept results that changed the same files: roll those back first. */
  blockedBy: string[];
  restored: string[];
  rolledBackAt: string | null;
}

/**
 * `kv1nt rollback <resultId>`: undoes the result as a unit — every change it kept and the closed
 * loop did not revert, newest first, each through its journal (so a crash mid-way is finished by
 * the next command). "Changed since" is judged against the result's final state, so two kept
 * actions on the same file (two upgrades rewriting package.json) roll back without --force.
 * Refused, naming it, when a newer kept result changed the same files (roll that back first;
 * --force cannot help); refused when a file was edited after the optimization, unless forced, so
 * a later edit is never lost by accident.
 */
export async function rollbackResult(
  stores: Stores,
  resultId: string,
  options: { force: boolean; now: () => Date },
): Promise<RollbackReport> {
  const result = await findResult(stores, resultId);
  const refuse = (reasons: string[], extra: Partial<RollbackReport> = {}): RollbackReport => ({
    resultId,
    agentId: result.agentId,
    status: 'refused',
    reasons,
    forceHelps: false,
    blockedBy: [],
    restored: [],
    rolledBackAt: result.rolledBackAt,
    ...extra,
  });
  if (result.rolledBackAt)
    return refuse([`result ${resultId} was already rolled back at ${result.rolledBackAt}`]);
  const transactions = keptTransactions(result);
  if (transactions.length === 0)
    return refuse([
      result.actions.some((a) => a.status === 'applied')
        ? `every change of result ${resultId} was already reverted by the closed loop`
        : `result ${resultId} (${result.status}) applied no change`,
    ]);
  const lock = await lockAgent(stores, result.agentId);
  try {
    return await undo(stores, result, transactions, options, refuse);
  } finally {
    lock.release();
  }
}

/** The result's transactions still in the agent folder, in the order they were applied. */
function keptTransactions(result: OptimizationResult): string[] {
  return [
    ...new Set(
      result.actions
        .filter((a) => a.status === 'applied' && a.transactionId && !a.revertedAt)
        .map((a) => a.transactionId!),
    ),
  ];
}

async function undo(
  stores: Stores,
  result: OptimizationResult,
  transactions: string[],
  options: { force: boolean; now: () => Date },
  refuse: (reasons: string[], extra?: Partial<RollbackReport>) => RollbackReport,
): Promise<RollbackReport> {
  const { rollbackChanges, readJournal, driftFrom, swapDrift, changedPaths } =
    await import('../sandbox/api.js');
  const root = stores.dataDir.path('optimization', 'transactions');
  const journals = (await Promise.all(transactions.map((id) => readJournal(path.join(root, id))))).filter(
    (j): j is Journal => j !== undefined && j.state === 'applied',
  );
  if (journals.length === 0) return refuse([`the journals of result ${result.id} hold no applied change`]);
  const paths = new Set(journals.flatMap((j) => changedPaths(j.changes, j.swap)));
  const newer = await newerResultsTouching(stores, result, paths);
  if (newer.length > 0)
    return refuse(
      newer.map(
        ({ id, path: touched }) =>
          `${touched} was changed again by the newer result ${id}: roll back ${id} first`,
      ),
      { blockedBy: newer.map((n) => n.id) },
    );
  if (!options.force) {
    const reasons = await driftFrom(journals[0]!.agentDir, finalStates(journals));
    // The installed tree is the one the last swap put in place.
    const swapped = journals.findLast((j) => j.swap)?.swap;
    const tree = swapped ? await swapDrift(journals[0]!.agentDir, swapped) : null;
    if (tree) reasons.push(tree);
    if (reasons.length > 0) return refuse(reasons, { forceHelps: true });
  }
  const restored = new Set<string>();
  for (const journal of [...journals].reverse()) {
    const outcome = await rollbackChanges({ txnDir: path.join(root, journal.id), force: options.force });
    if (outcome.status === 'refused') return { ...refuse(outcome.reasons), restored: [...restored] };
    for (const rel of outcome.restored) restored.add(rel);
  }
  const rolledBackAt = options.now().toISOString();
  const learningIds = new Set(
    result.actions.flatMap((a) => (a.status === 'applied' && !a.revertedAt ? (a.learningIds ?? []) : [])),
  );
  const logEnd = stores.log.endPosition();
  await stores.optimization.update((doc) => {
    const row = doc.optimizationResults.find((r) => r.id === result.id);
    if (row) row.rolledBackAt = rolledBackAt;
    closeRolledBack(doc, result.id, rolledBackAt, logEnd);
  });
  if (learningIds.size > 0)
    await stores.feedback.update((doc) => {
      // The learnings are out of the agent's file again: no longer absorbed.
      for (const row of doc.learningEvents) if (learningIds.has(row.id)) row.absorbedAt = null;
    });
  return {
    resultId: result.id,
    agentId: result.agentId,
    status: 'rolled_back',
    reasons: [],
    forceHelps: false,
    blockedBy: [],
    restored: [...restored].sort(),
    rolledBackAt,
  };
}

/** Each path once, with the `after` of the last transaction that wrote it: the result's final state. */
function finalStates(journals: readonly Journal[]): Change[] {
  const last = new Map<string, Change>();
  for (const journal of journals) for (const change of journal.changes) last.set(change.path, change);
  return [...last.values()];
}

/** Kept results of the same agent, newer than `result`, whose changes touch one of `paths`. */
async function newerResultsTouching(
  stores: Stores,
  result: OptimizationResult,
  paths: ReadonlySet<string>,
): Promise<Array<{ id: string; path: string }>> {
  const { readJournal, changedPaths } = await import('../sandbox/api.js');
  const root = stores.dataDir.path('optimization', 'transactions');
  const doc = await stores.optimization.read();
  const found: Array<{ id: string; path: string }> = [];
  for (const row of doc.optimizationResults) {
    if (row.id === result.id || row.agentId !== result.agentId || row.rolledBackAt) continue;
    if (row.startedAt < result.startedAt || (row.startedAt === result.startedAt && row.id < result.id))
      continue;
    for (const id of keptTransactions(row)) {
      const journal = await readJournal(path.join(root, id));
      const hit =
        journal?.state === 'applied'
          ? changedPaths(journal.changes, journal.swap).find((rel) => paths.has(rel))
          : undefined;
      if (hit) {
        found.push({ id: row.id, path: hit });
        break;
      }
    }
  }
  return found;
}

async function findResult(stores: Stores, resultId: string): Promise<OptimizationResult> {
  const doc = await stores.optimization.read();
  const row = doc.optimizationResults.find((r) => r.id === resultId);
  if (!row)
    throw notFound('RESULT_NOT_FOUND', `No optimization result ${resultId}.`, [
      'kv1nt history <agent> lists the results of an agent.',
    ]);
  return row;
}

/** `kv1nt history <agent>`: newest first; a run whose process died is shown as interrupted. */
export async function optimizationHistory(
  stores: Stores,
  agentId: string,
  limit: number,
): Promise<OptimizationResult[]> {
  const doc = await stores.optimization.read();
  return doc.optimizationResults
    .filter((row) => row.agentId === agentId)
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.id.localeCompare(a.id))
    .slice(0, limit)
    .map(shownStatus);
}

/** `kv1nt history <resultId>`: one result, as history shows it. */
export async function optimizationResult(stores: Stores, resultId: string): Promise<OptimizationResult> {
  return shownStatus(await findResult(stores, resultId));
}

function shownStatus(row: OptimizationResult): OptimizationResult {
  return row.status === 'running' && !isAlive(row.pid) ? { ...row, status: 'interrupted' } : row;
}
