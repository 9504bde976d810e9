import { emptyAggregates, type ScoreAggregates } from '../feedback/aggregates.js';
import type { Verification } from '../verify/types.js';
import type { DataDir } from './data-dir.js';
import { FeedbackLog, type FeedbackLogOptions } from './feedback-log.js';
import { JsonDocStore, type DocSpec } from './json-store.js';
import {
  AGENT_REGISTRY_SHAPE,
  FEEDBACK_STORE_SHAPE,
  OPTIMIZATION_STORE_SHAPE,
  SCORE_AGGREGATES_SHAPE,
} from './store-shapes.js';

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
  schemaVersion: 4;
  /**
   * Segment number → its size and inode where the fold stopped in it: a segment later found
   * shorter, gone or replaced means the log changed under the aggregates (see logChangedUnder).
   * Absent in documents written before it existed.
   */
  foldedSegments?: Record<string, FoldedSegment>;
}

export interface FoldedSegment {
  bytes: number;
  /** 0 when unknown. */
  ino: number;
  /** The mtime when the segment was exactly `bytes` long (absent when it had grown already). */
  mtimeMs?: number;
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
  shape: AGENT_REGISTRY_SHAPE,
  recovery:
    'Correct that field in agents.json by hand, or move the file aside and register the agents again with `kv1nt agents add`.',
};

export const SCORE_AGGREGATES: DocSpec<AggregatesDoc> = {
  name: 'score_aggregates',
  folder: 'feedback',
  fileName: 'aggregates.json',
  version: 4,
  defaults: () => ({ schemaVersion: 4, ...emptyAggregates(), foldedSegments: {} }),
  // Aggregates are derived from the log: a new layout is rebuilt by re-folding it from the start.
  migrations: {
    1: () => ({ ...emptyAggregates() }),
    2: () => ({ ...emptyAggregates() }),
    3: () => ({ ...emptyAggregates() }),
  },
  recovery:
    'The aggregates are derived from the feedback log: move the file aside (e.g. `mv aggregates.json aggregates.json.bad`) and the next command rebuilds it from the log.',
  shape: SCORE_AGGREGATES_SHAPE,
};

export const FEEDBACK_STORE: DocSpec<FeedbackStoreDoc> = {
  name: 'feedback',
  folder: 'feedback',
  fileName: 'store.json',
  version: 1,
  defaults: () => ({ schemaVersion: 1, patterns: [], learningEvents: [] }),
  shape: FEEDBACK_STORE_SHAPE,
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
  shape: OPTIMIZATION_STORE_SHAPE,
  // Version 2 adds the verifications of the closed loop; changes kept before it get none.
  migrations: { 1: (doc) => ({ ...doc, verifications: [] }) },
};

export interface Stores {
  dataDir: DataDir;
  /** Where the stores report what they repaired on their own (e.g. aggregates rebuilt). */
  warn: (message: string) => void;
  log: FeedbackLog;
  agents: JsonDocStore<AgentRegistryDoc>;
  aggregates: JsonDocStore<AggregatesDoc>;
  feedback: JsonDocStore<FeedbackStoreDoc>;
  optimization: JsonDocStore<OptimizationStoreDoc>;
}

export function openStores(
  dataDir: DataDir,
  logOptions?: FeedbackLogOptions,
  warn: (message: string) => void = (message) => process.emitWarning(message, { code: 'KV1NT_STORE' }),
): Stores {
  return {
    dataDir,
    warn,
    log: new FeedbackLog(dataDir, logOptions),
    agents: new JsonDocStore(dataDir, AGENT_REGISTRY),
    aggregates: new JsonDocStore(dataDir, SCORE_AGGREGATES),
    feedback: new JsonDocStore(dataDir, FEEDBACK_STORE),
    optimization: new JsonDocStore(dataDir, OPTIMIZATION_STORE),
  };
}
