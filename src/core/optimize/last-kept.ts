import { notFound } from '../errors.js';
import type { OptimizationResult } from '../model/optimization.js';
import type { Stores } from '../store/stores.js';

/**
 * `kv1nt rollback --last <agent>`: the agent's most recent result that still has a change in its
 * folder — not rolled back, and with an applied action the closed loop did not revert.
 */
export async function lastKeptResultId(stores: Stores, agentId: string): Promise<string> {
  const doc = await stores.optimization.read();
  const kept = doc.optimizationResults
    .filter((row) => row.agentId === agentId && !row.rolledBackAt && keepsAChange(row))
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.id.localeCompare(a.id));
  if (kept.length === 0)
    throw notFound(
      'RESULT_NOT_FOUND',
      `Agent ${agentId} has no kept optimization result to roll back: none of its results has a change still in its folder.`,
      [`kv1nt history ${agentId} lists its results and what became of them.`],
    );
  return kept[0]!.id;
}

function keepsAChange(result: OptimizationResult): boolean {
  return result.actions.some((a) => a.status === 'applied' && a.transactionId && !a.revertedAt);
}
