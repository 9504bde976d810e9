/**
 * Builds a complete, deep-frozen DetectorContext from the few fields a test cares about, with the
 * host's defaults for the rest (empty metrics, default thresholds, no patterns or learnings).
 */
import type { HealthComponents } from '../core/analysis/health.js';
import type { FeedbackEntry } from '../core/feedback/types.js';
import {
  DEFAULT_THRESHOLDS,
  type AgentInfo,
  type AnalysisMetrics,
  type DetectorContext,
  type LearningInfo,
  type PatternInfo,
  type Thresholds,
  type ToolResult,
} from '../core/sdk/types.js';
import { deepFreeze } from '../core/deep-freeze.js';

/** Answers `ctx.run` in a test; without one, every call fails with an error result. */
export type RunStub = (
  command: string,
  args: readonly string[],
  options?: { timeoutMs?: number },
) => Partial<ToolResult> | Promise<Partial<ToolResult>>;

/** The metrics, any nested figure given in part. */
export type MetricsInput = Partial<
  Omit<AnalysisMetrics, 'window' | 'duration' | 'quality' | 'memoryMb' | 'cpuPercent' | 'previous'>
> & {
  window?: Partial<AnalysisMetrics['window']>;
  duration?: Partial<AnalysisMetrics['duration']>;
  quality?: Partial<AnalysisMetrics['quality']>;
  memoryMb?: Partial<AnalysisMetrics['memoryMb']>;
  cpuPercent?: Partial<AnalysisMetrics['cpuPercent']>;
  previous?: Partial<AnalysisMetrics['previous']>;
};

/** What a test gives; everything is optional. */
export interface DetectorContextInput {
  agent?: Partial<AgentInfo>;
  /** Entries in part: id, agentId, operationId, type (success), score, source and timestamps are filled in. */
  feedback?: Array<Partial<FeedbackEntry>>;
  components?: Partial<HealthComponents>;
  metrics?: MetricsInput;
  patterns?: Array<Partial<PatternInfo>>;
  learnings?: Array<Partial<LearningInfo>>;
  /** More config keys (as in .kv1ntrc); `thresholds` are merged over the defaults. */
  config?: Record<string, unknown>;
  thresholds?: Partial<Thresholds>;
  /** The plugin's options, as the config's `pluginOptions[<plugin name>]` gives them. */
  options?: Record<string, unknown>;
  run?: RunStub;
  /** Defaults to 2026-01-15T12:00:00Z, so that tests do not depend on the day they run. */
  now?: Date | string;
}

/** A context that also shows what the detector did. */
export interface TestDetectorContext extends DetectorContext {
  /** Every `run` call, in order. */
  readonly runCalls: Array<{ command: string; args: string[]; options?: { timeoutMs?: number } }>;
  /** Messages given to `warn`. */
  readonly warnings: string[];
  /** How often `feedback` was read (to show that a detector works from the metrics alone). */
  readonly feedbackReads: number;
}

export const DEFAULT_NOW = '2026-01-15T12:00:00.000Z';

export function createDetectorContext(input: DetectorContextInput = {}): TestDetectorContext {
  const now = new Date(input.now ?? DEFAULT_NOW);
  const agentId = input.agent?.id ?? 'test-agent';
  const runCalls: TestDetectorContext['runCalls'] = [];
  const warnings: string[] = [];
  let feedbackReads = 0;
  const feedback = deepFreeze(
    (input.feedback ?? []).map((entry, index) => feedbackEntry(entry, index, agentId, now)),
  );
  const stub: RunStub =
    input.run ??
    ((command, args) => ({
      exitCode: null,
      error: `ctx.run(${JSON.stringify(command)}, ${JSON.stringify(args)}) has no stub in this test (give ctx.run)`,
    }));
  const context = {
    agent: deepFreeze({ id: agentId, ...input.agent }),
    get feedback() {
      feedbackReads++;
      return feedback;
    },
    components: deepFreeze({
      successRate: null,
      errorRate: null,
      responseTimeScore: null,
      codeQuality: null,
      ...input.components,
    }),
    metrics: deepFreeze(metricsOf(input.metrics ?? {}, now)),
    patterns: deepFreeze((input.patterns ?? []).map((p, index) => patternOf(p, index, agentId, now))),
    learnings: deepFreeze((input.learnings ?? []).map((l, index) => learningOf(l, index, agentId, now))),
    config: deepFreeze({ ...input.config, thresholds: { ...DEFAULT_THRESHOLDS, ...input.thresholds } }),
    options: deepFreeze({ ...input.options }),
    async run(
      command: string,
      args: readonly string[],
      options?: { timeoutMs?: number },
    ): Promise<ToolResult> {
      runCalls.push({ command, args: [...args], ...(options ? { options } : {}) });
      const result = await stub(command, args, options);
      return { exitCode: 0, stdout: '', stderr: '', timedOut: false, ...result };
    },
    warn(message: string) {
      warnings.push(String(message));
    },
    now,
    runCalls,
    warnings,
    get feedbackReads() {
      return feedbackReads;
    },
  };
  // Frozen like the host's (the lists of calls and warnings stay writable for the context itself).
  return Object.freeze(context);
}

function feedbackEntry(
  entry: Partial<FeedbackEntry>,
  index: number,
  agentId: string,
  now: Date,
): FeedbackEntry {
  const type = entry.type ?? 'success';
  return {
    id: `fb_test_${index + 1}`,
    agentId,
    operationId: `op-${index + 1}`,
    type,
    score: type === 'failure' ? 0 : 1,
    source: 'agent',
    timestamp: now.toISOString(),
    recordedAt: now.toISOString(),
    ...entry,
  };
}

/** Metrics with every figure given or empty, for a window of `window.days` (7) ending at `now`. */
export function metricsOf(input: MetricsInput, now: Date): AnalysisMetrics {
  const stat = { mean: null, max: null, p95: null, count: 0 };
  const days = input.window?.days ?? 7;
  return {
    ...input,
    window: {
      days,
      from: new Date(now.getTime() - days * 86_400_000).toISOString(),
      to: now.toISOString(),
      ...input.window,
    },
    total: input.total ?? 0,
    successes: input.successes ?? 0,
    failures: input.failures ?? 0,
    byType: input.byType ?? {},
    bySource: input.bySource ?? {},
    averageScoreByType: input.averageScoreByType ?? {},
    minScoreByType: input.minScoreByType ?? {},
    averageScoreBySource: input.averageScoreBySource ?? {},
    duration: { mean: null, p50: null, p95: null, max: null, count: 0, slaMs: null, ...input.duration },
    quality: { ...stat, ...input.quality },
    memoryMb: { ...stat, ...input.memoryMb },
    cpuPercent: { ...stat, ...input.cpuPercent },
    topErrors: input.topErrors ?? [],
    previous: { total: 0, successes: 0, failures: 0, successRate: null, ...input.previous },
  };
}

function patternOf(p: Partial<PatternInfo>, index: number, agentId: string, now: Date): PatternInfo {
  return {
    id: `pat_test_${index + 1}`,
    agentId,
    patternType: 'failure',
    signature: `signature-${index + 1}`,
    description: `pattern ${index + 1}`,
    frequency: 1,
    confidence: 1,
    firstSeen: now.toISOString(),
    lastSeen: now.toISOString(),
    examples: [],
    status: 'active',
    ...p,
  };
}

function learningOf(l: Partial<LearningInfo>, index: number, agentId: string, now: Date): LearningInfo {
  return {
    id: `lrn_test_${index + 1}`,
    agentId,
    learningType: 'error_avoidance',
    title: `learning ${index + 1}`,
    description: `learning ${index + 1}`,
    impactScore: 0.5,
    patternId: null,
    createdAt: now.toISOString(),
    absorbedAt: null,
    ...l,
  };
}
