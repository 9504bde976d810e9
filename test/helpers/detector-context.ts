/**
 * A DetectorContext for unit-testing detectors without the host: empty metrics, the default
 * thresholds, no patterns or learnings, deep-frozen like the host's (a detector must not change
 * what it is given), and hooks to see what the detector did (`runCalls`, `warnings`,
 * `feedbackReads`).
 */
import type { HealthComponents } from '../../src/core/analysis/health.js';
import type { FeedbackEntry } from '../../src/core/feedback/types.js';
import {
  DEFAULT_THRESHOLDS,
  type AgentInfo,
  type AnalysisMetrics,
  type Detector,
  type DetectorContext,
  type Finding,
  type LearningInfo,
  type PatternInfo,
  type Thresholds,
  type ToolResult,
} from '../../src/core/sdk/types.js';
import { deepFreeze } from '../../src/core/deep-freeze.js';
import { metricsOf, type MetricsInput } from '../../src/testing/context.js';

export const NOW = new Date('2026-11-24T12:00:00.000Z');

export interface RunCall {
  command: string;
  args: readonly string[];
  options: { timeoutMs?: number } | undefined;
}

export type RunStub = (
  command: string,
  args: readonly string[],
  options?: { timeoutMs?: number },
) => ToolResult | Promise<ToolResult>;

/** Metrics overrides: the nested figures may be given in part. */
export type MetricsOverrides = MetricsInput;

export interface ContextOverrides {
  agent?: Partial<AgentInfo>;
  metrics?: MetricsOverrides;
  thresholds?: Partial<Thresholds>;
  patterns?: PatternInfo[];
  learnings?: LearningInfo[];
  feedback?: FeedbackEntry[];
  components?: Partial<HealthComponents>;
  /** Without it, any run() call is recorded and rejects (and `runCalls` shows it). */
  run?: RunStub;
  now?: Date;
}

export interface TestDetectorContext extends DetectorContext {
  /** Every run() call, in order (also the unexpected ones). */
  readonly runCalls: RunCall[];
  /** Messages given to warn(). */
  readonly warnings: string[];
  /** How often `feedback` was read (the built-ins should work from the metrics). */
  readonly feedbackReads: number;
}

/** Empty metrics of the 7 days up to NOW, with `overrides` (the public tester's builder). */
export function emptyMetrics(overrides: MetricsOverrides = {}): AnalysisMetrics {
  return metricsOf(overrides, NOW);
}

export function makeContext(overrides: ContextOverrides = {}): TestDetectorContext {
  const runCalls: RunCall[] = [];
  const warnings: string[] = [];
  let feedbackReads = 0;
  const feedback = deepFreeze(overrides.feedback ?? []);
  const stub: RunStub =
    overrides.run ??
    ((command, args) => {
      throw new Error(`unexpected run(${JSON.stringify(command)}, ${JSON.stringify(args)})`);
    });
  const context: DetectorContext = {
    agent: deepFreeze({ id: 'agent-1', ...overrides.agent }),
    options: deepFreeze({}),
    get feedback() {
      feedbackReads++;
      return feedback;
    },
    components: deepFreeze({
      successRate: null,
      errorRate: null,
      responseTimeScore: null,
      codeQuality: null,
      ...overrides.components,
    }),
    metrics: deepFreeze(emptyMetrics(overrides.metrics)),
    patterns: deepFreeze(overrides.patterns ?? []),
    learnings: deepFreeze(overrides.learnings ?? []),
    config: deepFreeze({ thresholds: { ...DEFAULT_THRESHOLDS, ...overrides.thresholds } }),
    async run(command, args, options) {
      runCalls.push({ command, args: [...args], options });
      return stub(command, args, options);
    },
    warn(message) {
      warnings.push(message);
    },
    now: overrides.now ?? NOW,
  };
  Object.defineProperties(context, {
    runCalls: { value: runCalls, enumerable: true },
    warnings: { value: warnings, enumerable: true },
    feedbackReads: { get: () => feedbackReads, enumerable: true },
  });
  // Frozen like the host's context (its arrays of calls and warnings stay writable).
  return Object.freeze(context) as TestDetectorContext;
}

/** Runs a detector (sync or async) and returns its findings. */
export async function detect(detector: Detector, context: DetectorContext): Promise<Finding[]> {
  return detector.detect(context);
}

/** A tool result: exit 0 and no output unless told. */
export function toolResult(partial: Partial<ToolResult> = {}): ToolResult {
  return { exitCode: 0, stdout: '', stderr: '', timedOut: false, ...partial };
}

let patternCount = 0;
/** A pattern; `partial` may hold what a plain-JS store could (a field of the wrong type). */
export function pattern(
  partial: Partial<PatternInfo> | { readonly [key: string]: unknown } = {},
): PatternInfo {
  patternCount++;
  const defaults: PatternInfo = {
    id: `pat_${patternCount}`,
    agentId: 'agent-1',
    patternType: 'failure',
    signature: `sig-${patternCount}`,
    description: `pattern ${patternCount}`,
    frequency: 1,
    confidence: 0.9,
    firstSeen: '2026-11-18T08:00:00.000Z',
    lastSeen: '2026-11-23T16:00:00.000Z',
    examples: [],
    status: 'active',
  };
  return Object.assign(defaults, partial);
}

let learningCount = 0;
export function learning(partial: Partial<LearningInfo> = {}): LearningInfo {
  learningCount++;
  return {
    id: `lrn_${learningCount}`,
    agentId: 'agent-1',
    learningType: 'error_avoidance',
    title: `learning ${learningCount}`,
    description: `what learning ${learningCount} teaches`,
    impactScore: 0.5,
    patternId: null,
    createdAt: '2026-11-23T16:00:00.000Z',
    absorbedAt: null,
    ...partial,
  };
}
