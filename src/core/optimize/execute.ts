import fs from 'node:fs';
import path from 'node:path';
import type { PluginWarning } from '../plugins/run-detectors.js';
import { invokeComponent } from '../plugins/invoke.js';
import type { LoadedStrategy } from '../plugins/validate-plugin.js';
import type { ApplyContext, PlannedAction, Policy } from '../sdk/types.js';
import { createSandbox, type Sandbox } from '../sandbox/sandbox.js';
import { runTestCommand, type TestRun } from '../sandbox/run-tests.js';
import { captureChanges, type Change } from './changes.js';
import { applyChanges } from './transaction.js';
import type { TreeManifest } from '../sandbox/manifest.js';
import { findPassingSet } from './bisect.js';
import type { ActionStatus, OptimizationPlan, PlanAction } from './plan.js';
import type { ValueSearch } from '../sdk/types.js';
import { validatesInBatch } from './policy.js';

/** The outcome of one test run, as the result JSON shows it. */
export interface TestSummary {
  exitCode: number | null;
  durationMs: number;
  timedOut: boolean;
  outputTail: string;
  /** The whole output, in the data dir. */
  logFile: string | null;
}

export interface Attempt {
  candidate: unknown;
  status: ActionStatus;
  test: TestSummary | null;
  error?: string;
}

export interface ActionResult {
  id: string;
  type: string;
  strategy: string;
  opportunityId: string;
  /** Every opportunity this change addresses (the first is opportunityId). */
  opportunityIds: string[];
  /** What it changes (`param:timeoutMs`, `dependency:lodash`…). */
  target: string;
  description: string;
  status: ActionStatus;
  /** Paths (relative to the agent folder) that the kept change wrote. */
  changes: string[];
  test: TestSummary | null;
  /** The candidate value kept, for an action with candidates or a search. */
  candidate?: unknown;
  /** The value the action sets (the kept candidate, or what it upgrades to): the loop's memory of it. */
  value: unknown;
  attempts: Attempt[];
  transactionId: string | null;
  /** When the change was written into the agent folder. */
  appliedAt?: string;
  /** Set when the closed loop reverted it (a regressed verdict), with why. */
  revertedAt?: string;
  revertReason?: string;
  /** Learnings the change wrote into the agent (write_learnings): absorbed while it is kept. */
  learningIds?: string[];
  conflicts?: string[];
  error?: string;
}

export type ResultStatus = 'applied' | 'partially_applied' | 'rolled_back' | 'pending_approval' | 'no_op';

export type ProgressEvent =
  | { kind: 'baseline' }
  | { kind: 'attempt'; action: PlanAction; index: number; total: number; candidate: unknown }
  | { kind: 'test'; label: string }
  | { kind: 'batch'; size: number }
  | { kind: 'done'; action: PlanAction; status: ActionStatus };

export interface ExecuteInput {
  plan: OptimizationPlan;
  resultId: string;
  agentDir: string;
  testCommand: string;
  testTimeoutMs: number;
  /** `<dataDir>/sandboxes` */
  sandboxesRoot: string;
  /** `<dataDir>/optimization/transactions` */
  transactionsRoot: string;
  /** `<dataDir>/optimization/logs/<resultId>` */
  logDir: string;
  strategies: readonly LoadedStrategy[];
  applyContext: (
    plugin: string,
    warnings: PluginWarning[],
    sandboxDir: string,
    candidate: unknown,
  ) => ApplyContext;
  /** The time limit of one apply() of a plugin's strategy, by plugin name. */
  applyLimit: (plugin: string) => number;
  now: () => Date;
  onEvent?: ((event: ProgressEvent) => void) | undefined;
  /** Records the actions of a transaction once it is applied, before it is done with (crash-safe). */
  onKept?: (kept: ActionResult[]) => Promise<void>;
}

export interface ExecuteOutcome {
  status: ResultStatus;
  baseline: (TestSummary & { passed: boolean }) | null;
  actions: ActionResult[];
  warnings: PluginWarning[];
}

/** A sandbox in which some actions were applied, with the change they made captured before the tests ran. */
interface Trial {
  changes: Change[];
  manifest: TreeManifest;
  txnDir: string;
  txnId: string;
  test: TestSummary | null;
  passed: boolean;
  error?: string;
}

/**
 * Runs the approved actions of a plan: a baseline test run first, then either each action alone
 * (conservative, minimal, comprehensive) or all at once with bisection on failure (aggressive).
 * Every trial happens in a fresh copy of the agent folder; only a change whose tests pass is
 * written into the folder, as a journaled transaction.
 */
export async function executePlan(input: ExecuteInput): Promise<ExecuteOutcome> {
  const warnings: PluginWarning[] = [];
  const results = new Map<string, ActionResult>();
  const runnable: PlanAction[] = [];
  // A plan carried out after `kv1nt approve` runs only what is still open.
  const open = input.plan.actions.filter((a) => a.status === 'planned' || a.status === 'pending_approval');
  for (const action of open) {
    const result = emptyResult(action);
    results.set(action.id, result);
    if (action.needsApproval && !action.approved) result.status = 'pending_approval';
    else runnable.push(action);
  }
  let baseline: ExecuteOutcome['baseline'] = null;
  if (runnable.length > 0) {
    input.onEvent?.({ kind: 'baseline' });
    baseline = await runBaseline(input);
    const runner = new TrialRunner(input, warnings);
    if (validatesInBatch(input.plan.policy)) await runBatch(runner, runnable, results, input);
    else
      for (const action of runnable) await runAlone(runner, action, results.get(action.id)!, input, runnable);
  }
  const actions = open.map((action) => results.get(action.id)!);
  return { status: overallStatus(actions), baseline, actions, warnings };
}

async function runBaseline(input: ExecuteInput): Promise<TestSummary & { passed: boolean }> {
  const sandbox = await createSandbox(input.sandboxesRoot, input.agentDir);
  try {
    const test = await runTests(input, sandbox.dir, 'baseline');
    return { ...test, passed: test.exitCode === 0 && !test.timedOut };
  } finally {
    await sandbox.dispose();
  }
}

/**
 * Each action validated alone: for one with candidates, the first candidate that passes is kept
 * (`candidates` narrows the ones tried: aggressive retries the rest of a list after its batch);
 * for one with a search, the smallest passing value the search finds (see searchValue).
 */
async function runAlone(
  runner: TrialRunner,
  action: PlanAction,
  result: ActionResult,
  input: ExecuteInput,
  runnable: readonly PlanAction[],
  candidates: readonly unknown[] = action.candidates ?? [undefined],
  options: { startFails?: boolean } = {},
): Promise<void> {
  const numbered = (action.candidates?.length ?? 0) > 1 || action.search !== null;
  let runs = result.attempts.length;
  const attempt = (candidate: unknown) => {
    input.onEvent?.({
      kind: 'attempt',
      action,
      index: runnable.indexOf(action),
      total: runnable.length,
      candidate,
    });
    runs += 1;
    return tryOnce(runner, action, result, candidate, `${action.id}${numbered ? `-${runs}` : ''}`);
  };
  if (action.search) {
    const budget = Math.max(2, action.maxTestRuns - result.attempts.length);
    const best = await searchValue(action.search, budget, attempt, (trial) => runner.discard(trial), options);
    if (best) await keepTrial(best.trial, best.candidate, result, input);
  } else {
    for (const candidate of candidates) {
      const outcome = await attempt(candidate);
      if (outcome === 'failing') continue;
      if (outcome !== 'stop') await keepTrial(outcome, candidate, result, input);
      break;
    }
  }
  input.onEvent?.({ kind: 'done', action, status: result.status });
}

/**
 * One trial of `candidate` alone, recorded in `result`: the passing trial (kept by the caller or
 * discarded), `failing` (tests failed: try another value), or `stop` (apply failed, or the
 * change is empty: no other value will do better).
 */
async function tryOnce(
  runner: TrialRunner,
  action: PlanAction,
  result: ActionResult,
  candidate: unknown,
  label: string,
): Promise<Trial | 'failing' | 'stop'> {
  const trial = await runner.trial([{ action, candidate }], label);
  const attempt: Attempt = { candidate, status: 'rolled_back', test: trial.test };
  if (trial.error !== undefined) attempt.error = trial.error;
  result.attempts.push(attempt);
  result.test = trial.test;
  if (trial.error !== undefined && trial.test === null) {
    attempt.status = 'failed';
    result.status = 'failed';
    result.error = trial.error;
    runner.discard(trial);
    return 'stop';
  }
  if (trial.changes.length === 0) {
    attempt.status = 'no_op';
    result.status = 'no_op';
    runner.discard(trial);
    return 'stop';
  }
  if (!trial.passed) {
    result.status = 'rolled_back';
    runner.discard(trial);
    return 'failing';
  }
  attempt.status = 'applied';
  return trial;
}

async function keepTrial(
  trial: Trial,
  candidate: unknown,
  result: ActionResult,
  input: ExecuteInput,
): Promise<void> {
  // Before keep(): the result row written once the change is applied holds the value.
  if (candidate !== undefined) {
    result.candidate = candidate;
    result.value = candidate;
  }
  result.test = trial.test;
  const status = await keep(trial, [result], input);
  // The passing attempt of this value is the kept one; an earlier passing one of a search was not.
  const last = [...result.attempts].reverse().find((a) => a.candidate === candidate && a.test === trial.test);
  if (last) last.status = status;
  for (const attempt of result.attempts)
    if (attempt !== last && attempt.status === 'applied') attempt.status = 'rolled_back';
}

/**
 * The engine side of a ValueSearch: try `start`; while it fails, step out geometrically (×2)
 * toward the bound (raising) or back toward `from` (lowering); then bisect between the last
 * failing and the first passing value, to the smallest value that passes. When raising finds
 * nothing up to the bound, the tests do not want more but less (a limit above which the agent
 * breaks, like a gateway that cuts requests at 3 s): the last runs — two are kept for it — bisect
 * between `from` and `start` for the largest value that passes. At most `budget` test runs; a
 * passing trial that a better one replaces is discarded.
 */
export async function searchValue<T>(
  search: ValueSearch,
  budget: number,
  attempt: (value: number) => Promise<T | 'failing' | 'stop'>,
  discard: (trial: T) => void,
  options: { startFails?: boolean } = {},
): Promise<{ trial: T; candidate: number } | null> {
  const raising = search.bound > search.from;
  const align = aligner(search);
  let runs = 0;
  let best: { trial: T; candidate: number } | null = null;
  let stopped = false;
  /** Runs the tests at `value`: true when they pass (and it becomes the best), false when not. */
  const tryValue = async (value: number): Promise<boolean> => {
    runs += 1;
    const outcome = await attempt(value);
    if (outcome === 'stop') stopped = true;
    if (outcome === 'stop' || outcome === 'failing') return false;
    if (best) discard(best.trial);
    best = { trial: outcome, candidate: value };
    return true;
  };
  const start = align(search.start);
  let failing: number | null = null;
  // 1. The start, then (raising) the steps out toward the bound, two runs kept for the way back.
  let value: number | null = start;
  if (options.startFails) {
    failing = start;
    value = stepOut(search, align, start);
  }
  while (value !== null && !stopped && runs < budget - (raising && runs > 0 ? 2 : 0)) {
    if (await tryValue(value)) break;
    failing = value;
    value = raising ? stepOut(search, align, value) : null;
  }
  if (stopped) return best;
  if (best !== null || !raising) {
    // 2. Between the last failing value and the passing one (lowering: the current value passes).
    let upper = (best as { candidate: number } | null)?.candidate ?? search.from;
    while (failing !== null && !stopped && runs < budget) {
      const middle = align((failing + upper) / 2);
      if (middle <= failing || middle >= upper) break;
      if (await tryValue(middle)) upper = middle;
      else failing = middle;
    }
    return best;
  }
  // 3. Nothing passed above the start: the largest passing value between `from` and the start.
  let lower = search.from;
  let above = start;
  while (!stopped && runs < budget) {
    const middle = align((lower + above) / 2);
    if (middle <= lower || middle >= above) break;
    if (await tryValue(middle)) lower = middle;
    else above = middle;
  }
  return best;
}

function stepOut(search: ValueSearch, align: (value: number) => number, value: number): number | null {
  const next = align(Math.min(search.bound, value * 2));
  return next > value && next <= search.bound ? next : null;
}

/** The value an action is tried with first (in a batch): its search's start or first candidate. */
function firstValue(action: PlanAction): unknown {
  return action.search ? aligner(action.search)(action.search.start) : action.candidates?.[0];
}

/** Rounds a searched value like the param it sets: to `step`, or whole when `from` is whole. */
function aligner(search: ValueSearch): (value: number) => number {
  return (value) => {
    if (search.step !== undefined && search.step > 0) {
      const steps = Math.round(Number((value / search.step).toPrecision(12)));
      return Number((steps * search.step).toPrecision(12));
    }
    return Number.isInteger(search.from) ? Math.round(value) : Number(value.toPrecision(6));
  };
}

/**
 * aggressive: every action in one sandbox (each at its first candidate), one test run. When the
 * batch fails, bisection finds the largest set that passes together, and that is kept; then each
 * action left out that has further candidates tries them one at a time, on top of what was kept
 * (a time-out raised ×2 may pass at ×4).
 */
async function runBatch(
  runner: TrialRunner,
  runnable: PlanAction[],
  results: Map<string, ActionResult>,
  input: ExecuteInput,
): Promise<void> {
  const passing = new Map<string, Trial>();
  const keyOf = (set: readonly PlanAction[]) => set.map((a) => a.id).join(',');
  let runs = 0;
  const passes = async (set: readonly PlanAction[]): Promise<boolean> => {
    input.onEvent?.({ kind: 'batch', size: set.length });
    runs += 1;
    const trial = await runner.trial(
      set.map((action) => ({ action, candidate: firstValue(action) })),
      `batch-${runs}`,
    );
    for (const action of set) {
      const result = results.get(action.id)!;
      result.test = trial.test;
      result.attempts.push({
        candidate: firstValue(action),
        status: trial.passed ? 'applied' : 'rolled_back',
        test: trial.test,
        ...(trial.error === undefined ? {} : { error: trial.error }),
      });
    }
    if (trial.passed && trial.changes.length > 0) {
      passing.set(keyOf(set), trial);
      return true;
    }
    runner.discard(trial);
    return trial.passed;
  };
  let kept: PlanAction[];
  if (await passes(runnable)) kept = runnable;
  else kept = await findPassingSet(runnable, passes, [], { knownFailing: true });
  for (const trial of passing.values()) if (trial !== passing.get(keyOf(kept))) runner.discard(trial);
  const keptResults = kept.map((action) => results.get(action.id)!);
  for (const action of runnable) {
    const result = results.get(action.id)!;
    if (!kept.includes(action)) result.status = 'rolled_back';
  }
  const trial = passing.get(keyOf(kept));
  if (trial) {
    for (const result of keptResults) result.test = trial.test;
    // Before keep(): the result row written once the change is applied holds the value.
    for (const action of kept) {
      const candidate = firstValue(action);
      if (candidate !== undefined) Object.assign(results.get(action.id)!, { candidate, value: candidate });
    }
    await keep(trial, keptResults, input);
  } else for (const result of keptResults) result.status = 'no_op';
  for (const action of runnable) {
    const result = results.get(action.id)!;
    const rest = action.candidates?.slice(1) ?? [];
    const retry = action.search !== null || rest.length > 0;
    // A search goes on alone from the step after its start (which failed with the batch).
    if (!kept.includes(action) && result.status === 'rolled_back' && retry)
      await runAlone(runner, action, result, input, runnable, rest, { startFails: true });
    else input.onEvent?.({ kind: 'done', action, status: result.status });
  }
}

/** Writes a passing trial's change into the agent folder; a user edit meanwhile makes it a conflict. */
async function keep(trial: Trial, owners: ActionResult[], input: ExecuteInput): Promise<ActionStatus> {
  const outcome = await applyChanges({
    txnDir: trial.txnDir,
    agentDir: input.agentDir,
    changes: trial.changes,
    manifest: trial.manifest,
    meta: {
      resultId: input.resultId,
      planId: input.plan.id,
      actions: owners.map((o) => o.id),
      // What recovery writes into the result row if the run dies before onCommitted did.
      kept: owners.map((o) => ({ ...o, attempts: [] })),
    },
    onCommitted: () =>
      input.onKept?.(
        owners.map((o) => ({
          ...o,
          status: 'applied',
          changes: trial.changes.map((c) => c.path),
          transactionId: trial.txnId,
          appliedAt: input.now().toISOString(),
        })),
      ),
  });
  const status: ActionStatus =
    outcome.status === 'applied' ? 'applied' : outcome.status === 'conflict' ? 'conflict' : 'no_op';
  for (const owner of owners) {
    owner.status = status;
    owner.changes = trial.changes.map((change) => change.path);
    if (status === 'applied') {
      owner.transactionId = trial.txnId;
      owner.appliedAt = input.now().toISOString();
    }
    if (status === 'conflict') {
      owner.conflicts = outcome.conflicts;
      owner.error = `the agent folder was edited while the tests ran (${outcome.conflicts.join(', ')}); nothing was overwritten`;
    }
    const last = owner.attempts.at(-1);
    if (last) last.status = status;
  }
  if (status !== 'applied') fs.rmSync(trial.txnDir, { recursive: true, force: true });
  return status;
}

class TrialRunner {
  private count = 0;

  constructor(
    private readonly input: ExecuteInput,
    private readonly warnings: PluginWarning[],
  ) {}

  /** A fresh sandbox, the actions applied, the change captured, the tests run; the sandbox removed. */
  async trial(steps: Array<{ action: PlanAction; candidate: unknown }>, label: string): Promise<Trial> {
    this.count += 1;
    const txnId = `${this.input.resultId.replace(/^res_/, 'txn_')}_${this.count}`;
    const txnDir = path.join(this.input.transactionsRoot, txnId);
    let sandbox: Sandbox | undefined;
    try {
      sandbox = await createSandbox(this.input.sandboxesRoot, this.input.agentDir);
      for (const { action, candidate } of steps) {
        const error = await this.apply(action, candidate, sandbox.dir);
        if (error !== undefined)
          return {
            changes: [],
            manifest: sandbox.report.manifest,
            txnDir,
            txnId,
            test: null,
            passed: false,
            error,
          };
      }
      const changes = await captureChanges({
        sandboxDir: sandbox.dir,
        agentDir: this.input.agentDir,
        manifest: sandbox.report.manifest,
        txnDir,
      });
      if (changes.length === 0)
        return { changes, manifest: sandbox.report.manifest, txnDir, txnId, test: null, passed: false };
      this.input.onEvent?.({ kind: 'test', label });
      const test = await runTests(this.input, sandbox.dir, label);
      return {
        changes,
        manifest: sandbox.report.manifest,
        txnDir,
        txnId,
        test,
        passed: test.exitCode === 0 && !test.timedOut,
      };
    } finally {
      await sandbox?.dispose();
    }
  }

  discard(trial: Trial): void {
    fs.rmSync(trial.txnDir, { recursive: true, force: true });
  }

  /** Runs the strategy's apply(); its failure is the action's, never the run's. */
  private async apply(
    action: PlanAction,
    candidate: unknown,
    sandboxDir: string,
  ): Promise<string | undefined> {
    const loaded = this.input.strategies.find((s) => s.strategy.id === action.strategy);
    if (!loaded) return `strategy ${action.strategy} is not loaded any more`;
    const own: PlannedAction = candidate === undefined ? action.action : { ...action.action, candidate };
    try {
      const ctx = this.input.applyContext(loaded.plugin, this.warnings, sandboxDir, candidate);
      await invokeComponent(
        loaded,
        { kind: 'strategies', id: loaded.strategy.id },
        {
          method: 'apply',
          args: [own, sandboxDir],
          ctx,
          local: () => loaded.strategy.apply(own, sandboxDir, ctx),
        },
        this.input.applyLimit(loaded.plugin),
      );
      return undefined;
    } catch (error) {
      return `${action.strategy}: ${(error as Error).message}`;
    }
  }
}

async function runTests(input: ExecuteInput, cwd: string, label: string): Promise<TestSummary> {
  const logFile = path.join(input.logDir, `${label}.log`);
  const run: TestRun = await runTestCommand(input.testCommand, {
    cwd,
    timeoutMs: input.testTimeoutMs,
    logFile,
  });
  return {
    exitCode: run.exitCode,
    durationMs: run.durationMs,
    timedOut: run.timedOut,
    outputTail: run.error ? `${run.outputTail}${run.error}` : run.outputTail,
    logFile: run.logFile,
  };
}

/** An action's result before it ran (also what recovery starts from for one its run never recorded). */
export function emptyResult(action: PlanAction): ActionResult {
  const learningIds = action.action.learningIds;
  return {
    ...(Array.isArray(learningIds) ? { learningIds: learningIds.map(String) } : {}),
    id: action.id,
    type: action.type,
    strategy: action.strategy,
    opportunityId: action.opportunityId,
    opportunityIds: action.opportunityIds ?? [action.opportunityId],
    target: action.target,
    value: action.search?.start ?? action.candidates?.[0] ?? action.action.to ?? null,
    description: action.description,
    status: action.status,
    changes: [],
    test: null,
    attempts: [],
    transactionId: null,
  };
}

/** applied: every action that ran was kept; partially_applied: some; rolled_back: none; no_op: nothing to do. */
export function overallStatus(actions: readonly Pick<ActionResult, 'status'>[]): ResultStatus {
  const count = (status: ActionStatus) => actions.filter((a) => a.status === status).length;
  const applied = count('applied');
  const pending = count('pending_approval');
  const notKept = count('rolled_back') + count('failed') + count('conflict');
  if (applied === 0 && pending > 0) return 'pending_approval';
  if (applied > 0) return notKept + pending > 0 ? 'partially_applied' : 'applied';
  return notKept > 0 ? 'rolled_back' : 'no_op';
}

export type { Policy };
