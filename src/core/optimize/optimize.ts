import fs from 'node:fs';
import os from 'node:os';
import type { Agent } from '../agents/registry.js';
import type { AnalysisResult } from '../analysis/analyze.js';
import type { Opportunity } from '../analysis/opportunities.js';
import type { Kv1ntConfig } from '../config/schema.js';
import { agentNotFound, agentPathMissing, notFound, planNotPending } from '../errors.js';
import { newId } from '../ids.js';
import type { PluginWarning } from '../plugins/run-detectors.js';
import type { PluginSet } from '../plugins/validate-plugin.js';
import type { LogPosition } from '../store/feedback-log.js';
import type { Stores } from '../store/stores.js';
import { syncVerifications } from '../verify/engine.js';
import { lockAgent } from './agent-lock.js';
import { decideApproval, type ApprovalDecision } from './approval.js';
import { StrategyContexts } from './contexts.js';
import { processRunner, type ProcessRunner } from '../runner/runner.js';
import { startEarlySandbox, type EarlySandbox } from './early-sandbox.js';
import { executePlan, type ExecuteOutcome, type ProgressEvent } from './execute.js';
import { buildPlan, type OptimizationPlan, type PlanAction } from './plan.js';
import { removeAbandonedStaging } from '../sandbox/api.js';
import { recordKept, recoverInterrupted } from './recovery.js';
import { resolvePolicy, type StrategyName } from './policy.js';

import type { OptimizationResult } from '../model/optimization.js';

export { recoverInterrupted };

export type { OptimizationResult };

export const DEFAULT_TEST_TIMEOUT_MS = 600_000;

export interface OptimizeRequest {
  strategy: StrategyName;
  yes: boolean;
  dryRun: boolean;
  /** Carry out a stored plan (after `kv1nt approve`). */
  planId?: string | undefined;
  interactive: boolean;
  /** `optimize -i`: picks the actions to try now from the open ones (see requests.ts). */
  choose?: ((actions: PlanAction[]) => Promise<string[]>) | undefined;
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
  /** Runs the tests, the approval command and the strategies' tools (default: real processes). */
  runner?: ProcessRunner | undefined;
  /**
   * Analyses the current feedback (the engine's analysis, so opportunities are reconciled);
   * `persist: false` computes without writing anything (a dry run).
   */
  analyze: (persist: boolean) => Promise<{ result: AnalysisResult; opportunities: Opportunity[] }>;
}

export type DryRun = OptimizationPlan & { status: 'dry_run'; warnings: PluginWarning[] };

/**
 * `kv1nt optimize`, top-down: analyse the current feedback and plan from it;
 * ask approval for what needs it; run the baseline and try each action in a sandbox, keeping
 * what passes the agent's tests; record the result, and open a verification for every kept
 * change (the closed loop judges it on the feedback that follows).
 */
export async function optimize(
  deps: OptimizeDeps,
  request: OptimizeRequest,
): Promise<OptimizationResult | DryRun> {
  const agent = runnableAgent(deps.agentId, deps.agent);
  const contexts = await StrategyContexts.load(deps.stores, agent, deps.config, deps.now, runnerOf(deps));
  // A dry run takes no lock and writes nothing: the plan is made from an analysis in memory.
  if (request.dryRun && request.planId === undefined) {
    const { plan, warnings } = await planFromEvidence(deps, contexts, request.strategy, false);
    return { ...plan, status: 'dry_run', warnings };
  }
  const lock = await lockAgent(deps.stores, deps.agentId);
  let early: EarlySandbox | undefined;
  try {
    await recoverInterrupted(deps.stores);
    // Not on every command like the recovery: it lists every transaction ever kept.
    removeAbandonedStaging(deps.stores.dataDir.path('optimization', 'transactions'));
    if (!request.dryRun) early = startEarlySandbox(deps.stores.dataDir.ensureDir('sandboxes'), agent.path);
    const logFrom = deps.stores.log.endPosition();
    const { plan, warnings } =
      request.planId === undefined
        ? await planFromEvidence(deps, contexts, request.strategy, true)
        : {
            plan: await storedPlan(deps.stores, deps.agentId, request.planId),
            warnings: [...deps.plugins.warnings],
          };
    // Stored before anything runs: a crash mid-way leaves the plan to show what was attempted.
    if (request.planId === undefined)
      await deps.stores.optimization.update((doc) => void doc.optimizationPlans.push(plan));
    if (request.dryRun) return { ...plan, status: 'dry_run', warnings };
    const deferred = await deferredByChoice(plan, request.choose);
    const approval = await approve(deps, plan, request, deferred);
    const result = await startResult(deps, plan, approval, warnings, logFrom);
    const outcome = await tryActions(
      deps,
      agent,
      contexts,
      plan,
      result.id,
      request.onEvent,
      deferred,
      early,
    );
    await finish(deps, plan, result, outcome);
    return result;
  } finally {
    await early?.discard();
    lock.release();
  }
}

/** The current feedback, analysed now, and a plan from the open opportunities no verification holds. */
async function planFromEvidence(
  deps: OptimizeDeps,
  contexts: StrategyContexts,
  strategy: StrategyName,
  persist: boolean,
): Promise<{ plan: OptimizationPlan; warnings: PluginWarning[] }> {
  const analysis = await deps.analyze(persist);
  const healthBefore = analysis.result.healthScore;
  const { policy, reason } = resolvePolicy(strategy, healthBefore, deps.config.autoPolicy);
  const loop = await loopMemory(deps.stores, deps.agentId);
  const built = await buildPlan({
    agentId: deps.agentId,
    strategy,
    policy,
    policyReason: reason,
    healthBefore,
    opportunities: analysis.opportunities.filter((o) => o.status === 'open'),
    verifying: analysis.opportunities.filter((o) => o.status === 'verifying'),
    verifyingTargets: loop.verifyingTargets,
    record: strategy === 'auto' ? loop.record : undefined,
    maxTestRuns: deps.config.maxTestRuns,
    strategies: deps.plugins.strategies,
    context: contexts.plan(policy),
    pluginLimit: contexts.limitOf,
    now: deps.now(),
  });
  return { plan: built.plan, warnings: distinct([...analysis.result.warnings, ...built.warnings]) };
}

/** What the closed loop knows of this agent: targets being verified, and per action type its record. */
async function loopMemory(stores: Stores, agentId: string) {
  const doc = await stores.optimization.read();
  const verifyingTargets = new Map<string, string>();
  const record = new Map<string, { confirmed: number; regressed: number }>();
  for (const v of doc.verifications) {
    if (v.agentId !== agentId) continue;
    if (v.status === 'verifying') verifyingTargets.set(v.target, v.id);
    const tally = record.get(v.actionType) ?? { confirmed: 0, regressed: 0 };
    if (v.status === 'confirmed') tally.confirmed += 1;
    if (v.status === 'regressed' || v.status === 'reverted') tally.regressed += 1;
    record.set(v.actionType, tally);
  }
  return { verifyingTargets, record };
}

/** `optimize -i`: the open actions the person left out of the checklist (they wait, pending). */
async function deferredByChoice(
  plan: OptimizationPlan,
  choose: OptimizeRequest['choose'],
): Promise<ReadonlySet<string>> {
  const open = plan.actions.filter((a) => isOpen(a.status));
  if (!choose || open.length === 0) return new Set();
  const chosen = new Set(await choose(open.map((a) => structuredClone(a))));
  return new Set(open.filter((a) => !chosen.has(a.id)).map((a) => a.id));
}

/** HIGH and CRITICAL actions need approval: --yes, a prompt, or the config's approval command. */
async function approve(
  deps: OptimizeDeps,
  plan: OptimizationPlan,
  request: OptimizeRequest,
  deferred: ReadonlySet<string>,
): Promise<ApprovalDecision | null> {
  const gated = plan.actions.filter(
    (a) => a.needsApproval && !a.approved && isOpen(a.status) && !deferred.has(a.id),
  );
  if (gated.length === 0) return null;
  const approval = await decideApproval(plan, gated, {
    yes: request.yes,
    preApproved: plan.status === 'approved',
    command: deps.config.approval,
    chosen: request.choose !== undefined,
    interactive: request.interactive,
    cwd: deps.configDir,
    runner: runnerOf(deps),
  });
  if (approval.approved) for (const action of gated) action.approved = true;
  return approval;
}

/** The result row, stored `running` before anything is tried (a crash leaves it `interrupted`). */
async function startResult(
  deps: OptimizeDeps,
  plan: OptimizationPlan,
  approval: ApprovalDecision | null,
  warnings: PluginWarning[],
  logFrom: LogPosition,
): Promise<OptimizationResult> {
  const result: OptimizationResult = {
    id: newId('res'),
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
    startedAt: deps.now().toISOString(),
    finishedAt: null,
    rolledBackAt: null,
    pid: process.pid,
    logFrom,
  };
  await deps.stores.optimization.update((doc) => void doc.optimizationResults.push(result));
  return result;
}

/** The baseline, then each approved action in a sandbox; only what passes the tests is kept. */
function tryActions(
  deps: OptimizeDeps,
  agent: Agent,
  contexts: StrategyContexts,
  plan: OptimizationPlan,
  resultId: string,
  onEvent: OptimizeRequest['onEvent'],
  deferred: ReadonlySet<string>,
  early: EarlySandbox | undefined,
): Promise<ExecuteOutcome> {
  const { stores } = deps;
  const testTimeoutMs = agent.testTimeoutMs ?? DEFAULT_TEST_TIMEOUT_MS;
  return executePlan({
    plan,
    resultId,
    agentDir: agent.path,
    testCommand: agent.test,
    testTimeoutMs,
    sandboxesRoot: stores.dataDir.ensureDir('sandboxes'),
    transactionsRoot: stores.dataDir.ensureDir('optimization', 'transactions'),
    logDir: stores.dataDir.ensureDir('optimization', 'logs', resultId),
    strategies: deps.plugins.strategies,
    applyLimit: (plugin) => Math.max(contexts.limitOf(plugin), testTimeoutMs),
    applyContext: contexts.apply(plan.policy, testTimeoutMs),
    now: deps.now,
    runner: runnerOf(deps),
    onEvent,
    deferred,
    earlySandbox: early?.sandbox,
    // The row says what is kept at every moment: a kill before the end leaves an honest record.
    onKept: (kept) => recordKept(stores, resultId, kept),
  });
}

/**
 * Records what happened: the plan's and the result's final state, the learnings now in the
 * agent's file, and a verification for every kept change (its opportunity is `verifying` now).
 */
async function finish(
  deps: OptimizeDeps,
  plan: OptimizationPlan,
  result: OptimizationResult,
  outcome: ExecuteOutcome,
): Promise<void> {
  result.warnings.push(...outcome.warnings);
  for (const action of plan.actions) {
    const done = outcome.actions.find((a) => a.id === action.id);
    if (done) action.status = done.status;
  }
  plan.status = plan.actions.some((a) => a.status === 'pending_approval') ? 'pending_approval' : 'completed';
  Object.assign(result, {
    status: outcome.status,
    actions: outcome.actions,
    baseline: outcome.baseline,
    finishedAt: deps.now().toISOString(),
  });
  await deps.stores.optimization.update((doc) => {
    replaceRow(doc.optimizationPlans, plan);
    replaceRow(doc.optimizationResults, result);
    syncVerifications(doc);
  });
  const absorbed = new Set(
    outcome.actions.filter((a) => a.status === 'applied').flatMap((a) => a.learningIds ?? []),
  );
  if (absorbed.size > 0) {
    const at = deps.now().toISOString();
    await deps.stores.feedback.update((doc) => {
      for (const row of doc.learningEvents) if (absorbed.has(row.id) && !row.absorbedAt) row.absorbedAt = at;
    });
  }
}

function runnerOf(deps: OptimizeDeps): ProcessRunner {
  return deps.runner ?? processRunner;
}

/** The same warning once (the analysis and the plan both report a plugin that failed to load). */
function distinct(warnings: PluginWarning[]): PluginWarning[] {
  const seen = new Set<string>();
  return warnings.filter((w) => {
    const key = JSON.stringify([w.plugin, w.component ?? null, w.error]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function isOpen(status: string): boolean {
  return status === 'planned' || status === 'pending_approval';
}

function replaceRow<T extends { id: string }>(rows: T[], row: T): void {
  const index = rows.findIndex((r) => r.id === row.id);
  // A copy: the run goes on changing its own objects after they are stored.
  const copy = structuredClone(row);
  if (index === -1) rows.push(copy);
  else rows[index] = copy;
}

function runnableAgent(agentId: string, agent: Agent | undefined): Agent {
  if (!agent)
    throw agentNotFound(`Agent ${agentId} is not declared: optimize needs its folder and test command.`, [
      `Declare it in the config, or: kv1nt agents add ${agentId} --path <dir> --test "<command>"`,
    ]);
  if (!fs.existsSync(agent.path) || !fs.statSync(agent.path).isDirectory())
    throw agentPathMissing(agentId, agent.path);
  return agent;
}

async function storedPlan(stores: Stores, agentId: string, planId: string): Promise<OptimizationPlan> {
  const doc = await stores.optimization.read();
  const plan = doc.optimizationPlans.find((row) => row.id === planId);
  if (!plan || plan.agentId !== agentId)
    throw notFound('PLAN_NOT_FOUND', `No plan ${planId} for agent ${agentId}.`, [
      `kv1nt history ${agentId} shows its runs.`,
    ]);
  if (plan.status !== 'pending_approval' && plan.status !== 'approved')
    throw planNotPending(
      `Plan ${planId} is ${plan.status}: only a plan waiting for approval can be carried out.`,
    );
  return plan;
}

/** `kv1nt approve <planId>`. */
export async function approvePlan(stores: Stores, planId: string, now: Date): Promise<OptimizationPlan> {
  return stores.optimization.update((doc) => {
    const plan = doc.optimizationPlans.find((row) => row.id === planId);
    if (!plan)
      throw notFound('PLAN_NOT_FOUND', `No plan ${planId}.`, [
        'kv1nt history <agent> shows the plans of an agent.',
      ]);
    if (plan.status !== 'pending_approval' && plan.status !== 'approved')
      throw planNotPending(`Plan ${planId} is ${plan.status}: there is nothing to approve.`);
    plan.status = 'approved';
    plan.approvedAt = now.toISOString();
    plan.approvedBy = safeUser();
    for (const action of plan.actions)
      if (action.status === 'pending_approval' || action.status === 'planned') action.approved = true;
    return structuredClone(plan);
  });
}

function safeUser(): string | null {
  try {
    return os.userInfo().username;
  } catch {
    return null;
  }
}
