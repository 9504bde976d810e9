import type { Agent } from '../agents/registry.js';
import { refreshAggregates } from '../feedback/aggregate-index.js';
import type { FeedbackEntry } from '../feedback/types.js';
import { readFeedbackWindow, type FeedbackWindow } from '../feedback/window.js';
import { prepareColumns } from '../feedback/columns/build.js';
import { newId } from '../ids.js';
import type { LoadedDetector, PluginWarning } from '../plugins/run-detectors.js';
import { runDetectors } from '../plugins/run-detectors.js';
import { pluginLimit, pluginOptions } from '../plugins/invoke.js';
import { FEEDBACK_READ, FEEDBACK_WINDOW } from '../plugins/plugin-process.js';
import { processRunner, type ProcessRunner } from '../runner/runner.js';
import {
  DEFAULT_THRESHOLDS,
  type AgentInfo,
  type AnalysisMetrics,
  type DetectorContext,
  type LearningInfo,
  type PatternInfo,
  type Thresholds,
} from '../sdk/types.js';
import type { OptimizationResult } from '../model/index.js';
import type { OptimizationStoreDoc, Stores } from '../store/stores.js';
import { peekWithEpochs, refreshWithEpochs } from '../feedback/epochs.js';
import { wantedEpochs } from '../verify/engine.js';
import { verifyConfigOf, type Verification } from '../verify/types.js';
import { judgeEpochs } from './epoch-judge.js';
import type { Kv1ntConfig } from '../config/schema.js';
import type { HealthComponents } from './health.js';
import { windowFigures } from './metrics.js';
import { reconcile, type Opportunity } from './opportunities.js';
import { healthTrend, trendFields, trendRuleOf, type HealthTrend } from './trend.js';
import { deepFreeze } from '../deep-freeze.js';

/** `kv1nt analyze --json`: health, trend, opportunities and the closed loop's verdicts. */
export interface AnalysisResult {
  agentId: string;
  windowDays: number;
  sampleSize: number;
  healthScore: number | null;
  healthTrend: HealthTrend;
  /** Theil–Sen slope (points/day), Mann–Kendall p-value and fitted change (points); see trend.ts. */
  trendSlopePerDay: number | null;
  trendPValue: number | null;
  trendChange: number | null;
  components: HealthComponents;
  metrics: AnalysisMetrics & { trendSlopePerDay: number | null };
  opportunities: Opportunity[];
  warnings: PluginWarning[];
  analyzedAt: string;
  /** The latest optimization that kept a change, and how the health moved since (null without one). */
  sinceOptimization: SinceOptimization | null;
  /** The agent's open and recently decided verifications (the closed loop). */
  verifications?: Verification[];
}

export interface SinceOptimization {
  resultId: string;
  status: string;
  finishedAt: string;
  rolledBack: boolean;
  healthBefore: number | null;
  healthNow: number | null;
  /** healthNow − healthBefore, one decimal; null when either is unknown. */
  change: number | null;
}

export interface AnalyzeInput {
  stores: Stores;
  config: Kv1ntConfig;
  agentId: string;
  agent: Agent | undefined;
  days: number;
  now: Date;
  /** Awaited only when the detectors run: file plugins load in their processes meanwhile. */
  detectors: readonly LoadedDetector[] | Promise<readonly LoadedDetector[]>;
  /** Plugins that failed to load, reported with the run. */
  loadWarnings?: PluginWarning[] | Promise<PluginWarning[]>;
  /** false: compute only, write nothing (a dry run). Default true. */
  persist?: boolean;
  /** Runs the detectors' tools (default: real processes). */
  runner?: ProcessRunner | undefined;
}

/** How many analysis rows (performance_metrics, health_history) each agent keeps. */
const HISTORY_KEPT = 1000;

export function thresholdsOf(config: Kv1ntConfig): Thresholds {
  return { ...DEFAULT_THRESHOLDS, ...stripUndefined(config.thresholds ?? {}) };
}

/** What a detector context describes of the feedback: the window's, or an epoch's. */
export interface FeedbackView {
  metrics: DetectorContext['metrics'];
  components: DetectorContext['components'];
  patterns: readonly PatternInfo[];
  /** Raw entries from this instant (epoch ms) to now are what `ctx.feedback` holds. */
  from: number;
}

/**
 * One analysis: figures of the window from the aggregates, health score and trend, every
 * detector run in isolation, opportunities reconciled (those under an epoch judged on the
 * feedback after their change only), and a performance_metrics and a health_history row stored.
 * With `persist: false` (a dry run) nothing is written: the aggregates are brought up to date in
 * memory and the reconciled opportunities are returned, not stored.
 */
export async function analyzeAgent(input: AnalyzeInput): Promise<AnalysisResult> {
  return (await runAnalysis(input)).result;
}

export async function runAnalysis(
  input: AnalyzeInput,
): Promise<{ result: AnalysisResult; opportunities: Opportunity[] }> {
  const { stores, agentId, agent, days, now } = input;
  const persist = input.persist ?? true;
  const thresholds = thresholdsOf(input.config);
  const runner = input.runner ?? processRunner;
  const [feedbackDoc, optimizationDoc] = await Promise.all([
    stores.feedback.read(),
    stores.optimization.read(),
  ]);
  const wanted = wantedEpochs(optimizationDoc, now);
  const aggregates = persist ? await refreshWithEpochs(stores, wanted) : await peekWithEpochs(stores, wanted);
  const slaMs = agent?.slaMs ?? null;
  const figures = windowFigures(aggregates, agentId, now, days, slaMs);
  const windowStart = now.getTime() - days * 86_400_000;
  const history = optimizationDoc.healthHistory
    .filter(
      (row) =>
        row.agentId === agentId &&
        typeof row.healthScore === 'number' &&
        Date.parse(String(row.timestamp)) >= windowStart,
    )
    .map((row) => ({ at: Date.parse(String(row.timestamp)), score: row.healthScore as number }));
  const trend = healthTrend([...figures.daily, ...history], trendRuleOf(input.config));

  const patterns: PatternInfo[] = feedbackDoc.patterns.filter((row) => row.agentId === agentId);
  const learnings: LearningInfo[] = feedbackDoc.learningEvents.filter((row) => row.agentId === agentId);
  const agentInfo = toAgentInfo(agentId, agent);
  const optionsOf = pluginOptions(input.config);
  const limitOf = pluginLimit(input.config);
  // Whether a plugin process read a window (then the log's column sidecars are made, below).
  let windowRead = false;
  /**
   * A detector context on a view of the feedback: the window's, or an epoch's (from its instant
   * on). Its entries are read from the log only if a detector asks — the built-ins work from the
   * aggregates — and a plugin process reads the same window itself (FEEDBACK_WINDOW), so the
   * entries never cross between processes.
   */
  const contextFor = (view: FeedbackView) => {
    const window: FeedbackWindow = {
      dataDir: stores.dataDir.root,
      agentId,
      from: view.from,
      to: now.getTime(),
    };
    let entries: readonly FeedbackEntry[] | undefined;
    return (plugin: string, warnings: PluginWarning[], detector: string): DetectorContext =>
      deepFreeze({
        agent: agentInfo,
        get feedback() {
          return (entries ??= deepFreeze(readFeedbackWindow(window)));
        },
        [FEEDBACK_WINDOW]: window,
        [FEEDBACK_READ]: () => (windowRead = true),
        components: view.components,
        metrics: view.metrics,
        patterns: view.patterns,
        learnings,
        config: { ...input.config, thresholds },
        options: optionsOf(plugin),
        run: (command: string, args: readonly string[], options?: { timeoutMs?: number }) =>
          agent?.path
            ? runner.runTool(command, args, agent.path, options?.timeoutMs ?? thresholds.toolTimeoutMs)
            : Promise.resolve({
                exitCode: null,
                stdout: '',
                stderr: '',
                timedOut: false,
                error: `agent ${agentId} has no folder`,
              }),
        warn: (message: string) => warnings.push({ plugin, component: detector, error: message }),
        now,
      });
  };
  const detectors = await input.detectors;
  const run = await runDetectors(
    detectors,
    contextFor({ metrics: figures.metrics, components: figures.components, patterns, from: windowStart }),
    limitOf,
  );

  // A detector missing from a complete load is gone; after a failed load, none is.
  const loaded =
    ((await input.loadWarnings) ?? []).length === 0
      ? new Set(detectors.map((d) => d.detector.id))
      : undefined;
  const mine = optimizationDoc.opportunities.filter((row) => row.agentId === agentId);
  const epochs = await judgeEpochs({
    aggregates,
    agentId,
    opportunities: mine,
    detectors,
    days,
    now,
    slaMs,
    minEntries: verifyConfigOf(input.config).minEntries,
    contextFor: (view) => contextFor({ ...view, from: Date.parse(view.since) }),
    patterns,
    pluginLimit: limitOf,
  });
  // A plugin process reads the window itself, read-only, as columns where a segment has current
  // ones: once a plugin has read it, the log's columns are made here for the next analyses.
  if (windowRead) prepareColumns(stores.log, windowStart);

  const analyzedAt = now.toISOString();
  const metricsRow = {
    id: newId('pm'),
    agentId,
    timestamp: analyzedAt,
    windowDays: days,
    sampleSize: figures.metrics.total,
    components: figures.components,
    metrics: figures.metrics,
  };
  const healthRow = {
    id: newId('hh'),
    agentId,
    timestamp: analyzedAt,
    healthScore: figures.healthScore,
    healthTrend: trend.trend,
    components: figures.components,
  };
  const merge = (doc: OptimizationStoreDoc) => {
    const current = doc.opportunities.filter((row) => row.agentId === agentId);
    return reconcile(current, agentId, run.findings, run.completed, now, epochs.judgements, loaded);
  };
  const opportunities = persist
    ? await stores.optimization.update((doc) => {
        const updated = merge(doc);
        doc.opportunities = [...doc.opportunities.filter((row) => row.agentId !== agentId), ...updated];
        doc.performanceMetrics = keepLatest([...doc.performanceMetrics, metricsRow], agentId);
        doc.healthHistory = keepLatest([...doc.healthHistory, healthRow], agentId);
        return updated;
      })
    : merge(optimizationDoc);
  const result: AnalysisResult = {
    agentId,
    windowDays: days,
    sampleSize: figures.metrics.total,
    healthScore: figures.healthScore,
    ...trendFields(trend),
    components: figures.components,
    metrics: { ...figures.metrics, trendSlopePerDay: trend.slopePerDay },
    opportunities: opportunities.filter((o) => o.status === 'open'),
    warnings: [...((await input.loadWarnings) ?? []), ...run.warnings, ...epochs.warnings],
    analyzedAt,
    sinceOptimization: sinceOptimization(optimizationDoc.optimizationResults, agentId, figures.healthScore),
  };
  return { result, opportunities };
}

/** Did the last kept change help? Compares the score its plan was made with to today's. */
function sinceOptimization(
  results: readonly OptimizationResult[],
  agentId: string,
  healthNow: number | null,
): SinceOptimization | null {
  const kept = results
    .filter(
      (row) =>
        row.agentId === agentId &&
        (row.status === 'applied' || row.status === 'partially_applied') &&
        typeof row.finishedAt === 'string',
    )
    .sort((a, b) => String(b.finishedAt).localeCompare(String(a.finishedAt)))[0];
  if (!kept) return null;
  const healthBefore = typeof kept.healthBefore === 'number' ? kept.healthBefore : null;
  return {
    resultId: String(kept.id),
    status: String(kept.status),
    finishedAt: String(kept.finishedAt),
    rolledBack: typeof kept.rolledBackAt === 'string',
    healthBefore,
    healthNow,
    change:
      healthBefore === null || healthNow === null ? null : Math.round((healthNow - healthBefore) * 10) / 10,
  };
}

export interface HealthReport {
  agentId: string;
  windowDays: number;
  sampleSize: number;
  healthScore: number | null;
  healthTrend: HealthTrend;
  trendSlopePerDay: number | null;
  trendPValue: number | null;
  trendChange: number | null;
  components: HealthComponents;
  /** Daily scores of the window and the stored analyses, oldest first. */
  history: Array<{ timestamp: string; healthScore: number; source: 'daily' | 'analysis' }>;
}

/** Score, trend and history without running detectors or storing anything. */
export async function healthOf(
  stores: Stores,
  config: Kv1ntConfig,
  agentId: string,
  agent: Agent | undefined,
  days: number,
  now: Date,
): Promise<HealthReport> {
  const figures = windowFigures(await refreshAggregates(stores), agentId, now, days, agent?.slaMs ?? null);
  const windowStart = now.getTime() - days * 86_400_000;
  const analyses = (await stores.optimization.read()).healthHistory
    .filter((row) => row.agentId === agentId && typeof row.healthScore === 'number')
    .map((row) => ({
      timestamp: String(row.timestamp),
      healthScore: row.healthScore as number,
      source: 'analysis' as const,
    }));
  const daily = figures.daily.map((point) => ({
    timestamp: new Date(point.at).toISOString(),
    healthScore: point.score,
    source: 'daily' as const,
  }));
  const inWindow = analyses.filter((row) => Date.parse(row.timestamp) >= windowStart);
  const trend = healthTrend(
    [...figures.daily, ...inWindow.map((row) => ({ at: Date.parse(row.timestamp), score: row.healthScore }))],
    trendRuleOf(config),
  );
  return {
    agentId,
    windowDays: days,
    sampleSize: figures.metrics.total,
    healthScore: figures.healthScore,
    ...trendFields(trend),
    components: figures.components,
    history: [...daily, ...analyses].sort((a, b) => a.timestamp.localeCompare(b.timestamp)),
  };
}

export function toAgentInfo(agentId: string, agent: Agent | undefined): AgentInfo {
  if (!agent) return { id: agentId };
  const info: AgentInfo = { id: agentId, path: agent.path, test: agent.test };
  if (agent.slaMs !== undefined) info.slaMs = agent.slaMs;
  if (agent.learningsFile !== undefined) info.learningsFile = agent.learningsFile;
  if (agent.guardian !== undefined) info.guardian = agent.guardian;
  if (agent.params !== undefined) info.params = agent.params;
  return info;
}

function keepLatest<T extends { agentId: string }>(rows: T[], agentId: string): T[] {
  const mine = rows.filter((row) => row.agentId === agentId);
  if (mine.length <= HISTORY_KEPT) return rows;
  const drop = new Set(mine.slice(0, mine.length - HISTORY_KEPT));
  return rows.filter((row) => !drop.has(row));
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
