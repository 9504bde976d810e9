import path from 'node:path';
import { lockAgent } from '../optimize/agent-lock.js';
import type { LogPosition } from '../store/feedback-log.js';
import type { Stores } from '../store/stores.js';
import type { Verification } from './types.js';

export type RevertOutcome = { revertedAt: string; logEnd: LogPosition } | { error: string } | { busy: true };

/**
 * Rolls back the transactions of regressed changes through their journals, newest first (so a
 * later change to the same file is undone before an earlier one is checked). A transaction whose
 * files were edited since is left alone, with the reason: the closed loop never overwrites a
 * person's edit. While another kv1nt process holds the agent (an optimize in flight), the revert
 * waits for the next decision (`busy`).
 */
export async function revertRegressed(
  stores: Stores,
  regressed: readonly Verification[],
  now: Date,
  warnings: Array<{ plugin: string; error: string }>,
): Promise<Map<string, RevertOutcome>> {
  const outcomes = new Map<string, RevertOutcome>();
  const byAgent = new Map<string, Verification[]>();
  for (const v of regressed) byAgent.set(v.agentId, [...(byAgent.get(v.agentId) ?? []), v]);
  const { rollbackChanges } = await import('../sandbox/api.js');
  const { recoverInterrupted } = await import('../optimize/recovery.js');
  const root = stores.dataDir.path('optimization', 'transactions');
  for (const [agentId, list] of byAgent) {
    let lock;
    try {
      lock = await lockAgent(stores, agentId);
    } catch {
      for (const v of list) outcomes.set(v.transactionId, { busy: true });
      continue;
    }
    try {
      await recoverInterrupted(stores);
      const newestFirst = [
        ...new Set(
          [...list].sort((a, b) => b.appliedAt.localeCompare(a.appliedAt)).map((v) => v.transactionId),
        ),
      ];
      for (const transactionId of newestFirst) {
        const outcome = await rollbackChanges({ txnDir: path.join(root, transactionId), force: false });
        if (outcome.status === 'rolled_back') {
          outcomes.set(transactionId, { revertedAt: now.toISOString(), logEnd: stores.log.endPosition() });
        } else {
          outcomes.set(transactionId, { error: outcome.reasons.join('; ') });
          warnings.push({
            plugin: 'kv1nt',
            error: `could not revert regressed change ${transactionId} of ${agentId}: ${outcome.reasons.join('; ')}`,
          });
        }
      }
    } finally {
      lock.release();
    }
  }
  await unabsorbLearnings(stores, outcomes);
  return outcomes;
}

/** Learnings written by a reverted change are out of the agent's file again. */
async function unabsorbLearnings(
  stores: Stores,
  outcomes: ReadonlyMap<string, RevertOutcome>,
): Promise<void> {
  const reverted = new Set([...outcomes].filter(([, o]) => 'revertedAt' in o).map(([id]) => id));
  if (reverted.size === 0) return;
  const doc = await stores.optimization.read();
  const ids = new Set<string>();
  for (const row of doc.optimizationResults)
    for (const action of row.actions ?? [])
      if (action.transactionId && reverted.has(action.transactionId))
        for (const id of action.learningIds ?? []) ids.add(id);
  if (ids.size === 0) return;
  await stores.feedback.update((feedback) => {
    for (const row of feedback.learningEvents) if (ids.has(row.id)) row.absorbedAt = null;
  });
}
