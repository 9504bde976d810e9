import { emptyAggregates, type ScoreAggregates } from '../feedback/aggregates.js';
import type { Verification } from '../verify/types.js';
import type { DataDir } from './data-dir.js';
import { FeedbackLog, type FeedbackLogOptions } from './feedback-log.js';
import { JsonDocStore, type DocSpec } from './json-store.js';

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

export interface AggregatesDoc extends ScoreAggregates {
  schemaVersion: 3;
}

export interface FeedbackStoreDoc {
  schemaVersion: 1;
  patterns: Array<Record<string, unknown> & { id: string; agentId: string }>;
  learningEvents: Array<Record<string, unknown> & { id: string; agentId: string }>;
}

type Row = Record<string, unknown> & { id: string; agentId: string };
export interface OptimizationStoreDoc {
  schemaVersion: 2;
  performanceMetrics: Row[];
  opportunities: Row[];
  optimizationPlans: Row[];
  optimizationResults: Row[];
  healthHistory: Row[];
  /** The closed loop: one row per kept action and opportunity it addressed. */
  verifications: Verification[];
}

export const AGENT_REGISTRY: DocSpec<AgentRegistryDoc> = {
  name: 'agents',
  folder: '.',
  fileName: 'agents.json',
  version: 1,
  defaults: () => ({ schemaVersion: 1, agents: {} }),
};

export const SCORE_AGGREGATES: DocSpec<AggregatesDoc> = {
  name: 'score_aggregates',
  folder: 'feedback',
  fileName: 'aggregates.json',
  version: 3,
  defaults: () => ({ schemaVersion: 3, ...emptyAggregates() }),
  // Aggregates are derived from the log: a new layout is rebuilt by re-folding it from the start.
  migrations: { 1: () => ({ ...emptyAggregates() }), 2: () => ({ ...emptyAggregates() }) },
  recovery:
    'The aggregates are derived from the feedback log: move the file aside (e.g. `mv aggregates.json aggregates.json.bad`) and the next command rebuilds it from the log.',
};

export const FEEDBACK_STORE: DocSpec<FeedbackStoreDoc> = {
  name: 'feedback',
  folder: 'feedback',
  fileName: 'store.json',
  version: 1,
  defaults: () => ({ schemaVersion: 1, patterns: [], learningEvents: [] }),
};

export const OPTIMIZATION_STORE: DocSpec<OptimizationStoreDoc> = {
  name: 'optimization',
  folder: 'optimization',
  fileName: 'store.json',
  version: 2,
  defaults: () => ({
    schemaVersion: 2,
    performanceMetrics: [],
    opportunities: [],
    optimizationPlans: [],
    optimizationResults: [],
    healthHistory: [],
    verifications: [],
  }),
  // Version 2 adds the verifications of the closed loop; changes kept before it get none.
  migrations: { 1: (doc) => ({ ...doc, verifications: [] }) },
};

export interface Stores {
  dataDir: DataDir;
  log: FeedbackLog;
  agents: JsonDocStore<AgentRegistryDoc>;
  aggregates: JsonDocStore<AggregatesDoc>;
  feedback: JsonDocStore<FeedbackStoreDoc>;
  optimization: JsonDocStore<OptimizationStoreDoc>;
}

export function openStores(dataDir: DataDir, logOptions?: FeedbackLogOptions): Stores {
  return {
    dataDir,
    log: new FeedbackLog(dataDir, logOptions),
    agents: new JsonDocStore(dataDir, AGENT_REGISTRY),
    aggregates: new JsonDocStore(dataDir, SCORE_AGGREGATES),
    feedback: new JsonDocStore(dataDir, FEEDBACK_STORE),
    optimization: new JsonDocStore(dataDir, OPTIMIZATION_STORE),
  };
}
