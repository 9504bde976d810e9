import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Agent } from '../agents/registry.js';
import { thresholdsOf, toAgentInfo } from '../analysis/analyze.js';
import type { Opportunity } from '../analysis/opportunities.js';
import type { Kv1ntConfig } from '../config/schema.js';
import { Kv1ntError, EXIT_USAGE, invalidInput } from '../errors.js';
import { newId } from '../ids.js';
import { pluginLimit, pluginOptions } from '../plugins/invoke.js';
import type { PluginWarning } from '../plugins/run-detectors.js';
import type { PluginSet } from '../plugins/validate-plugin.js';
import { runTool } from '../runner/run-tool.js';
import type { ApplyContext, LearningInfo, PatternInfo, StrategyContext } from '../sdk/types.js';
import { acquireLock } from '../store/lock.js';
import type { Stores } from '../store/stores.js';
import { isInside } from '../paths.js';
import { decideApproval, type ApprovalDecision } from './approval.js';
import {
  emptyResult,
  executePlan,
  type ActionResult,
  type ExecuteOutcome,
  type ProgressEvent,
  type ResultStatus,
} from './execute.js';
import { buildPlan, type OptimizationPlan } from './plan.js';
import type { Journal } from './journal.js';
import { resolvePolicy, type StrategyName } from './policy.js';

export const DEFAULT_TEST_TIMEOUT_MS = 600_000;
/** An analysis younger than this is used as it is; an older one is run again first. */
export const FRESH_ANALYSIS_MS = 60 * 60_000;

/** `kv1nt optimize --json` (contract §6). */
export interface OptimizationResult {
  [key: string]: unknown;
  id: string;
  planId: string;
  agentId: string;
  strategy: StrategyName;
  policy: OptimizationPlan['policy'];
  status: ResultStatus | 'running' | 'interrupted';
  actions: ActionResult[];
  baseline: ExecuteOutcome['baseline'];
  approval: ApprovalDecision | null;
  healthBefore: number | null;
  warnings: PluginWarning[];
  startedAt: string;
  finishedAt: string | null;
  rolledBackAt: string | null;
  /** The process running it, to tell a crashed run (`interrupted`) from a live one. */
  pid: number;
}

export interface OptimizeRequest {
  strategy: StrategyName;
  yes: boolean;
  dryRun: boolean;
  /** Carry out a stored plan (after `kv1nt approve`). */
  planId?: string | undefined;
  interactive: boolean;
  onEvent?: ((event: ProgressEvent) => void) | undefined;
}

export interface OptimizeDeps {
  stores: Stores;
  config: Kv1ntConfig;
  configDir: string;
  agentId: string;
  agent: Agent | undefined;
  plugins: PluginSet;
  now: () => Date;
  /** Runs an analysis (the engine's, so opportunities are reconciled and stored). */
  analyze: () => Promise<{ healthScore: number | null }>;
}

export type DryRun = OptimizationPlan & { status: 'dry_run' };

export async function optimize(
  deps: OptimizeDeps,
  request: OptimizeRequest,
): Promise<OptimizationResult | DryRun> {
  const agent = runnableAgent(deps.agentId, deps.agent);
  const { stores } = deps;
  const lock = await lockAgent(stores, deps.agentId);
  try {
    await recoverInterrupted(stores);
    // Not on every command like the recovery: it lists every transaction ever kept.
    removeAbandonedStaging(stores.dataDir.path('optimization', 'transactions'));
    const plugins = deps.plugins;
    const warnings: PluginWarning[] = [...plugins.warnings];
    const feedbackDoc = await stores.feedback.read();
    const patterns = feedbackDoc.patterns.filter(
      (row) => row.agentId === deps.agentId && row.status !== 'inactive',
    ) as unknown as PatternInfo[];
    const learnings = feedbackDoc.learningEvents.filter(
      (row) => row.agentId === deps.agentId,
    ) as unknown as LearningInfo[];
    const agentInfo = toAgentInfo(deps.agentId, agent);
    const config = { ...deps.config, thresholds: thresholdsOf(deps.config) };
    const optionsOf = pluginOptions(deps.config);
    const limitOf = pluginLimit(deps.config);

    let plan: OptimizationPlan;
    if (request.planId !== undefined) {
      plan = await storedPlan(stores, deps.agentId, request.planId);
    } else {
      const healthBefore = await currentHealth(deps);
      const { policy, reason } = resolvePolicy(request.strategy, healthBefore, deps.config.autoPolicy);
      const opportunities = (await stores.optimization.read()).opportunities.filter(
        (row) => row.agentId === deps.agentId && row.status === 'open',
      ) as unknown as Opportunity[];
      const context = (plugin: string, sink: PluginWarning[]): StrategyContext =>
        Object.freeze({
          agent: agentInfo,
          config,
          options: optionsOf(plugin),
          policy,
          patterns,
          learnings,
          now: deps.now(),
          warn: (message: string) => sink.push({ plugin, error: message }),
        });
      const built = await buildPlan({
        agentId: deps.agentId,
        strategy: request.strategy,
        policy,
        policyReason: reason,
        healthBefore,
        opportunities,
        strategies: plugins.strategies,
        context,
        pluginLimit: limitOf,
        now: deps.now(),
      });
      warnings.push(...built.warnings);
      plan = built.plan;
      if (request.dryRun) return { ...plan, status: 'dry_run', warnings };
      // Stored before anything runs: a crash mid-way leaves the plan to show what was attempted.
      await stores.optimization.update((doc) => {
        doc.optimizationPlans.push(plan);
      });
    }
    if (request.dryRun) return { ...plan, status: 'dry_run', warnings };

    const gated = plan.actions.filter((a) => a.needsApproval && !a.approved && isOpen(a.status));
    let approval: ApprovalDecision | null = null;
    if (gated.length > 0) {
      approval = await decideApproval(plan, gated, {
        yes: request.yes,
        preApproved: plan.status === 'approved',
        command: deps.config.approval,
        interactive: request.interactive,
        cwd: deps.configDir,
      });
      if (approval.approved) for (const action of gated) action.approved = true;
    }

    const startedAt = deps.now().toISOString();
    const resultId = newId('res');
    const result: OptimizationResult = {
      id: resultId,
      planId: plan.id,
      agentId: deps.agentId,
      strategy: plan.strategy,
      policy: plan.policy,
      status: 'running',
      actions: [],
      baseline: null,
      approval,
      healthBefore: plan.healthBefore,
      warnings,
      startedAt,
      finishedAt: null,
      rolledBackAt: null,
      pid: process.pid,
    };
    await stores.optimization.update((doc) => {
      doc.optimizationResults.push(result);
    });

    const toolTimeout = config.thresholds.toolTimeoutMs;
    const testTimeoutMs = agent.testTimeoutMs ?? DEFAULT_TEST_TIMEOUT_MS;
    const outcome = await executePlan({
      plan,
      resultId,
      agentDir: agent.path,
      testCommand: agent.test,
      testTimeoutMs,
      sandboxesRoot: stores.dataDir.ensureDir('sandboxes'),
      transactionsRoot: stores.dataDir.ensureDir('optimization', 'transactions'),
      logDir: stores.dataDir.ensureDir('optimization', 'logs', resultId),
      strategies: plugins.strategies,
      // apply() may install dependencies or run the agent's tools: at least the test time limit.
      applyLimit: (plugin) => Math.max(limitOf(plugin), testTimeoutMs),
      applyContext: (plugin, sink, sandboxDir, candidate): ApplyContext =>
        Object.freeze({
          agent: agentInfo,
          config,
          options: optionsOf(plugin),
          policy: plan.policy,
          patterns,
          learnings,
          now: deps.now(),
          warn: (message: string) => sink.push({ plugin, error: message }),
          sandboxDir,
          candidate,
          run: (command: string, args: readonly string[], options?: { timeoutMs?: number; cwd?: string }) => {
            const cwd = path.resolve(sandboxDir, options?.cwd ?? '.');
            if (!isInside(sandboxDir, cwd))
              return Promise.reject(new Error(`cwd ${options?.cwd} is outside the sandbox`));
            return runTool(command, args, cwd, options?.timeoutMs ?? Math.max(toolTimeout, testTimeoutMs));
          },
        }),
      onEvent: request.onEvent,
      // The row says what is kept at every moment: a kill before the end leaves an honest record.
      onKept: (kept) => recordKept(stores, resultId, kept),
    });
    warnings.push(...outcome.warnings);

    for (const action of plan.actions) {
      const done = outcome.actions.find((a) => a.id === action.id);
      if (done) action.status = done.status;
    }
    const stillPending = plan.actions.some((a) => a.status === 'pending_approval');
    plan.status = stillPending ? 'pending_approval' : 'completed';
    const absorbed = new Set(
      outcome.actions.filter((a) => a.status === 'applied').flatMap((a) => a.learningIds ?? []),
    );
    Object.assign(result, {
      status: outcome.status,
      actions: outcome.actions,
      baseline: outcome.baseline,
      finishedAt: deps.now().toISOString(),
    });
    await stores.optimization.update((doc) => {
      replaceRow(doc.optimizationPlans, plan);
      replaceRow(doc.optimizationResults, result);
    });
    if (absorbed.size > 0) {
      const at = deps.now().toISOString();
      await stores.feedback.update((doc) => {
        for (const row of doc.learningEvents)
          if (absorbed.has(row.id) && !row.absorbedAt) row.absorbedAt = at;
      });
    }
    return result;
  } finally {
    lock.release();
  }
}

function isOpen(status: string): boolean {
  return status === 'planned' || status === 'pending_approval';
}

function replaceRow(rows: Array<Record<string, unknown> & { id: string }>, row: { id: string }): void {
  const index = rows.findIndex((r) => r.id === row.id);
  const copy = JSON.parse(JSON.stringify(row)) as Record<string, unknown> & { id: string };
  if (index === -1) rows.push(copy);
  else rows[index] = copy;
}

function runnableAgent(agentId: string, agent: Agent | undefined): Agent {
  if (!agent)
    throw Object.assign(
      invalidInput(`Agent ${agentId} is not declared: optimize needs its folder and test command.`, [
        `Declare it in the config, or: kv1nt agents add ${agentId} --path <dir> --test "<command>"`,
      ]),
      { code: 'AGENT_NOT_FOUND' },
    );
  if (!fs.existsSync(agent.path) || !fs.statSync(agent.path).isDirectory())
    throw new Kv1ntError(
      'AGENT_PATH_MISSING',
      `The folder of agent ${agentId} does not exist: ${agent.path}`,
      {
        exit: EXIT_USAGE,
      },
    );
  return agent;
}

/** One optimization per agent at a time: two would copy, test and apply over each other. */
export async function lockAgent(stores: Stores, agentId: string) {
  const dir = stores.dataDir.ensureDir('optimization', 'locks');
  try {
    return await acquireLock(path.join(dir, `${agentId}.lock`), { timeoutMs: 1_000 });
  } catch {
    throw new Kv1ntError(
      'OPTIMIZATION_RUNNING',
      `Another kv1nt process is optimizing or rolling back agent ${agentId}; try again when it has finished.`,
    );
  }
}

async function currentHealth(deps: OptimizeDeps): Promise<number | null> {
  const doc = await deps.stores.optimization.read();
  const latest = doc.healthHistory
    .filter((row) => row.agentId === deps.agentId)
    .reduce<Record<string, unknown> | undefined>(
      (best, row) => (!best || String(row.timestamp) > String(best.timestamp) ? row : best),
      undefined,
    );
  const fresh = latest && deps.now().getTime() - Date.parse(String(latest.timestamp)) < FRESH_ANALYSIS_MS;
  if (latest && fresh) return (latest.healthScore as number | null) ?? null;
  return (await deps.analyze()).healthScore;
}

async function storedPlan(stores: Stores, agentId: string, planId: string): Promise<OptimizationPlan> {
  const doc = await stores.optimization.read();
  const plan = doc.optimizationPlans.find((row) => row.id === planId) as OptimizationPlan | undefined;
  if (!plan || plan.agentId !== agentId)
    throw Object.assign(
      invalidInput(`No plan ${planId} for agent ${agentId}.`, [`kv1nt history ${agentId} shows its runs.`]),
      { code: 'PLAN_NOT_FOUND' },
    );
  if (plan.status !== 'pending_approval' && plan.status !== 'approved')
    throw Object.assign(
      invalidInput(`Plan ${planId} is ${plan.status}: only a plan waiting for approval can be carried out.`),
      { code: 'PLAN_NOT_PENDING' },
    );
  return plan;
}

/** `kv1nt approve <planId>`. */
export async function approvePlan(stores: Stores, planId: string, now: Date): Promise<OptimizationPlan> {
  return stores.optimization.update((doc) => {
    const plan = doc.optimizationPlans.find((row) => row.id === planId) as OptimizationPlan | undefined;
    if (!plan)
      throw Object.assign(
        invalidInput(`No plan ${planId}.`, ['kv1nt history <agent> shows the plans of an agent.']),
        {
          code: 'PLAN_NOT_FOUND',
        },
      );
    if (plan.status !== 'pending_approval' && plan.status !== 'approved')
      throw Object.assign(invalidInput(`Plan ${planId} is ${plan.status}: there is nothing to approve.`), {
        code: 'PLAN_NOT_PENDING',
      });
    plan.status = 'approved';
    plan.approvedAt = now.toISOString();
    plan.approvedBy = safeUser();
    for (const action of plan.actions)
      if (action.status === 'pending_approval' || action.status === 'planned') action.approved = true;
    return JSON.parse(JSON.stringify(plan)) as OptimizationPlan;
  });
}

function safeUser(): string | null {
  try {
    return os.userInfo().username;
  } catch {
    return null;
  }
}

/**
 * Finishes or undoes an apply that a crash interrupted, and removes sandboxes whose process is
 * gone. Run by every command that touches the optimization store, and cheap when there is nothing.
 */
export async function recoverInterrupted(stores: Stores): Promise<void> {
  const transactions = stores.dataDir.path('optimization', 'transactions');
  if (fs.existsSync(transactions)) {
    const { recoverTransactions } = await import('./transaction.js');
    await recoverTransactions(transactions, { onCompleted: (journal) => recordRecovered(stores, journal) });
  }
  const sandboxes = stores.dataDir.path('sandboxes');
  if (fs.existsSync(sandboxes)) {
    const { cleanStaleSandboxes } = await import('../sandbox/sandbox.js');
    await cleanStaleSandboxes(sandboxes);
  }
}

/**
 * Puts kept actions into their result row (replacing earlier states of the same actions); with
 * `interrupted`, a row still `running` becomes `interrupted` (its run is gone).
 */
async function recordKept(
  stores: Stores,
  resultId: string,
  kept: readonly ActionResult[],
  options: { interrupted?: boolean } = {},
): Promise<void> {
  await stores.optimization.update((doc) => {
    const row = doc.optimizationResults.find((r) => r.id === resultId) as OptimizationResult | undefined;
    if (!row) return;
    const ids = new Set(kept.map((a) => a.id));
    const copies = JSON.parse(JSON.stringify(kept)) as ActionResult[];
    row.actions = [...row.actions.filter((a) => !ids.has(a.id)), ...copies];
    if (options.interrupted && row.status === 'running') row.status = 'interrupted';
  });
}

/**
 * Recovery finished (or found finished) a transaction of a run that died: its result row lists the
 * actions it applied, rebuilt from the plan when the run died before writing them, and a row still
 * `running` becomes `interrupted`.
 */
async function recordRecovered(stores: Stores, journal: Journal): Promise<void> {
  const { resultId, planId, actions } = journal.meta as {
    resultId?: unknown;
    planId?: unknown;
    actions?: unknown;
  };
  if (typeof resultId !== 'string' || !Array.isArray(actions)) return;
  const doc = await stores.optimization.read();
  const row = doc.optimizationResults.find((r) => r.id === resultId) as OptimizationResult | undefined;
  if (!row) return;
  const plan = doc.optimizationPlans.find((p) => p.id === planId) as OptimizationPlan | undefined;
  const kept: ActionResult[] = [];
  for (const id of actions.map(String)) {
    const known = row.actions.find((a) => a.id === id);
    const planned = plan?.actions.find((a) => a.id === id);
    const base = known ?? (planned ? emptyResult(planned) : undefined);
    if (base === undefined) continue;
    kept.push({
      ...base,
      status: 'applied',
      changes: journal.changes.map((c) => c.path),
      transactionId: journal.id,
    });
  }
  await recordKept(stores, resultId, kept, { interrupted: true });
}

/** Staging older than this without a journal belongs to a run that died during its tests. */
const STAGING_STALE_MS = 24 * 3_600_000;

/**
 * A trial stages its captured change before the tests run; the journal comes only when the change
 * is kept. A run killed in between leaves staging that no journal points to: nothing reads it, so
 * it goes once it is old enough that no live run (bounded by testTimeoutMs) can still own it.
 */
function removeAbandonedStaging(root: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch {
    return;
  }
  const now = Date.now();
  for (const name of names) {
    if (!name.startsWith('txn_') || name.endsWith('.inflight')) continue;
    const dir = path.join(root, name);
    try {
      const stat = fs.lstatSync(dir);
      if (!stat.isDirectory() || now - stat.mtimeMs < STAGING_STALE_MS) continue;
      if (fs.existsSync(path.join(dir, 'journal.json'))) continue;
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // Another command removed it first.
    }
  }
}
