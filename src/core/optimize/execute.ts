import type { PluginWarning } from '../plugins/run-detectors.js';
import type { Policy } from '../sdk/types.js';
import { createSandbox, markSandbox } from '../sandbox/api.js';
import type { MarkedSandbox } from './early-sandbox.js';
import { findPassingSet } from './bisect.js';
import type { PlanAction } from './plan.js';
import { validatesInBatch } from './policy.js';
import {
  emptyResult,
  overallStatus,
  type ActionResult,
  type Attempt,
  type ExecuteInput,
  type ExecuteOutcome,
  type TestSummary,
} from './results.js';
import { keep, runTests, TrialRunner, type Trial } from './trial.js';
import { aligner, searchValue } from './value-search.js';

export type {
  ActionResult,
  Attempt,
  ExecuteInput,
  ExecuteOutcome,
  ProgressEvent,
  ResultStatus,
  TestSummary,
} from './results.js';
export { emptyResult, overallStatus } from './results.js';
export { searchValue } from './value-search.js';

/**
 * Runs the approved actions of a plan: a baseline test run first, then either each action alone
 * (conservative, minimal, comprehensive) or all at once with bisection on failure (aggressive).
 * Every trial happens in a copy of the agent folder as it was (the first one in the baseline's
 * copy when its tests left it untouched); only a change whose tests pass is written into the
 * folder, as a journaled transaction.
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
    const waits = (action.needsApproval && !action.approved) || input.deferred?.has(action.id);
    if (waits) result.status = 'pending_approval';
    else runnable.push(action);
  }
  let baseline: ExecuteOutcome['baseline'] = null;
  if (runnable.length > 0) {
    const runner = new TrialRunner(input, warnings);
    try {
      input.onEvent?.({ kind: 'baseline' });
      baseline = await runBaseline(input, runner);
      if (validatesInBatch(input.plan.policy)) await runBatch(runner, runnable, results, input);
      else
        for (const action of runnable)
          await runAlone(runner, action, results.get(action.id)!, input, runnable);
    } finally {
      await runner.settle();
    }
  }
  const actions = open.map((action) => results.get(action.id)!);
  return { status: overallStatus(actions), baseline, actions, warnings };
}

async function runBaseline(
  input: ExecuteInput,
  runner: TrialRunner,
): Promise<TestSummary & { passed: boolean }> {
  const { sandbox, mark: before } = await (input.earlySandbox ?? markedSandbox(input));
  let reused = false;
  try {
    const { test, passed } = await runTests(input, sandbox.dir, 'baseline');
    // Tests that left their copy exactly as made (no write, no new file, not even a ctime moved)
    // hand it to the first trial: one copy of the agent folder, and of its node_modules, less.
    const after = await markSandbox(sandbox.dir);
    if (after.folder === before.folder) {
      runner.reuse(sandbox, after.tree);
      reused = true;
    }
    return { ...test, passed };
  } finally {
    if (!reused) runner.disposeLater(sandbox);
  }
}

async function markedSandbox(input: ExecuteInput): Promise<MarkedSandbox> {
  const sandbox = await createSandbox(input.sandboxesRoot, input.agentDir);
  try {
    return { sandbox, mark: await markSandbox(sandbox.dir) };
  } catch (error) {
    await sandbox.dispose();
    throw error;
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
  if (TrialRunner.isEmpty(trial)) {
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

/** The value an action is tried with first (in a batch): its search's start or first candidate. */
function firstValue(action: PlanAction): unknown {
  return action.search ? aligner(action.search)(action.search.start) : action.candidates?.[0];
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
    if (trial.passed && !TrialRunner.isEmpty(trial)) {
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

export type { Policy };
