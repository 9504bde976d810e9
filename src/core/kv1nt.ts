import fs from 'node:fs';
import path from 'node:path';
import {
  addAgent,
  assertSafeAgentFolder,
  checkDeclaredAgentFolders,
  findAgent,
  listAgents,
  removeAgent,
  type AddAgentInput,
  type Agent,
} from './agents/registry.js';
import { loadConfig, type LoadedConfig } from './config/load.js';
import { invalidValue, agentNotFound } from './errors.js';
import { assertAgentId } from './ids.js';
import { unknownAgent } from './agents/known.js';
import { resolveDataDir } from './paths.js';
import { DataDir } from './store/data-dir.js';
import { openStores, type Stores } from './store/stores.js';
import { foldNew, markFolded, refreshAggregates, samePosition } from './feedback/aggregate-index.js';
import { emptyBucket, foldEntries, mergeBucket, totalFor, windowStartKey } from './feedback/aggregates.js';
import { invalidImportError, parseImport, type InvalidLine } from './feedback/import.js';
import { Recorder } from './feedback/recorder.js';
import { summarize, type FeedbackSummary } from './feedback/summary.js';
import type { FeedbackEntry, FeedbackInput } from './feedback/types.js';
import { toFeedbackRecord } from './feedback/validate.js';
import { runPatterns, type StoredPattern } from './patterns/engine.js';
import { noteWrittenSegment } from './patterns/segment-times.js';
import type { LogPosition } from './store/feedback-log.js';
import { generateLearnings, type LearningRun } from './learnings/engine.js';
import {
  healthOf,
  runAnalysis,
  thresholdsOf,
  type AnalysisResult,
  type HealthReport,
} from './analysis/analyze.js';
import { decideVerifications, type DecideReport } from './verify/engine.js';
import type { Verification } from './verify/types.js';
import { bySeverity, type Opportunity } from './analysis/opportunities.js';
import { collectPlugins, type PluginCandidate, type PluginSet } from './plugins/validate-plugin.js';
import { pluginLimit, pluginOptions } from './plugins/invoke.js';
import { loadCandidates } from './plugins/load-plugins.js';
import type { ProgressEvent } from './optimize/execute.js';
import type { DryRun, OptimizationResult } from './optimize/optimize.js';
import type { OptimizationPlan } from './optimize/plan.js';
import type { StrategyName } from './optimize/policy.js';
import type { RollbackReport } from './optimize/rollback.js';
import { collectStatus, collectStats, type Scope, type StatsReport, type StatusReport } from './status.js';

export interface CoreOptions {
  /** Overrides everything else (the `--data-dir` flag). */
  dataDir?: string | undefined;
  /** An explicit config file (`--config`); else `KV1NT_CONFIG`, else searched from `cwd`. */
  config?: string | undefined;
  cwd?: string | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  clock?: (() => Date) | undefined;
  /**
   * Where plugin objects come from (the built-ins, then installed and configured ones); called on
   * first use with the loaded config, whose `plugins` entries are resolved from its folder.
   */
  plugins?: ((loaded: LoadedConfig) => Promise<PluginCandidate[]>) | undefined;
  /** Told what the stores repaired on their own (default: process.emitWarning). */
  onWarning?: ((message: string) => void) | undefined;
}

export type { PluginCandidate } from './plugins/validate-plugin.js';

export interface ImportResult {
  imported: number;
  skipped: InvalidLine[];
  ids: string[];
}

export interface RemoveAgentResult {
  agent: Agent;
  purgedEntries: number;
}

/** One agent's turn of `kv1nt cycle`. */
export interface CycleStep {
  agentId: string;
  startedAt: string;
  finishedAt: string;
  /** Active patterns after detection. */
  patterns: number;
  learnings: number;
  healthScore: number | null;
  healthTrend: string;
  opportunities: number;
  optimized: boolean;
  /** Why it was or was not optimized. */
  reason: string;
  optimization: OptimizationResult | null;
  warnings: Array<{ plugin: string; component?: string; error: string }>;
}

export type FeedbackListener = (entry: FeedbackEntry) => void;

/** The engines behind every command and the programmatic API. No printing, no exiting. */
export class Kv1ntCore {
  readonly dataDir: string;
  readonly stores: Stores;
  private readonly recorder: Recorder;
  private readonly listeners = new Set<FeedbackListener>();
  private pluginSet: Promise<PluginSet> | undefined;
  private pluginSource: (loaded: LoadedConfig) => Promise<PluginCandidate[]> = () => Promise.resolve([]);

  private constructor(
    readonly loaded: LoadedConfig,
    dataDir: string,
    private readonly clock: () => Date,
    private readonly cwd: string,
    onWarning: ((message: string) => void) | undefined,
  ) {
    this.dataDir = dataDir;
    this.stores = openStores(new DataDir(dataDir), undefined, onWarning);
    this.recorder = new Recorder(this.stores.log);
  }

  static async open(options: CoreOptions = {}): Promise<Kv1ntCore> {
    const env = options.env ?? process.env;
    const cwd = options.cwd ?? process.cwd();
    const loaded = await loadConfig(cwd, options.config ?? env.KV1NT_CONFIG);
    const configDir = loaded.file ? path.dirname(loaded.file) : cwd;
    // Relative to the config file; an absolute dataDir stays as it is.
    const fromConfig =
      loaded.config.dataDir === undefined ? undefined : path.resolve(configDir, loaded.config.dataDir);
    const dataDir = resolveDataDir({ flag: options.dataDir, env: env.KV1NT_HOME, config: fromConfig }, cwd);
    checkDeclaredAgentFolders(loaded, dataDir);
    const core = new Kv1ntCore(loaded, dataDir, options.clock ?? (() => new Date()), cwd, options.onWarning);
    if (options.plugins) core.pluginSource = options.plugins;
    return core;
  }

  /** The plugins in use, loaded (file plugins in plugin processes) and validated once per process. */
  plugins(): Promise<PluginSet> {
    const loadLimit = this.loaded.config.pluginTimeoutMs ?? 10_000;
    this.pluginSet ??= this.pluginSource(this.loaded).then(async (found) => {
      const set = collectPlugins(await loadCandidates(found, loadLimit));
      // Options for a plugin that is not there are most likely a typo of its name.
      const names = set.plugins.map((p) => p.name);
      for (const name of Object.keys(this.loaded.config.pluginOptions ?? {}))
        if (!names.includes(name))
          set.warnings.push({
            plugin: name,
            error: `pluginOptions.${name} names no loaded plugin (loaded: ${names.join(', ')})`,
          });
      return set;
    });
    return this.pluginSet;
  }

  get configFile(): string | null {
    return this.loaded.file;
  }

  // ── feedback ────────────────────────────────────────────────────────────────

  async record(input: FeedbackInput): Promise<FeedbackEntry> {
    const [entry] = await this.recordMany([input]);
    return entry!;
  }

  /** Validates all first: one invalid input and nothing is written. */
  async recordMany(inputs: readonly FeedbackInput[]): Promise<FeedbackEntry[]> {
    const now = this.clock();
    const entries: FeedbackEntry[] = [];
    const lines: string[] = [];
    for (const input of inputs) {
      const record = toFeedbackRecord(input, now);
      entries.push(record.entry);
      lines.push(record.line);
    }
    await this.recorder.write(lines);
    this.notify(entries);
    return entries;
  }

  /** JSON Lines import, all or nothing unless `skipInvalid`. The batch lands atomically. */
  async importLines(text: string, options: { skipInvalid?: boolean } = {}): Promise<ImportResult> {
    const { entries, lines, invalid } = parseImport(text, this.clock());
    if (invalid.length > 0 && !options.skipInvalid) throw invalidImportError(invalid);
    // The entries are parsed already: fold them into the aggregates now, so that the next reader
    // does not re-read a large import from the log. Only when nothing else landed in between.
    let written: LogPosition | undefined;
    await this.stores.aggregates.locked(async (db) => {
      foldNew(this.stores, db.data);
      const span = await this.stores.log.appendSegment(lines);
      written = span?.after;
      if (span && samePosition(span.before, db.data.foldedTo)) {
        foldEntries(db.data, entries);
        markFolded(this.stores.log, db.data, span.after);
      }
      await db.write();
    });
    // The new segment's time span, for windowed reads (derived: losing it only costs speed).
    if (written) noteWrittenSegment(this.stores.log, written.segment, written.offset, timestampsOf(entries));
    this.notify(entries);
    return { imported: entries.length, skipped: invalid, ids: entries.map((entry) => entry.id) };
  }

  onFeedback(listener: FeedbackListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async summary(agentId: string, days = 7): Promise<FeedbackSummary> {
    checkDays(days);
    await this.assertKnownAgent(agentId);
    const [aggregates, stored] = await Promise.all([
      refreshAggregates(this.stores),
      this.stores.feedback.read(),
    ]);
    const summary = summarize(
      agentId,
      days,
      totalFor(aggregates, agentId, windowStartKey(this.clock(), days)),
    );
    // The agent's most frequent active patterns, as of the last `kv1nt patterns`.
    const topPatterns = stored.patterns
      .filter((p) => p.agentId === agentId && p.status !== 'inactive')
      .sort((a, b) => b.frequency - a.frequency || b.confidence - a.confidence)
      .slice(0, 5)
      .map(({ id, patternType, description, frequency, confidence, lastSeen }) => ({
        id,
        patternType,
        description,
        frequency,
        confidence,
        lastSeen,
      }));
    return { ...summary, topPatterns };
  }

  // ── agents ──────────────────────────────────────────────────────────────────

  /**
   * Every command that reads an agent checks it first: an agent neither declared nor with any
   * feedback or optimization result is a typo (exit 2, did-you-mean), not an agent without data.
   * Recording feedback does not check: that is how a new agent comes to exist.
   */
  async assertKnownAgent(agentId: string): Promise<void> {
    assertAgentId(agentId);
    const known = await this.knownAgentIds(agentId);
    if (!known.has(agentId)) throw unknownAgent(agentId, known);
  }

  /** The ids of the agents kv1nt knows of; stops early once `wanted` is found. */
  private async knownAgentIds(wanted?: string): Promise<Set<string>> {
    const known = new Set((await this.listAgents()).map((agent) => agent.id));
    if (wanted !== undefined && known.has(wanted)) return known;
    for (const id of Object.keys((await refreshAggregates(this.stores)).agents)) known.add(id);
    if (wanted !== undefined && known.has(wanted)) return known;
    for (const row of (await this.stores.optimization.read()).optimizationResults) known.add(row.agentId);
    return known;
  }

  listAgents(): Promise<Agent[]> {
    return listAgents(this.stores, this.loaded);
  }

  findAgent(id: string): Promise<Agent | undefined> {
    return findAgent(this.stores, this.loaded, id);
  }

  addAgent(input: AddAgentInput): Promise<Agent> {
    return addAgent(this.stores, this.loaded, input, this.cwd, this.clock());
  }

  /** Unregisters an agent; with `purge`, also deletes its feedback, patterns and results. */
  async removeAgent(id: string, options: { purge?: boolean } = {}): Promise<RemoveAgentResult> {
    const agent = await removeAgent(this.stores, this.loaded, id);
    if (!agent) {
      throw agentNotFound(`No registered agent ${id}.`, ['`kv1nt agents list` shows the agents.']);
    }
    const purgedEntries = options.purge ? await this.purgeHistory(id) : 0;
    return { agent, purgedEntries };
  }

  /**
   * Deletes an agent's history. The aggregates are reset first (under their lock, which also
   * keeps readers from folding a half-rewritten log), then the log is rewritten: a crash at any
   * point leaves aggregates that a full re-fold rebuilds correctly.
   */
  private async purgeHistory(id: string): Promise<number> {
    let removed = 0;
    await this.stores.aggregates.locked(async (db) => {
      Object.assign(db.data, this.stores.aggregates.defaults());
      await db.write();
      removed = await this.stores.log.rewrite((record) => (record as { agentId?: unknown }).agentId !== id);
    });
    await this.stores.feedback.update((doc) => {
      doc.patterns = doc.patterns.filter((row) => row.agentId !== id);
      doc.learningEvents = doc.learningEvents.filter((row) => row.agentId !== id);
    });
    await this.stores.optimization.update((doc) => {
      const others = <T extends { agentId: string }>(rows: T[]): T[] =>
        rows.filter((row) => row.agentId !== id);
      doc.performanceMetrics = others(doc.performanceMetrics);
      doc.opportunities = others(doc.opportunities);
      doc.optimizationPlans = others(doc.optimizationPlans);
      doc.optimizationResults = others(doc.optimizationResults);
      doc.healthHistory = others(doc.healthHistory);
    });
    return removed;
  }

  // ── analysis ────────────────────────────────────────────────────────────────

  /** Decides the agent's due verifications (the closed loop), then analyses its window. */
  async analyze(agentId: string, days = 7): Promise<AnalysisResult> {
    checkDays(days);
    await this.assertKnownAgent(agentId);
    const loop = await this.decide(agentId);
    const { result } = await this.runAnalysis(agentId, days, true);
    return {
      ...result,
      verifications: loop.verifications,
      warnings: [...loop.warnings, ...result.warnings],
    };
  }

  private async runAnalysis(agentId: string, days: number, persist: boolean) {
    // File plugins load in their own processes while the analysis computes its figures.
    const plugins = this.plugins();
    const [detectors, loadWarnings] = [plugins.then((p) => p.detectors), plugins.then((p) => p.warnings)];
    for (const pending of [detectors, loadWarnings]) pending.catch(() => undefined); // awaited by runAnalysis
    return runAnalysis({
      stores: this.stores,
      config: this.loaded.config,
      agentId,
      agent: await this.findAgent(agentId),
      days,
      now: this.clock(),
      detectors,
      loadWarnings,
      persist,
    });
  }

  /** The closed loop's decisions: what can be decided is, regressed changes are reverted. */
  decide(agentId?: string, persist = true): Promise<DecideReport> {
    return decideVerifications(
      { stores: this.stores, config: this.loaded.config, now: this.clock },
      { agentId, persist },
    );
  }

  /** `kv1nt verify [agent]`: decides what can be decided, then lists every verification (newest first). */
  async verify(agentId?: string): Promise<{ decided: Verification[]; verifications: Verification[] }> {
    if (agentId !== undefined) await this.assertKnownAgent(agentId);
    const { decided, all } = await this.decide(agentId);
    return { decided, verifications: all };
  }

  async health(agentId: string, days = 7): Promise<HealthReport> {
    checkDays(days);
    await this.assertKnownAgent(agentId);
    return healthOf(
      this.stores,
      this.loaded.config,
      agentId,
      await this.findAgent(agentId),
      days,
      this.clock(),
    );
  }

  /** Opportunities of one agent or all, most severe first. */
  async opportunities(
    agentId: string | undefined,
    status: 'open' | 'resolved' | 'all' = 'open',
  ): Promise<Opportunity[]> {
    if (agentId !== undefined) await this.assertKnownAgent(agentId);
    const doc = await this.stores.optimization.read();
    return doc.opportunities
      .filter(
        (row) =>
          (agentId === undefined || row.agentId === agentId) && (status === 'all' || row.status === status),
      )
      .sort((a, b) => bySeverity(a, b) || a.agentId.localeCompare(b.agentId));
  }

  /** The stored health history of an agent, oldest first. */
  async healthHistory(
    agentId: string,
  ): Promise<Array<{ timestamp: string; healthScore: number | null; healthTrend: string }>> {
    assertAgentId(agentId);
    const doc = await this.stores.optimization.read();
    return doc.healthHistory
      .filter((row) => row.agentId === agentId)
      .map((row) => ({
        timestamp: String(row.timestamp),
        healthScore: row.healthScore ?? null,
        healthTrend: String(row.healthTrend),
      }));
  }

  // ── patterns and learnings ──────────────────────────────────────────────────

  /** Detects and stores patterns of one agent, or of every agent (declared or with feedback). */
  async patterns(
    agentId: string | undefined,
    options: { days?: number; minFrequency?: number; minConfidence?: number } = {},
  ): Promise<StoredPattern[]> {
    const defaults = this.loaded.config.patterns ?? {};
    const days = options.days ?? defaults.days ?? 7;
    const minFrequency = options.minFrequency ?? defaults.minFrequency ?? 3;
    const minConfidence = options.minConfidence ?? defaults.minConfidence ?? 0.6;
    checkDays(days);
    if (!Number.isInteger(minFrequency) || minFrequency < 1)
      throw invalidValue('minFrequency', 'a whole number of at least 1', minFrequency);
    if (!(minConfidence >= 0 && minConfidence <= 1))
      throw invalidValue('minConfidence', 'a number from 0 to 1', minConfidence);
    if (agentId !== undefined) await this.assertKnownAgent(agentId);
    const declared = await this.listAgents();
    const targets =
      agentId === undefined
        ? declared
        : [declared.find((a) => a.id === agentId) ?? { id: agentId, slaMs: undefined }];
    return runPatterns(
      this.stores,
      targets.map((a) => ({ id: a.id, slaMs: a.slaMs ?? null })),
      agentId === undefined,
      { days, minFrequency, minConfidence },
      this.clock(),
    );
  }

  /** Turns the agent's stored patterns into learnings (run `patterns` first). */
  async learnings(agentId: string): Promise<LearningRun> {
    await this.assertKnownAgent(agentId);
    const [agent, plugins] = await Promise.all([this.findAgent(agentId), this.plugins()]);
    const info = { id: agentId, ...(agent ? { path: agent.path, test: agent.test } : {}) };
    const run = await generateLearnings(
      this.stores,
      info,
      plugins.generators,
      { ...this.loaded.config, thresholds: thresholdsOf(this.loaded.config) },
      { limitOf: pluginLimit(this.loaded.config), optionsOf: pluginOptions(this.loaded.config) },
      this.clock(),
    );
    return { ...run, warnings: [...plugins.warnings, ...run.warnings] };
  }

  // ── optimization ────────────────────────────────────────────────────────────

  /** Plans, approves, tries in a sandbox, and keeps what passes the agent's tests. */
  async optimize(
    agentId: string,
    request: {
      strategy?: StrategyName;
      yes?: boolean;
      dryRun?: boolean;
      planId?: string;
      interactive?: boolean;
      onEvent?: (event: ProgressEvent) => void;
    } = {},
  ): Promise<OptimizationResult | DryRun> {
    await this.assertKnownAgent(agentId);
    const { optimize } = await import('./optimize/optimize.js');
    const [agent, plugins] = await Promise.all([this.findAgent(agentId), this.plugins()]);
    if (agent) assertSafeAgentFolder(agent, this.dataDir);
    // The loop closes first: a regressed change is reverted before anything new is planned.
    const loop = await this.decide(agentId, !request.dryRun);
    return optimize(
      {
        stores: this.stores,
        config: this.loaded.config,
        configDir: this.loaded.file ? path.dirname(this.loaded.file) : this.cwd,
        agentId,
        agent,
        plugins,
        now: this.clock,
        analyze: async (persist) => {
          const run = await this.runAnalysis(agentId, 7, persist);
          run.result.warnings.unshift(...loop.warnings);
          return run;
        },
      },
      {
        strategy: request.strategy ?? 'auto',
        yes: request.yes ?? false,
        dryRun: request.dryRun ?? false,
        planId: request.planId,
        interactive: request.interactive ?? false,
        onEvent: request.onEvent,
      },
    );
  }

  /**
   * Finishes or undoes an optimization apply that a crash interrupted, and removes sandboxes of
   * dead processes. Every CLI command calls it first; it costs two `exists` checks when there is
   * nothing to do.
   */
  async recover(): Promise<void> {
    const { dataDir } = this.stores;
    if (
      !fs.existsSync(dataDir.path('optimization', 'transactions')) &&
      !fs.existsSync(dataDir.path('sandboxes'))
    )
      return;
    const { recoverInterrupted } = await import('./optimize/optimize.js');
    await recoverInterrupted(this.stores);
  }

  async approve(planId: string): Promise<OptimizationPlan> {
    const { approvePlan } = await import('./optimize/optimize.js');
    return approvePlan(this.stores, planId, this.clock());
  }

  async rollback(resultId: string, options: { force?: boolean } = {}): Promise<RollbackReport> {
    const { rollbackResult } = await import('./optimize/rollback.js');
    const { recoverInterrupted } = await import('./optimize/optimize.js');
    await recoverInterrupted(this.stores);
    return rollbackResult(this.stores, resultId, { force: options.force ?? false, now: this.clock });
  }

  async history(agentId: string, limit = 10): Promise<OptimizationResult[]> {
    if (!Number.isInteger(limit) || limit < 1)
      throw invalidValue('limit', 'a whole number of at least 1', limit);
    await this.assertKnownAgent(agentId);
    const { optimizationHistory } = await import('./optimize/rollback.js');
    return optimizationHistory(this.stores, agentId, limit);
  }

  /**
   * One turn of the loop for one agent: patterns → learnings → analyze → optimize when the health
   * is under `optimizeBelow` (default 80). An agent without a score is not optimized: there is no
   * evidence to act on.
   */
  async cycleAgent(
    agentId: string,
    options: { strategy?: StrategyName; yes?: boolean; interactive?: boolean } = {},
  ): Promise<CycleStep> {
    await this.assertKnownAgent(agentId);
    const startedAt = this.clock().toISOString();
    const patterns = await this.patterns(agentId);
    const learnings = await this.learnings(agentId);
    const analysis = await this.analyze(agentId);
    const optimizeBelow = this.loaded.config.optimizeBelow ?? 80;
    const agent = await this.findAgent(agentId);
    let optimization: OptimizationResult | null = null;
    let reason: string;
    if (analysis.healthScore === null) reason = 'no health score yet: nothing to act on';
    else if (analysis.healthScore >= optimizeBelow)
      reason = `health ${analysis.healthScore} is not under optimizeBelow ${optimizeBelow}`;
    else if (!agent) reason = 'not declared (no folder and test command): analysis only';
    else {
      reason = `health ${analysis.healthScore} is under optimizeBelow ${optimizeBelow}`;
      optimization = (await this.optimize(agentId, { ...options, dryRun: false })) as OptimizationResult;
    }
    return {
      agentId,
      startedAt,
      finishedAt: this.clock().toISOString(),
      patterns: patterns.filter((p) => p.status !== 'inactive').length,
      learnings: learnings.learnings.length,
      healthScore: analysis.healthScore,
      healthTrend: analysis.healthTrend,
      opportunities: analysis.opportunities.filter((o) => o.status === 'open').length,
      optimized: optimization !== null,
      reason,
      optimization,
      warnings: [...learnings.warnings, ...analysis.warnings],
    };
  }

  // ── status ──────────────────────────────────────────────────────────────────

  async status(scope: Scope = 'all'): Promise<StatusReport> {
    return collectStatus(this, scope);
  }

  async stats(agentId: string | undefined, scope: Scope = 'all'): Promise<StatsReport> {
    if (agentId !== undefined) await this.assertKnownAgent(agentId);
    return collectStats(this, agentId, scope);
  }

  /** All-time totals for each agent that has feedback. */
  async allTimeSummaries(): Promise<FeedbackSummary[]> {
    const aggregates = await refreshAggregates(this.stores);
    return Object.keys(aggregates.agents)
      .sort()
      .map((agentId) => {
        const total = emptyBucket('');
        mergeBucket(total, totalFor(aggregates, agentId));
        return summarize(agentId, 0, total);
      });
  }

  now(): Date {
    return this.clock();
  }

  private notify(entries: readonly FeedbackEntry[]): void {
    for (const entry of entries) {
      for (const listener of this.listeners) {
        // The entry is already durable: a faulty listener must not turn that into a failure.
        try {
          listener(entry);
        } catch (error) {
          process.emitWarning(`kv1nt onFeedback listener threw: ${(error as Error).message}`);
        }
      }
    }
  }
}

function* timestampsOf(entries: readonly FeedbackEntry[]): Generator<string> {
  for (const entry of entries) yield entry.timestamp;
}

function checkDays(days: number): void {
  if (!Number.isFinite(days) || days <= 0 || days > 3650)
    throw invalidValue('days', 'a number of days above 0 and at most 3650', days);
}
