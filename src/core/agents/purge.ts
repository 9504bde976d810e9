import type { Stores } from '../store/stores.js';

/**
 * Deletes an agent's history. The aggregates are reset first (under their lock, which also keeps
 * readers from folding a half-rewritten log), then the log is rewritten: a crash at any point
 * leaves aggregates that a full re-fold rebuilds correctly. Returns the number of log entries
 * removed.
 */
export async function purgeAgentHistory(stores: Stores, id: string): Promise<number> {
  let removed = 0;
  await stores.aggregates.locked(async (db) => {
    Object.assign(db.data, stores.aggregates.defaults());
    await db.write();
    removed = await stores.log.rewrite((record) => (record as { agentId?: unknown }).agentId !== id);
  });
  await stores.feedback.update((doc) => {
    doc.patterns = doc.patterns.filter((row) => row.agentId !== id);
    doc.learningEvents = doc.learningEvents.filter((row) => row.agentId !== id);
  });
  await stores.optimization.update((doc) => {
    const others = <T extends { agentId: string }>(rows: T[]): T[] =>
      rows.filter((row) => row.agentId !== id);
    doc.performanceMetrics = others(doc.performanceMetrics);
    doc.opportunities = others(doc.opportunities);
    doc.optimizationPlans = others(doc.optimizationPlans);
    doc.optimizationResults = others(doc.optimizationResults);
    doc.healthHistory = others(doc.healthHistory);
    doc.verifications = others(doc.verifications);
  });
  return removed;
}
