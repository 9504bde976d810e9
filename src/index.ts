/**
 * kv1nt's programmatic API: the same operations as the CLI, in-process, for agents written in
 * TypeScript/JavaScript that record feedback without spawning a process.
 *
 *   import { createKv1nt } from 'kv1nt';
 *   const kv1nt = createKv1nt({ dataDir: '/var/lib/kv1nt' });
 *   await kv1nt.recordSuccess('summarizer', 'op-42', { durationMs: 840 });
 */
import {
  Kv1ntCore,
  type AnalysisResult,
  type CoreOptions,
  type DryRun,
  type FeedbackEntry,
  type FeedbackInput,
  type FeedbackListener,
  type FeedbackSummary,
  type HealthReport,
  type ImportOptions,
  type ImportResult,
  type LearningRun,
  type OptimizationPlan,
  type OptimizationResult,
  type Opportunity,
  type RollbackReport,
  type StatsReport,
  type StatusReport,
  type StoredPattern,
  type StrategyName,
} from './core/index.js';
import type { Kv1ntPlugin } from './core/sdk/index.js';
export { Kv1ntError } from './core/errors.js';
export { FEEDBACK_SOURCES, FEEDBACK_TYPES } from './core/index.js';
export type {
  ActionResult,
  Agent,
  AnalysisResult,
  DryRun,
  FeedbackEntry,
  FeedbackInput,
  FeedbackSource,
  FeedbackSummary,
  FeedbackType,
  HealthReport,
  ImportOptions,
  ImportResult,
  LearningRun,
  OptimizationPlan,
  OptimizationResult,
  Opportunity,
  PlanAction,
  RollbackReport,
  StatsReport,
  StatusReport,
  StoredPattern,
  StrategyName,
  TestSummary,
} from './core/index.js';
export * from './core/sdk/index.js';

/** Everything of an entry but its agent, operation and type. */
export type RecordOptions = Omit<FeedbackInput, 'agentId' | 'operationId' | 'type' | 'rating'>;

export interface Kv1ntOptions {
  /** Folder of the stores; defaults as on the CLI (KV1NT_HOME, config `dataDir`, ~/.kv1nt). */
  dataDir?: string;
  /** Told what the stores repaired on their own, e.g. aggregates rebuilt (default: process.emitWarning). */
  onWarning?: (message: string) => void;
  /** Config file; defaults to KV1NT_CONFIG or a search from `cwd`. */
  config?: string;
  cwd?: string;
  /**
   * More plugins, after the built-ins and the config's `plugins`: module paths or package names
   * (resolved from `cwd`; loaded and run only in plugin processes, with read-only file access) or
   * plugin objects (run in this process, as the built-ins do: a time-out abandons them but cannot
   * stop a synchronous loop, and nothing limits what their code does). See docs/plugins.md §6.
   */
  plugins?: ReadonlyArray<Kv1ntPlugin | string>;
}

export interface Kv1nt {
  readonly dataDir: Promise<string>;
  recordFeedback(input: FeedbackInput): Promise<FeedbackEntry>;
  recordSuccess(agentId: string, operationId: string, options?: RecordOptions): Promise<FeedbackEntry>;
  recordFailure(
    agentId: string,
    operationId: string,
    errorType: string,
    options?: Omit<RecordOptions, 'errorType' | 'score'>,
  ): Promise<FeedbackEntry>;
  recordQualityScore(
    agentId: string,
    operationId: string,
    score: number,
    options?: Omit<RecordOptions, 'score'>,
  ): Promise<FeedbackEntry>;
  recordUserRating(
    agentId: string,
    operationId: string,
    rating: number,
    options?: Omit<RecordOptions, 'score'>,
  ): Promise<FeedbackEntry>;
  /** Many entries, validated together: one invalid and none is written. */
  recordMany(inputs: readonly FeedbackInput[]): Promise<FeedbackEntry[]>;
  /** JSON Lines of entries, or with `format: 'otlp'` OTLP/JSON trace exports (docs/feedback.md). */
  importLines(text: string, options?: ImportOptions): Promise<ImportResult>;
  /** Called after each entry this instance records; returns an unsubscribe function. */
  onFeedback(callback: FeedbackListener): () => void;
  getAgentSummary(agentId: string, options?: { days?: number }): Promise<FeedbackSummary>;
  /** Alias of getAgentSummary, named as in the original daemon. */
  getAgentFeedbackSummary(agentId: string, options?: { days?: number }): Promise<FeedbackSummary>;
  status(): Promise<StatusReport>;
  feedbackStatus(): Promise<StatusReport>;
  stats(agentId?: string): Promise<StatsReport>;
  feedbackStats(agentId?: string): Promise<StatsReport>;
  /** `kv1nt analyze`: health, trend, opportunities (stores the run). */
  analyzeAgentPerformance(agentId: string, options?: { days?: number }): Promise<AnalysisResult>;
  /** `kv1nt health`: computed now, nothing stored. */
  getAgentHealth(agentId: string, options?: { days?: number }): Promise<HealthReport>;
  listOptimizationOpportunities(
    agentId?: string,
    options?: { status?: 'open' | 'resolved' | 'verifying' | 'dismissed' | 'detector_gone' | 'all' },
  ): Promise<Opportunity[]>;
  optimizationStatus(): Promise<StatusReport>;
  /** `kv1nt patterns`: detects and stores patterns of one agent, or of all. */
  detectPatterns(
    agentId?: string,
    options?: { days?: number; minFrequency?: number; minConfidence?: number },
  ): Promise<StoredPattern[]>;
  /** `kv1nt learnings`: turns the agent's stored patterns into learnings. */
  generateLearnings(agentId: string): Promise<LearningRun>;
  optimizationStats(agentId?: string): Promise<StatsReport>;
  /** `kv1nt optimize`: plan, approve (`yes`), try in a sandbox, keep what passes the tests. */
  autoOptimizeAgent(
    agentId: string,
    options?: { strategy?: StrategyName; yes?: boolean; dryRun?: boolean; planId?: string },
  ): Promise<OptimizationResult | DryRun>;
  /** `kv1nt history`: the agent's optimization results, newest first. */
  getOptimizationHistory(agentId: string, options?: { limit?: number }): Promise<OptimizationResult[]>;
  /** `kv1nt rollback`. */
  rollbackOptimization(resultId: string, options?: { force?: boolean }): Promise<RollbackReport>;
  /** `kv1nt approve`. */
  approvePlan(planId: string): Promise<OptimizationPlan>;
}

/**
 * Creates an instance. Records made concurrently (without awaiting each) are group-committed:
 * one append and one fsync for the lot, each promise resolving once its entry is durable.
 */
export function createKv1nt(options: Kv1ntOptions = {}): Kv1nt {
  const coreOptions: CoreOptions = {
    dataDir: options.dataDir,
    config: options.config,
    cwd: options.cwd,
    plugins: { extra: options.plugins },
    onWarning: options.onWarning,
  };
  const ready = Kv1ntCore.open(coreOptions);
  const pendingListeners: Array<[FeedbackListener, (() => void) | undefined]> = [];
  const core = async () => ready;
  return {
    dataDir: ready.then((c) => c.dataDir),
    recordFeedback: async (input) => (await core()).record(input),
    recordSuccess: async (agentId, operationId, opts = {}) =>
      (await core()).record({ ...opts, agentId, operationId, type: 'success' }),
    recordFailure: async (agentId, operationId, errorType, opts = {}) =>
      (await core()).record({ ...opts, agentId, operationId, errorType, type: 'failure' }),
    recordQualityScore: async (agentId, operationId, score, opts = {}) =>
      (await core()).record({ ...opts, agentId, operationId, score, type: 'quality_score' }),
    recordUserRating: async (agentId, operationId, rating, opts = {}) =>
      (await core()).record({ ...opts, agentId, operationId, rating, type: 'user_rating' }),
    recordMany: async (inputs) => (await core()).recordMany(inputs),
    importLines: async (text, opts) => (await core()).importLines(text, opts),
    onFeedback(callback) {
      const slot: [FeedbackListener, (() => void) | undefined] = [callback, undefined];
      pendingListeners.push(slot);
      void ready.then((c) => {
        if (pendingListeners.includes(slot)) slot[1] = c.onFeedback(callback);
      });
      return () => {
        pendingListeners.splice(pendingListeners.indexOf(slot), 1);
        slot[1]?.();
      };
    },
    getAgentSummary: async (agentId, opts = {}) => (await core()).summary(agentId, opts.days ?? 7),
    getAgentFeedbackSummary: async (agentId, opts = {}) => (await core()).summary(agentId, opts.days ?? 7),
    status: async () => (await core()).status('all'),
    feedbackStatus: async () => (await core()).status('feedback'),
    stats: async (agentId) => (await core()).stats(agentId, 'all'),
    feedbackStats: async (agentId) => (await core()).stats(agentId, 'feedback'),
    analyzeAgentPerformance: async (agentId, opts = {}) => (await core()).analyze(agentId, opts.days ?? 7),
    getAgentHealth: async (agentId, opts = {}) => (await core()).health(agentId, opts.days ?? 7),
    listOptimizationOpportunities: async (agentId, opts = {}) =>
      (await core()).opportunities(agentId, { status: opts.status ?? 'open' }),
    optimizationStatus: async () => (await core()).status('optimization'),
    detectPatterns: async (agentId, opts = {}) => (await core()).patterns(agentId, opts),
    generateLearnings: async (agentId) => (await core()).learnings(agentId),
    optimizationStats: async (agentId) => (await core()).stats(agentId, 'optimization'),
    autoOptimizeAgent: async (agentId, opts = {}) => (await core()).optimize(agentId, opts),
    getOptimizationHistory: async (agentId, opts = {}) => (await core()).history(agentId, opts.limit ?? 10),
    rollbackOptimization: async (resultId, opts = {}) => (await core()).rollback(resultId, opts),
    approvePlan: async (planId) => (await core()).approve(planId),
  };
}
