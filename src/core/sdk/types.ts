/**
 * The public plugin SDK: what a detector, learning generator or strategy author programs against.
 * Built-in plugins (src/plugins) use exactly these types and nothing else of kv1nt's.
 */
import type { FeedbackEntry } from '../feedback/types.js';
import type { HealthComponents } from '../analysis/health.js';

/** Bumped only on a breaking change of the types below; a plugin declares the one it targets. */
export const API_VERSION = 1;

export const OPPORTUNITY_TYPES = [
  'success_rate_decline',
  'performance_degradation',
  'quality_issues',
  'tool_upgrade',
  'resource_inefficiency',
  'error_pattern',
  'capability_gap',
  'training_needed',
  'code_smell',
  'security_vulnerability',
] as const;
export type OpportunityType = (typeof OPPORTUNITY_TYPES)[number];

export const SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The agent under analysis, as declared (paths absolute). */
export interface AgentInfo {
  id: string;
  /** Absent for an agent that has feedback but no declaration. */
  path?: string;
  test?: string;
  slaMs?: number;
  learningsFile?: string;
  guardian?: string;
  params?: Record<string, { file: string; key: string; min: number; max: number; step?: number }>;
}

export interface Stat {
  mean: number | null;
  max: number | null;
  /** 95th percentile, from a log-scale histogram (within ±4.5 %); null without values. */
  p95: number | null;
  count: number;
}

/** Figures of the analysis window, computed from the score aggregates. */
export interface AnalysisMetrics {
  window: { days: number; from: string; to: string };
  total: number;
  successes: number;
  failures: number;
  byType: Record<string, number>;
  bySource: Record<string, number>;
  averageScoreByType: Record<string, number>;
  /** Lowest score seen per type. */
  minScoreByType: Record<string, number>;
  /** Mean score of the entries of each source. */
  averageScoreBySource: Record<string, number>;
  /**
   * Durations of SUCCESSFUL operations (a failure's duration is often the time limit it hit, not
   * the time the work takes). p50/p95 come from a log-scale histogram (within ±4.5 %).
   */
  duration: {
    mean: number | null;
    p50: number | null;
    p95: number | null;
    max: number | null;
    count: number;
    slaMs: number | null;
  };
  quality: Stat;
  memoryMb: Stat;
  cpuPercent: Stat;
  topErrors: Array<{ errorType: string; count: number }>;
  /** The window of the same length just before this one. */
  previous: { total: number; successes: number; failures: number; successRate: number | null };
}

/** A stored pattern (see `kv1nt patterns`). */
export interface PatternInfo {
  id: string;
  agentId: string;
  patternType: 'failure' | 'success' | 'quality' | 'performance' | 'behavior';
  signature: string;
  description: string;
  frequency: number;
  confidence: number;
  firstSeen: string;
  lastSeen: string;
  examples: string[];
  /** Patterns no longer seen are kept, marked inactive. */
  status?: 'active' | 'inactive';
  [extra: string]: unknown;
}

export const LEARNING_TYPES = [
  'error_avoidance',
  'positive_reinforcement',
  'optimization',
  'pattern_recognition',
  'skill_enhancement',
] as const;

/** A stored learning (see `kv1nt learnings`). */
export interface LearningInfo {
  id: string;
  agentId: string;
  learningType:
    | 'error_avoidance'
    | 'positive_reinforcement'
    | 'optimization'
    | 'pattern_recognition'
    | 'skill_enhancement';
  title: string;
  description: string;
  impactScore: number;
  patternId: string | null;
  createdAt: string;
  absorbedAt?: string | null;
  [extra: string]: unknown;
}

/** What every detector receives. Read-only: a detector reports findings, it changes nothing. */
export interface DetectorContext {
  readonly agent: Readonly<AgentInfo>;
  /** The window's raw entries, oldest first. Read from the log on first access: use the metrics when they suffice. */
  readonly feedback: readonly FeedbackEntry[];
  readonly components: Readonly<HealthComponents>;
  readonly metrics: Readonly<AnalysisMetrics>;
  readonly patterns: readonly PatternInfo[];
  readonly learnings: readonly LearningInfo[];
  /** The validated config; `thresholds` holds the detector thresholds with defaults applied. */
  readonly config: Readonly<{ thresholds: Readonly<Thresholds>; [key: string]: unknown }>;
  /** This plugin's options: the config's `pluginOptions[<plugin name>]`, `{}` when none. */
  readonly options: Readonly<Record<string, unknown>>;
  /** Runs a command in the agent folder with a time limit (for detectors that ask tools, e.g. npm). */
  run(command: string, args: readonly string[], options?: { timeoutMs?: number }): Promise<ToolResult>;
  /** Reports a problem that did not stop the detector (e.g. the registry is offline): shown in `warnings`. */
  warn(message: string): void;
  readonly now: Date;
}

export interface ToolResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Set when the command could not run at all (not installed, no network …). */
  error?: string;
}

/** One thing a detector found. */
export interface Finding {
  title: string;
  description: string;
  /** Defaults to the severity of the detector's type in the contract table. */
  severity?: Severity;
  evidence?: Record<string, unknown>;
  /** What the finding is about (an error type, a package…): one open opportunity per subject. */
  subject?: string;
}

export interface Detector {
  id: string;
  type: OpportunityType;
  description: string;
  detect(ctx: DetectorContext): Finding[] | Promise<Finding[]>;
}

/** Thresholds of the built-in detectors (config key `thresholds`). */
export interface Thresholds {
  /** success_rate_decline: drop in percentage points against the previous window. */
  successRateDropPoints: number;
  /** success_rate_decline: successes + failures needed in each window to compare. */
  successRateMinSamples: number;
  /** quality_issues: mean quality_score under this. */
  qualityMin: number;
  /** resource_inefficiency: p95 of memoryMb above this. */
  memoryMbMax: number;
  /** resource_inefficiency: p95 of cpuPercent above this. */
  cpuPercentMax: number;
  /** error_pattern: occurrences of one error type in the window. */
  errorPatternMinCount: number;
  /** code_smell: mean score of guardian feedback under this. */
  guardianScoreMin: number;
  /** security_vulnerability: a security score under this. */
  securityScoreMin: number;
  /** tool_upgrade / security audit / guardian: time limit of the tool (ms). */
  toolTimeoutMs: number;
  /** Days with a health score needed before a trend is given (config `trend.minDays` wins). */
  trendMinDays: number;
  /** No longer used: the trend is decided by a significance test (config `trend`). Kept so older configs load. */
  trendDeadBand: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  successRateDropPoints: 5,
  successRateMinSamples: 10,
  qualityMin: 0.8,
  memoryMbMax: 500,
  cpuPercentMax: 80,
  errorPatternMinCount: 3,
  guardianScoreMin: 0.8,
  securityScoreMin: 0.7,
  toolTimeoutMs: 8_000,
  trendMinDays: 3,
  trendDeadBand: 1,
};

/** Turns a stored pattern into learnings (contract §5). */
export interface LearningGenerator {
  id: string;
  patternTypes: ReadonlyArray<PatternInfo['patternType']>;
  generate(
    pattern: Readonly<PatternInfo>,
    ctx: Readonly<{
      agent: Readonly<AgentInfo>;
      config: DetectorContext['config'];
      /** This plugin's options (`pluginOptions[<plugin name>]`). */
      options: DetectorContext['options'];
      now: Date;
      /** Reports a problem that did not stop the generator: shown in `warnings`. */
      warn(message: string): void;
    }>,
  ):
    | Array<Omit<LearningInfo, 'id' | 'agentId' | 'patternId' | 'createdAt'>>
    | Promise<Array<Omit<LearningInfo, 'id' | 'agentId' | 'patternId' | 'createdAt'>>>;
}

/** How hard an optimization run pushes (contract §6); `auto` is resolved to one of these first. */
export type Policy = 'conservative' | 'aggressive' | 'minimal' | 'comprehensive';

/** An open opportunity as a strategy sees it (see `kv1nt opportunities --json`). */
export interface OpportunityInfo {
  id: string;
  agentId: string;
  type: OpportunityType;
  severity: Severity;
  title: string;
  description: string;
  evidence: Record<string, unknown>;
  detector: string;
  subject: string;
  /**
   * Actions kept for it before and the closed loop's verdict on each (`no_effect`, `regressed`,
   * `inconclusive`, `confirmed`): a strategy proposes the next candidate, not one that failed.
   */
  tried?: ReadonlyArray<{
    strategy: string;
    type: string;
    target: string;
    signature: string;
    verdict: 'confirmed' | 'no_effect' | 'regressed' | 'inconclusive';
    at: string;
  }>;
  [extra: string]: unknown;
}

/** What `plan` receives. Read-only, like the detector context. */
export interface StrategyContext {
  readonly agent: Readonly<AgentInfo>;
  readonly config: DetectorContext['config'];
  /** This plugin's options (`pluginOptions[<plugin name>]`). */
  readonly options: DetectorContext['options'];
  /** Under `aggressive` strategies take larger steps; under `conservative` only low-risk actions are kept. */
  readonly policy: Policy;
  readonly patterns: readonly PatternInfo[];
  readonly learnings: readonly LearningInfo[];
  readonly now: Date;
  /** Reports a problem that did not stop the strategy: shown in `warnings`. */
  warn(message: string): void;
}

/** What `apply` receives: the plan context plus a way to run tools inside the sandbox. */
export interface ApplyContext extends StrategyContext {
  /** The sandbox: a private copy of the agent folder. `apply` changes files here and nowhere else. */
  readonly sandboxDir: string;
  /** The candidate being tried, for an action that declares `candidates`. */
  readonly candidate?: unknown;
  /** Runs a command in the sandbox (cwd = sandboxDir unless given inside it), with a time limit. */
  run(
    command: string,
    args: readonly string[],
    options?: { timeoutMs?: number; cwd?: string },
  ): Promise<ToolResult>;
}

/** An action a strategy proposes for an opportunity (contract §6). */
export interface PlannedAction {
  /** The kind of change, e.g. `param_tuning`, `write_learnings`, `dependency_upgrade`, `command`. */
  type: string;
  description: string;
  /** `conservative` keeps only `low`; defaults to `medium`. */
  risk?: 'low' | 'medium' | 'high';
  /** What the action should change, for the plan shown before anything runs. */
  expectedChange?: string;
  /**
   * Values tried in order, each in a fresh sandbox and validated by the tests; the first that
   * passes is kept. `apply` sees the one being tried as `ctx.candidate`.
   */
  candidates?: unknown[];
  /**
   * A number to search for instead of a list (see `ValueSearch`); `apply` sees each value tried as
   * `ctx.candidate`. Takes precedence over `candidates`.
   */
  search?: ValueSearch;
  /**
   * What the action changes — `param:timeoutMs`, `dependency:lodash`,
   * `file:LEARNINGS.md#kv1nt-learnings` — so that the closed loop proposes nothing else for it
   * while a change to it is being verified, and one action serves every opportunity that asks
   * for the same change. Defaults to `<strategy id>:<type>:<opportunity subject>`.
   */
  target?: string;
  [extra: string]: unknown;
}

/**
 * The engine's search for the smallest value that passes the agent's tests, assuming the tests
 * pass from some threshold up (a time limit long enough, a token budget large enough):
 * try `start`; while it fails, step out geometrically (×2) toward `bound` (raising: `bound` above
 * `from`) or back toward `from` (lowering: `bound` below `from`, the values tried stay above
 * `start`… below `from`); once one passes, bisect between the last failing and the first passing
 * value down to `step`. At most `maxTestRuns` test runs (config `maxTestRuns`, default 6).
 */
export interface ValueSearch {
  /** The value the agent has now. */
  from: number;
  /** The first value tried: where the evidence points. */
  start: number;
  /** The declared bound in the direction of the change (max when raising, min when lowering). */
  bound: number;
  /** Values are multiples of this (else whole numbers when `from` is whole, or 6 significant digits). */
  step?: number;
}

/** Proposes and applies changes for the opportunity types it handles (contract §6). */
export interface Strategy {
  id: string;
  handles: readonly OpportunityType[];
  plan(
    opportunity: Readonly<OpportunityInfo>,
    ctx: StrategyContext,
  ): PlannedAction[] | Promise<PlannedAction[]>;
  /** Changes files under `sandboxDir` only. A throw fails the action (the agent is untouched). */
  apply(action: Readonly<PlannedAction>, sandboxDir: string, ctx: ApplyContext): void | Promise<void>;
}

/** A plugin module's default export. */
export interface Kv1ntPlugin {
  /** The SDK API_VERSION the plugin was written for. */
  apiVersion: number;
  name: string;
  detectors?: Detector[];
  learningGenerators?: LearningGenerator[];
  strategies?: Strategy[];
}
