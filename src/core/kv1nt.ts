import path from 'node:path';
import {
  addAgent,
  assertSafeAgentFolder,
  findAgent,
  listAgents,
  type AddAgentInput,
  type Agent,
} from './agents/registry.js';
import { knownAgentIds, unknownAgent } from './agents/known.js';
import { removeAgentAndData, type RemoveAgentResult } from './agents/remove.js';
import type { LoadedConfig } from './config/load.js';
import {
  cycleAgent,
  runCycles,
  type CycleOptions,
  type CycleReport,
  type CycleRequest,
  type CycleStep,
} from './cycle.js';
import { checkDays } from './duration.js';
import { assertAgentId } from './ids.js';
import { resolveStoredId } from './stored-ids.js';
import { resolveSetup } from './setup.js';
import { recoveryPending } from './optimize/recovery-pending.js';
import { DataDir } from './store/data-dir.js';
import { openStores, type Stores } from './store/stores.js';
import { agentSummary, allTimeSummaries } from './feedback/agent-summary.js';
import { FeedbackDesk, type FeedbackListener, type ImportResult } from './feedback/desk.js';
import type { FeedbackSummary } from './feedback/summary.js';
import type { FeedbackEntry, FeedbackInput } from './feedback/types.js';
import { runPatterns, storedPatterns } from './patterns/engine.js';
import { patternOptions, type PatternRequest } from './patterns/options.js';
import { generateLearnings, type LearningRun } from './learnings/engine.js';
import {
  healthOf,
  runAnalysis,
  thresholdsOf,
  type AnalysisResult,
  type HealthReport,
} from './analysis/analyze.js';
import { decideVerifications, type DecideReport } from './verify/engine.js';
import { dismissOpportunity, listOpportunities, type OpportunityFilter } from './analysis/opportunities.js';
import { loadPluginSet, pluginCandidates, type PluginSources } from './plugins/assemble.js';
import type { CoreOptions, OptimizeRequest } from './requests.js';
import type {
  Opportunity,
  OptimizationPlan,
  OptimizationResult,
  StoredPattern,
  Verification,
} from './model/index.js';
import type { DryRun } from './optimize/optimize.js';
import { pluginLimit, pluginOptions } from './plugins/invoke.js';
import type { PluginSet } from './plugins/validate-plugin.js';
import type { OptimizationRecords, RollbackReport, RollbackTarget } from './optimize/records.js';
import { evaluateGate, type GateVerdict } from './hooks/gate.js';
import { recordCommitTests, type CommitTestOutcome } from './hooks/post-commit.js';
import { hookSettings, type HookSettings } from './hooks/settings.js';
import { runAndRecord, type RunRequest, type RunRecord } from './run-and-record.js';
import type { ViewCollector } from './views.js';
import { collectStats, collectStatus, type Scope, type StatsReport, type StatusReport } from './status.js';

/**
 * The front door: every command and the programmatic API go through it (and only it). It opens the
 * stores and the config once, checks what users name, and hands each request to its engine; the
 * engines take stores and plain functions, never this class. No printing, no exiting.
 */
export class Kv1ntCore {
  readonly dataDir: string;
  readonly stores: Stores;
  readonly desk: FeedbackDesk;
  private pluginSet: Promise<PluginSet> | undefined;

  private readonly clock: () => Date;
  private readonly cwd: string;
  private readonly pluginSources: PluginSources;

  private constructor(
    readonly loaded: LoadedConfig,
    dataDir: string,
    options: CoreOptions & { cwd: string },
  ) {
    this.dataDir = dataDir;
    this.clock = options.clock ?? (() => new Date());
    this.cwd = options.cwd;
    this.pluginSources = { ...options.plugins, cwd: options.cwd };
    this.stores = openStores(new DataDir(dataDir), undefined, options.onWarning);
    this.desk = new FeedbackDesk(this.stores, this.clock);
  }

  static async open(options: CoreOptions = {}): Promise<Kv1ntCore> {
    const { loaded, dataDir, cwd } = await resolveSetup(options);
    return new Kv1ntCore(loaded, dataDir, { ...options, cwd });
  }

  /** The plugins in use, loaded (file plugins in plugin processes) and validated once per instance. */
  plugins(): Promise<PluginSet> {
    this.pluginSet ??= pluginCandidates(this.pluginSources, this.loaded).then((found) =>
      loadPluginSet(found, this.loaded),
    );
    return this.pluginSet;
  }

  /** Starts loading the plugins (their processes start while kv1nt reads its stores); failures show where used. */
  preparePlugins(): void {
    this.plugins().catch(() => undefined);
  }

  get configFile(): string | null {
    return this.loaded.file;
  }

  now(): Date {
    return this.clock();
  }

  async record(input: FeedbackInput): Promise<FeedbackEntry> {
    const [entry] = await this.recordMany([input]);
    return entry!;
  }

  /** Validates all first: one invalid input and nothing is written. */
  recordMany(inputs: readonly FeedbackInput[]): Promise<FeedbackEntry[]> {
    return this.desk.recordMany(inputs);
  }

  /** Line-by-line import (JSON Lines or OTLP/JSON), all or nothing unless `skipInvalid`. Atomic. */
  importLines(text: string, options: Parameters<FeedbackDesk['importLines']>[1] = {}): Promise<ImportResult> {
    return this.desk.importLines(text, options);
  }

  /**
   * `kv1nt run`: runs a command as one operation of the agent and records its outcome. The entry
   * is validated before the command runs: a typo in the agent id must not run it unrecorded.
   */
  runAndRecord(request: RunRequest): Promise<RunRecord> {
    return runAndRecord(request, { now: this.clock, record: (input) => this.record(input) });
  }

  /** Called after each entry this instance records; returns an unsubscribe function. */
  onFeedback(listener: FeedbackListener): () => void {
    return this.desk.onFeedback(listener);
  }

  async summary(agentId: string, days = 7): Promise<FeedbackSummary> {
    checkDays(days);
    await this.assertKnownAgent(agentId);
    return agentSummary(this.stores, agentId, days, this.clock());
  }

  /** All-time totals for each agent that has feedback. */
  allTimeSummaries(): Promise<FeedbackSummary[]> {
    return allTimeSummaries(this.stores);
  }

  /**
   * Every command that reads an agent checks it first: one neither declared nor with any history is
   * a typo (exit 2, did-you-mean). Recording does not check: that is how a new agent comes to exist.
   */
  async assertKnownAgent(agentId: string): Promise<void> {
    assertAgentId(agentId);
    const known = await knownAgentIds(this.stores, await this.listAgents(), agentId);
    if (!known.has(agentId)) throw unknownAgent(agentId, known);
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

  /** Unregisters an agent; with `purge`, deletes the data of any agent that has some (agents/remove.ts). */
  async removeAgent(id: string, options: { purge?: boolean } = {}): Promise<RemoveAgentResult> {
    assertAgentId(id);
    const declared = await this.findAgent(id);
    return removeAgentAndData(this.stores, this.loaded, declared, id, options.purge ?? false);
  }

  /** Decides the agent's due verifications (the closed loop), then analyses its window. */
  async analyze(agentId: string, days = 7): Promise<AnalysisResult> {
    checkDays(days);
    this.preparePlugins();
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
    const agent = await this.findAgent(agentId);
    return healthOf(this.stores, this.loaded.config, agentId, agent, days, this.clock());
  }

  /** Opportunities of one agent or all, most severe first (open ones unless the filter says otherwise). */
  async opportunities(agentId: string | undefined, filter: OpportunityFilter = {}): Promise<Opportunity[]> {
    if (agentId !== undefined) await this.assertKnownAgent(agentId);
    return listOpportunities(this.stores, agentId, filter);
  }

  /** `kv1nt opportunities dismiss`: not worth fixing; reopened only at a higher severity. */
  dismissOpportunity(id: string, reason?: string): Promise<Opportunity> {
    return dismissOpportunity(this.stores, id, reason, this.clock());
  }

  /** Detects and stores patterns of one agent, or of every agent (declared or with feedback). */
  async patterns(agentId: string | undefined, request: PatternRequest = {}): Promise<StoredPattern[]> {
    const options = patternOptions(this.loaded.config, request);
    if (agentId !== undefined) await this.assertKnownAgent(agentId);
    const declared = await this.listAgents();
    const targets =
      agentId === undefined
        ? declared
        : [declared.find((a) => a.id === agentId) ?? { id: agentId, slaMs: undefined }];
    const agents = targets.map((a) => ({ id: a.id, slaMs: a.slaMs ?? null }));
    return runPatterns(this.stores, agents, agentId === undefined, options, this.clock());
  }

  /** `kv1nt patterns --stored`: the stored patterns of one agent or all, without detecting. */
  async storedPatterns(agentId: string | undefined): Promise<StoredPattern[]> {
    if (agentId !== undefined) await this.assertKnownAgent(agentId);
    return storedPatterns(this.stores, agentId);
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

  /** Plans, approves, tries in a sandbox, and keeps what passes the agent's tests. */
  async optimize(agentId: string, request: OptimizeRequest = {}): Promise<OptimizationResult | DryRun> {
    await this.assertKnownAgent(agentId);
    const planId = request.planId && (await resolveStoredId(this.stores, 'plan', request.planId));
    const { optimize } = await import('./optimize/optimize.js');
    const [agent, plugins] = await Promise.all([this.findAgent(agentId), this.plugins()]);
    if (agent) assertSafeAgentFolder(agent, this.dataDir);
    // The loop closes first: a regressed change is reverted before anything new is planned.
    const loop = await this.decide(agentId, !request.dryRun);
    const analyze = async (persist: boolean) => {
      const run = await this.runAnalysis(agentId, 7, persist);
      run.result.warnings.unshift(...loop.warnings);
      return run;
    };
    const configDir = this.loaded.file ? path.dirname(this.loaded.file) : this.cwd;
    const context = { stores: this.stores, config: this.loaded.config, configDir, agentId, agent, plugins };
    return optimize(
      { ...context, now: this.clock, analyze },
      {
        strategy: request.strategy ?? 'auto',
        yes: request.yes ?? false,
        dryRun: request.dryRun ?? false,
        planId,
        interactive: request.interactive ?? false,
        choose: request.choose,
        onEvent: request.onEvent,
      },
    );
  }

  /**
   * Finishes or undoes an optimization apply that a crash interrupted, and removes sandboxes of
   * dead processes. Every CLI command calls it first; it costs two `readdir`s when there is
   * nothing to do.
   */
  async recover(): Promise<void> {
    if (!recoveryPending(this.stores.dataDir)) return;
    const { recoverInterrupted } = await import('./optimize/recovery.js');
    await recoverInterrupted(this.stores);
  }

  /** Plans and results by the ids a person types (whole or a unique prefix): optimize/records.ts. */
  async records(): Promise<OptimizationRecords> {
    const { OptimizationRecords } = await import('./optimize/records.js');
    return new OptimizationRecords(this.stores, this.clock, (id) => this.assertKnownAgent(id));
  }

  async approve(planId: string): Promise<OptimizationPlan> {
    return (await this.records()).approve(planId);
  }

  async rollback(target: RollbackTarget, options: { force?: boolean } = {}): Promise<RollbackReport> {
    return (await this.records()).rollback(target, options.force ?? false);
  }

  async history(agentId: string, limit = 10): Promise<OptimizationResult[]> {
    return (await this.records()).history(agentId, limit);
  }

  /** One turn of the loop for one agent (see cycle.ts). */
  async cycleAgent(agentId: string, options: CycleOptions = {}): Promise<CycleStep> {
    await this.assertKnownAgent(agentId);
    return cycleAgent(this, agentId, options, this.loaded.config.optimizeBelow ?? 80);
  }

  /** `kv1nt cycle`: once, or every `intervalMs` until `signal` aborts (the step in flight finishes). */
  cycle(request: CycleRequest): Promise<CycleReport> {
    return runCycles(this, (id, options) => this.cycleAgent(id, options), request);
  }

  /** The `hooks` key of the config, with its defaults. */
  hookSettings(): HookSettings {
    return hookSettings(this.loaded.config);
  }

  /** The pre-push gate: a fresh analysis of each of the hooks' agents. */
  prePushGate(): Promise<GateVerdict> {
    return evaluateGate((id) => this.analyze(id), this.hookSettings());
  }

  /** The post-commit worker: runs each agent's tests and records their outcome as `test` feedback. */
  recordCommitTests(agentIds: readonly string[], commit: string): Promise<CommitTestOutcome[]> {
    return recordCommitTests(this, agentIds, commit);
  }

  async status(scope: Scope = 'all'): Promise<StatusReport> {
    const [declared, summaries, plugins] = await Promise.all([
      this.listAgents(),
      this.allTimeSummaries(),
      this.plugins(),
    ]);
    const { stores, dataDir, configFile } = this;
    const sources = { stores, dataDir, configFile, declared, summaries };
    return collectStatus(sources, plugins, scope);
  }

  /**
   * A read-only view over a window (`kv1nt metrics`, `kv1nt report`; see views.ts): of one agent,
   * checked, or of every agent kv1nt knows.
   */
  async view<T>(collect: ViewCollector<T>, agentId: string | undefined, days: number): Promise<T> {
    checkDays(days);
    if (agentId !== undefined) await this.assertKnownAgent(agentId);
    return collect(this.stores, { agentId, declared: await this.listAgents(), days, now: this.clock() });
  }

  async stats(agentId: string | undefined, scope: Scope = 'all'): Promise<StatsReport> {
    if (agentId !== undefined) await this.assertKnownAgent(agentId);
    return collectStats({ stores: this.stores, summaries: await this.allTimeSummaries() }, agentId, scope);
  }
}
