/** The agent registry (agents.json): agents added with `kv1nt agents add`. */

/**
 * Every store of the data dir, in one place:
 *
 *   agents.json                    the agent registry (`kv1nt agents add`)
 *   feedback/log/NNNNNN.jsonl      feedback_entries (append-only segments)
 *   feedback/aggregates.json       score_aggregates (derived from the log; rebuildable)
 *   feedback/store.json            patterns, learning_events
 *   optimization/store.json        performance_metrics, opportunities, optimization_plans,
 *                                  optimization_results, health_history, verifications
 */
export interface RegisteredAgent {
  path: string;
  test: string;
  slaMs?: number;
  testTimeoutMs?: number;
  learningsFile?: string;
  addedAt: string;
}

export interface AgentRegistryDoc {
  schemaVersion: 1;
  agents: Record<string, RegisteredAgent>;
}
