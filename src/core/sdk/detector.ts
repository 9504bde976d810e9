/** A detector: reads the agent's figures and reports findings (opportunities). */
import type { FeedbackEntry } from './feedback.js';
import type {
  AgentInfo,
  AnalysisMetrics,
  HealthComponents,
  LearningInfo,
  PatternInfo,
  PluginConfig,
  PluginOptions,
  ToolResult,
} from './context.js';

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
  readonly config: PluginConfig;
  /** This plugin's options: the config's `pluginOptions[<plugin name>]`, `{}` when none. */
  readonly options: PluginOptions;
  /** Runs a command in the agent folder with a time limit (for detectors that ask tools, e.g. npm). */
  run(command: string, args: readonly string[], options?: { timeoutMs?: number }): Promise<ToolResult>;
  /** Reports a problem that did not stop the detector (e.g. the registry is offline): shown in `warnings`. */
  warn(message: string): void;
  readonly now: Date;
}

/** One thing a detector found. */
export interface Finding {
  title: string;
  description: string;
  /** Defaults to the default severity of the detector's opportunity type. */
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
