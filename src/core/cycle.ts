import type { Agent } from './agents/registry.js';
import type { AnalysisResult } from './analysis/analyze.js';
import type { LoadedConfig } from './config/load.js';
import { pruneOlderThan, type PruneResult, type PruneTarget } from './feedback/prune.js';
import type { LearningRun } from './learnings/engine.js';
import type { DryRun, OptimizationResult } from './optimize/optimize.js';
import type { StrategyName } from './optimize/policy.js';
import type { ProgressEvent } from './optimize/results.js';
import type { StoredPattern } from './patterns/engine.js';

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

export interface CycleReport {
  /** `pruned`: what config `retention.days` deleted at the start of the cycle (null when unset). */
  cycles: Array<{ startedAt: string; finishedAt: string; pruned: PruneResult | null; agents: CycleStep[] }>;
  /** The abort signal's reason (e.g. the name of the signal that stopped an interval), else null. */
  stoppedBy: string | null;
}

export interface CycleOptions {
  strategy?: StrategyName;
  yes?: boolean;
  interactive?: boolean;
  /** Told as each step of an agent's turn begins (for a progress line). */
  onPhase?: ((agentId: string, phase: CyclePhase) => void) | undefined;
  /** The optimize step's progress: which action, which test run. */
  onEvent?: ((event: ProgressEvent) => void) | undefined;
}

export type CyclePhase = 'patterns' | 'learnings' | 'analyze' | 'optimize';

export interface CycleRequest extends CycleOptions {
  /** One agent, or every declared agent (read again at each cycle). */
  agents: { id: string } | 'all';
  /** Repeat every so many ms until `signal` aborts; once without. */
  intervalMs?: number | undefined;
  /** Stops the loop between agents and during the wait; the step in flight finishes first. */
  signal?: AbortSignal | undefined;
  onStep?: (step: CycleStep) => void;
  /** Called after retention (config `retention.days`) pruned, before the agents' turns. */
  onPrune?: (pruned: PruneResult) => void;
  /** Called before each wait between cycles. */
  onWait?: () => void;
}

/** The engines one turn of the loop runs, in order (the facade provides them). */
export interface CycleEngines extends PruneTarget {
  /** Its `retention.days`: each cycle first deletes the feedback that is older. */
  loaded: LoadedConfig;
  listAgents(): Promise<Agent[]>;
  findAgent(id: string): Promise<Agent | undefined>;
  patterns(agentId: string): Promise<StoredPattern[]>;
  learnings(agentId: string): Promise<LearningRun>;
  analyze(agentId: string): Promise<AnalysisResult>;
  optimize(agentId: string, request: CycleOptions & { dryRun: false }): Promise<OptimizationResult | DryRun>;
}

/**
 * One turn of the loop for one agent: patterns → learnings → analyze → optimize when the health is
 * under `optimizeBelow`. An agent without a score is not optimized: there is no evidence to act on.
 */
export async function cycleAgent(
  engines: CycleEngines,
  agentId: string,
  options: CycleOptions,
  /** Health under this is optimized (config `optimizeBelow`, default 80). */
  optimizeBelow: number,
): Promise<CycleStep> {
  const startedAt = engines.now().toISOString();
  const { onPhase, ...optimizeOptions } = options;
  onPhase?.(agentId, 'patterns');
  const patterns = await engines.patterns(agentId);
  onPhase?.(agentId, 'learnings');
  const learnings = await engines.learnings(agentId);
  onPhase?.(agentId, 'analyze');
  const analysis = await engines.analyze(agentId);
  const agent = await engines.findAgent(agentId);
  let optimization: OptimizationResult | null = null;
  let reason: string;
  if (analysis.healthScore === null) reason = 'no health score yet: nothing to act on';
  else if (analysis.healthScore >= optimizeBelow)
    reason = `health ${analysis.healthScore} is not under optimizeBelow ${optimizeBelow}`;
  else if (!agent) reason = 'not declared (no folder and test command): analysis only';
  else {
    reason = `health ${analysis.healthScore} is under optimizeBelow ${optimizeBelow}`;
    onPhase?.(agentId, 'optimize');
    optimization = (await engines.optimize(agentId, {
      ...optimizeOptions,
      dryRun: false,
    })) as OptimizationResult;
  }
  return {
    agentId,
    startedAt,
    finishedAt: engines.now().toISOString(),
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

/** `kv1nt cycle`: every agent's turn, once or every `intervalMs` until the signal aborts. */
export async function runCycles(
  engines: CycleEngines,
  turn: (agentId: string, options: CycleOptions) => Promise<CycleStep>,
  request: CycleRequest,
): Promise<CycleReport> {
  const { signal, intervalMs } = request;
  const options: CycleOptions = {
    strategy: request.strategy,
    yes: request.yes,
    interactive: request.interactive,
    onPhase: request.onPhase,
    onEvent: request.onEvent,
  };
  const report: CycleReport = { cycles: [], stoppedBy: null };
  for (;;) {
    const startedAt = engines.now().toISOString();
    const days = engines.loaded.config.retention?.days;
    const pruned = days === undefined ? null : await pruneOlderThan(engines, { olderThanDays: days });
    if (pruned) request.onPrune?.(pruned);
    const ids =
      request.agents === 'all' ? (await engines.listAgents()).map((a) => a.id) : [request.agents.id];
    const steps: CycleStep[] = [];
    for (const id of ids) {
      if (signal?.aborted) break;
      const step = await turn(id, options);
      steps.push(step);
      request.onStep?.(step);
    }
    report.cycles.push({ startedAt, finishedAt: engines.now().toISOString(), pruned, agents: steps });
    if (intervalMs === undefined || signal?.aborted) break;
    request.onWait?.();
    await sleep(intervalMs, signal);
    if (signal?.aborted) break;
  }
  if (signal?.aborted) report.stoppedBy = String(signal.reason);
  return report;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
