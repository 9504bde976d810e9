/**
 * The core's front door. Commands (src/commands, src/cli) and the programmatic API (src/index.ts)
 * import from here, from ./errors.js and from the SDK — nothing else of src/core (a lint rule
 * holds them to it). `Kv1ntCore` does everything that needs the stores or the config; the
 * functions below need neither (a git repository's hooks, input parsing, durations).
 */
export { Kv1ntCore } from './kv1nt.js';
export type { CoreOptions, OptimizeRequest } from './requests.js';
export type { RemoveAgentResult } from './agents/remove.js';
export { IMPORT_FORMATS } from './feedback/desk.js';
export type {
  FeedbackListener,
  FormatImportOptions as ImportOptions,
  ImportFormat,
} from './feedback/desk.js';
export type { ImportProgress, ImportResult } from './feedback/import-run.js';
export type { LineMapper } from './feedback/import.js';
export { CSV_COLUMNS, EXPORT_FORMATS, type ExportCount, type ExportFormat } from './feedback/export.js';
export type { FeedbackFilter } from './feedback/filter.js';
export { LIST_LIMIT_MAX } from './feedback/list.js';
export { parseOlderThan } from './feedback/older-than.js';
export { pruneOlderThan, type PruneResult } from './feedback/prune.js';

// Feedback input, as the CLI parses it before handing it to the core.
export { FEEDBACK_SOURCES, FEEDBACK_TYPES } from './feedback/types.js';
export type { FeedbackEntry, FeedbackInput, FeedbackSource, FeedbackType } from './feedback/types.js';
export { LIMITS, isPlainObject, parseJsonInput } from './feedback/validate.js';
export { type ImportSource } from './feedback/import-source.js';
export { safeRecord, setOwn } from './safe-record.js';
export { visible } from './visible-text.js';
export { parseDuration } from './duration.js';
export { holdFatalSignals } from './fatal-exit.js';
export type { RunRecord, RunRequest } from './run-and-record.js';

// What the engines return.
export type { Agent } from './agents/registry.js';
export type { FeedbackSummary } from './feedback/summary.js';
export type { StoredPattern } from './patterns/engine.js';
export type { LearningRun } from './learnings/engine.js';
export type { AnalysisResult, HealthReport } from './analysis/analyze.js';
export { HEALTH_WEIGHTS } from './analysis/health.js';
export type { HealthComponents } from './analysis/health.js';
export type { Opportunity, OpportunityFilter, OpportunityStatusFilter } from './analysis/opportunities.js';
export type { TrendFields } from './analysis/trend.js';
export type { Verification } from './verify/types.js';
export { STRATEGY_NAMES } from './optimize/policy.js';
export type { StrategyName } from './optimize/policy.js';
export type { OptimizationPlan, PlanAction } from './optimize/plan.js';
export type { ActionResult, ProgressEvent, TestSummary } from './optimize/execute.js';
export type { DryRun, OptimizationResult } from './optimize/optimize.js';
export type { RollbackReport } from './optimize/rollback.js';
export type { FileChange, ResultDiff } from './optimize/result-diff.js';
export type { OptimizationRecords, RollbackTarget } from './optimize/records.js';
export type { CyclePhase, CycleReport, CycleRequest, CycleStep } from './cycle.js';
export type { Scope, StatsReport, StatusReport } from './status.js';
export { renderExposition } from './metrics/exposition.js';
export type { MetricFamily } from './metrics/exposition.js';
export { atomicWriteFile } from './store/atomic-file.js';
export { renderReport } from './report/html.js';
export { metricsView, reportView } from './views.js';
export type { ReportData } from './report/collect.js';
export type { PluginInfo } from './plugins/validate-plugin.js';
export type { PluginWarning } from './plugins/run-detectors.js';
export type { OclifPluginInfo } from './plugins/discover.js';

// Git hooks: the repository's hook files, and what a hook runs.
export { installHooks, uninstallHooks, hooksStatus, KV1NT_HOOKS } from './hooks/install.js';
export type {
  HookChange,
  HooksChangeReport,
  HookStatus,
  HooksReport,
  Kv1ntEntry,
  Kv1ntHookName,
} from './hooks/install.js';
export type { HooksLocation } from './hooks/git.js';
export type { AgentVerdict, GateVerdict } from './hooks/gate.js';
export type { CommitTestOutcome } from './hooks/post-commit.js';
export { logWorkerError, startTestRecorder } from './hooks/post-commit.js';
export { headCommit } from './hooks/git.js';
export { BLOCK_EXIT } from './hooks/script.js';
export { hooksSkipped } from './hooks/settings.js';
export type { HookOnError, HookSettings } from './hooks/settings.js';
