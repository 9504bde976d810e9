import path from 'node:path';
import { invalidInput } from '../errors.js';
import type { Stores } from '../store/stores.js';
import type { OptimizationResult } from './optimize.js';
import { isAlive } from '../process-alive.js';

export interface RollbackReport {
  resultId: string;
  agentId: string;
  status: 'rolled_back' | 'refused';
  /** Why it was refused (files changed since, already rolled back, nothing applied). */
  reasons: string[];
  restored: string[];
  rolledBackAt: string | null;
}

/**
 * `kv1nt rollback <resultId>`: undoes every change the result kept, newest first, each through
 * the journal (so a crash mid-way is finished by the next command). Refuses when a file was
 * changed after the optimization, unless forced, so a later edit is never lost by accident.
 */
export async function rollbackResult(
  stores: Stores,
  resultId: string,
  options: { force: boolean; now: () => Date },
): Promise<RollbackReport> {
  const result = await findResult(stores, resultId);
  const refuse = (reasons: string[]): RollbackReport => ({
    resultId,
    agentId: result.agentId,
    status: 'refused',
    reasons,
    restored: [],
    rolledBackAt: result.rolledBackAt,
  });
  if (result.rolledBackAt)
    return refuse([`result ${resultId} was already rolled back at ${result.rolledBackAt}`]);
  const transactions = [
    ...new Set(
      result.actions.filter((a) => a.status === 'applied' && a.transactionId).map((a) => a.transactionId!),
    ),
  ];
  if (transactions.length === 0) return refuse([`result ${resultId} (${result.status}) applied no change`]);
  const { lockAgent } = await import('./optimize.js');
  const lock = await lockAgent(stores, result.agentId);
  try {
    return await undo(stores, result, transactions, options, refuse);
  } finally {
    lock.release();
  }
}

async function undo(
  stores: Stores,
  result: OptimizationResult,
  transactions: string[],
  options: { force: boolean; now: () => Date },
  refuse: (reasons: string[]) => RollbackReport,
): Promise<RollbackReport> {
  const resultId = result.id;
  const { rollbackChanges, checkRollback } = await import('./transaction.js');
  const root = stores.dataDir.path('optimization', 'transactions');
  const dirs = transactions.reverse().map((id) => path.join(root, id));
  if (!options.force) {
    const reasons = (await Promise.all(dirs.map((txnDir) => checkRollback({ txnDir })))).flat();
    if (reasons.length > 0) return refuse(reasons);
  }
  const restored: string[] = [];
  for (const txnDir of dirs) {
    const outcome = await rollbackChanges({ txnDir, force: options.force });
    if (outcome.status === 'refused') return { ...refuse(outcome.reasons), restored };
    restored.push(...outcome.restored);
  }
  const rolledBackAt = options.now().toISOString();
  const learningIds = new Set(
    result.actions.flatMap((a) => (a.status === 'applied' ? (a.learningIds ?? []) : [])),
  );
  await stores.optimization.update((doc) => {
    const row = doc.optimizationResults.find((r) => r.id === resultId);
    if (row) row.rolledBackAt = rolledBackAt;
  });
  if (learningIds.size > 0)
    await stores.feedback.update((doc) => {
      // The learnings are out of the agent's file again: no longer absorbed.
      for (const row of doc.learningEvents) if (learningIds.has(row.id)) row.absorbedAt = null;
    });
  return { resultId, agentId: result.agentId, status: 'rolled_back', reasons: [], restored, rolledBackAt };
}

async function findResult(stores: Stores, resultId: string): Promise<OptimizationResult> {
  const doc = await stores.optimization.read();
  const row = doc.optimizationResults.find((r) => r.id === resultId) as OptimizationResult | undefined;
  if (!row)
    throw Object.assign(
      invalidInput(`No optimization result ${resultId}.`, [
        'kv1nt history <agent> lists the results of an agent.',
      ]),
      { code: 'RESULT_NOT_FOUND' },
    );
  return row;
}

/** `kv1nt history <agent>`: newest first; a run whose process died is shown as interrupted. */
export async function optimizationHistory(
  stores: Stores,
  agentId: string,
  limit: number,
): Promise<OptimizationResult[]> {
  const doc = await stores.optimization.read();
  return (doc.optimizationResults as unknown as OptimizationResult[])
    .filter((row) => row.agentId === agentId)
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.id.localeCompare(a.id))
    .slice(0, limit)
    .map((row) => (row.status === 'running' && !isAlive(row.pid) ? { ...row, status: 'interrupted' } : row));
}
