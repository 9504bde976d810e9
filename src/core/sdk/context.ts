/** What every plugin component is shown of the agent: its declaration, figures, patterns and learnings. */

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

/**
 * The four parts of the health score, each in [0, 1]; null when the window has no data for it.
 */
export interface HealthComponents {
  successRate: number | null;
  errorRate: number | null;
  responseTimeScore: number | null;
  codeQuality: number | null;
}

/**
 * The validated config as plugins see it; `thresholds` holds the detector thresholds with
 * defaults applied. The other keys are the user's config, open here because a plugin reads keys
 * kv1nt does not know (this is an SDK boundary: kv1nt's own code reads the typed config).
 */
export interface PluginConfig {
  readonly thresholds: Readonly<Thresholds>;
  readonly [key: string]: unknown;
}

/** A plugin's own options: the config's `pluginOptions[<plugin name>]`, `{}` when none. */
export type PluginOptions = Readonly<Record<string, unknown>>;

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

/** What a pattern records as evidence, by kind: each field is present where its kind records it. */
export interface PatternEvidence {
  /** failure: the fingerprint of the error type and message template. */
  fingerprint?: string;
  errorType?: string;
  /** failure: the operation kinds failing so, most frequent first. */
  operationKinds?: string[];
  /** failure: the 99th percentile of those kinds' successful durations (ms). */
  successP99Ms?: number | null;
  /** failure: the largest duration (ms) the error messages mention. */
  messageMaxMs?: number | null;
  /** capability and SLA patterns: the operation kind. */
  operationKind?: string;
  failureRate?: number;
  attempts?: number;
  /** retries: how many operations were retried. */
  operations?: number;
  /** rising durations, falling quality: the correlation with time. */
  correlation?: number;
  firstScore?: number;
  lastScore?: number;
  slaMs?: number | null;
  medianMs?: number;
  /** failures clustered in one hour of the day (UTC), and their share. */
  hourUtc?: number;
  share?: number;
  /** a quality dimension that stays low, and its median. */
  dimension?: string;
  median?: number;
}

/** A stored pattern (see `kv1nt patterns`). */
export interface PatternInfo extends PatternEvidence {
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
  /** The learning generator that wrote it. */
  generator?: string;
}

export interface ToolResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Set when the command could not run at all (not installed, no network …). */
  error?: string;
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
