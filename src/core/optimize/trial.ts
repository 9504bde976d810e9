import fse from 'fs-extra';
import path from 'node:path';
import { invokeComponent } from '../plugins/invoke.js';
import type { PluginWarning } from '../plugins/run-detectors.js';
import {
  applyChanges,
  captureChanges,
  changedPaths,
  createSandbox,
  markTree,
  planTreeSwap,
  stageTreeSwap,
  TREE,
  type Change,
  type Sandbox,
  type TreeManifest,
  type TreeSwap,
} from '../sandbox/api.js';
import type { ApplyContext, PlannedAction } from '../sdk/types.js';
import type { ActionStatus, PlanAction } from './plan.js';
import type { ActionResult, ExecuteInput, TestSummary } from './results.js';

/** A sandbox in which some actions were applied, with the change they made captured before the tests ran. */
export interface Trial {
  changes: Change[];
  /** The installed tree (node_modules), staged to be swapped in as one directory; null: none or path by path. */
  swap: TreeSwap | null;
  manifest: TreeManifest;
  txnDir: string;
  txnId: string;
  test: TestSummary | null;
  passed: boolean;
  error?: string;
}

/** Writes a passing trial's change into the agent folder; a user edit meanwhile makes it a conflict. */
export async function keep(trial: Trial, owners: ActionResult[], input: ExecuteInput): Promise<ActionStatus> {
  const outcome = await applyChanges({
    txnDir: trial.txnDir,
    agentDir: input.agentDir,
    changes: trial.changes,
    swap: trial.swap,
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
          changes: changedPaths(trial.changes, trial.swap),
          transactionId: trial.txnId,
          appliedAt: input.now().toISOString(),
        })),
      ),
  });
  // The transaction's outcome is the action's status as it is (applied, conflict, no_op).
  const status: ActionStatus = outcome.status;
  for (const owner of owners) {
    owner.status = status;
    owner.changes = changedPaths(trial.changes, trial.swap);
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
  if (status !== 'applied') fse.removeSync(trial.txnDir);
  return status;
}

/** Runs trials, each in a sandbox of its own (a fresh copy, or the one reuse() handed over). */
export class TrialRunner {
  private count = 0;
  private readonly disposals: Array<Promise<void>> = [];
  /** A copy nothing changed since it was made, and its tree's mark: the next trial runs in it. */
  private spare: { sandbox: Sandbox; mark: string | null } | undefined;

  constructor(
    private readonly input: ExecuteInput,
    private readonly warnings: PluginWarning[],
  ) {}

  /** A sandbox, the actions applied, the change captured, the tests run; the sandbox removed. */
  async trial(steps: Array<{ action: PlanAction; candidate: unknown }>, label: string): Promise<Trial> {
    this.count += 1;
    const txnId = `${this.input.resultId.replace(/^res_/, 'txn_')}_${this.count}`;
    const txnDir = path.join(this.input.transactionsRoot, txnId);
    let sandbox: Sandbox | undefined;
    try {
      const spare = this.spare;
      this.spare = undefined;
      sandbox = spare?.sandbox ?? (await createSandbox(this.input.sandboxesRoot, this.input.agentDir));
      const mark = spare ? spare.mark : await markTree(sandbox.dir);
      for (const group of byStrategy(steps)) {
        const error = await this.apply(group, sandbox.dir);
        if (error !== undefined)
          return {
            changes: [],
            swap: null,
            manifest: sandbox.report.manifest,
            txnDir,
            txnId,
            test: null,
            passed: false,
            error,
          };
      }
      const where = {
        sandboxDir: sandbox.dir,
        agentDir: this.input.agentDir,
        manifest: sandbox.report.manifest,
        txnDir,
      };
      // A changed node_modules travels as one directory, not as thousands of journaled paths.
      const planned = await planTreeSwap({ ...where, mark });
      const swap = planned?.swap ?? null;
      const changes = await captureChanges(swap ? { ...where, exclude: (rel) => rel === TREE } : where);
      const base = { changes, swap, manifest: sandbox.report.manifest, txnDir, txnId };
      if (changes.length === 0 && !swap) return { ...base, test: null, passed: false };
      this.input.onEvent?.({ kind: 'test', label });
      const { test, passed } = await runTests(this.input, sandbox.dir, label);
      // The tree the tests passed on, moved into the transaction: unless they changed it.
      const touched = passed && planned ? await stageTreeSwap(planned, txnDir) : null;
      if (touched) return { ...base, test, passed: false, error: touched };
      return { ...base, test, passed };
    } finally {
      if (sandbox) this.disposeLater(sandbox);
    }
  }

  /**
   * Removes a used sandbox while the run goes on (thousands of files under node_modules take
   * seconds to unlink, on the path of the next copy or of the keep); settle() awaits them all.
   */
  disposeLater(sandbox: Sandbox): void {
    this.disposals.push(sandbox.dispose());
  }

  /**
   * Hands over a sandbox still exactly as copied (the baseline's, see runBaseline), with
   * markTree() of it: the next trial runs there instead of copying the agent folder again.
   */
  reuse(sandbox: Sandbox, mark: string | null): void {
    if (this.spare) this.disposeLater(this.spare.sandbox);
    this.spare = { sandbox, mark };
  }

  async settle(): Promise<void> {
    if (this.spare) this.disposeLater(this.spare.sandbox);
    this.spare = undefined;
    await Promise.all(this.disposals.splice(0));
  }

  /** Nothing to keep: the actions changed no path and no installed tree. */
  static isEmpty(trial: Trial): boolean {
    return trial.changes.length === 0 && trial.swap === null;
  }

  discard(trial: Trial): void {
    fse.removeSync(trial.txnDir);
  }

  /**
   * Runs the strategy's apply() — or, for several of its actions when it has one, its applyBatch()
   * once (a batch of upgrades: one npm install). Its failure is the actions', never the run's.
   */
  private async apply(
    steps: ReadonlyArray<{ action: PlanAction; candidate: unknown }>,
    sandboxDir: string,
  ): Promise<string | undefined> {
    const strategyId = steps[0]!.action.strategy;
    const loaded = this.input.strategies.find((s) => s.strategy.id === strategyId);
    if (!loaded) return `strategy ${strategyId} is not loaded any more`;
    const own = steps.map(({ action, candidate }): PlannedAction =>
      candidate === undefined ? action.action : { ...action.action, candidate },
    );
    const batch = steps.length > 1 && typeof loaded.strategy.applyBatch === 'function';
    const calls: Array<{
      method: string;
      arg: unknown;
      candidate: unknown;
      local: (ctx: ApplyContext) => unknown;
    }> = batch
      ? [
          {
            method: 'applyBatch',
            arg: own,
            candidate: undefined,
            local: (ctx) => loaded.strategy.applyBatch!(own, sandboxDir, ctx),
          },
        ]
      : own.map((action, i) => ({
          method: 'apply',
          arg: action,
          candidate: steps[i]!.candidate,
          local: (ctx) => loaded.strategy.apply(action, sandboxDir, ctx),
        }));
    try {
      for (const call of calls) {
        const ctx = this.input.applyContext(loaded.plugin, this.warnings, sandboxDir, call.candidate);
        await invokeComponent(
          loaded,
          { kind: 'strategies', id: loaded.strategy.id },
          { method: call.method, args: [call.arg, sandboxDir], ctx, local: () => call.local(ctx) },
          this.input.applyLimit(loaded.plugin),
        );
      }
      return undefined;
    } catch (error) {
      return `${strategyId}: ${(error as Error).message}`;
    }
  }
}

/** The steps grouped by strategy, in the order each strategy first appears (strategies touch their own files). */
function byStrategy<T extends { action: PlanAction }>(steps: readonly T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const step of steps) {
    const group = groups.get(step.action.strategy);
    if (group) group.push(step);
    else groups.set(step.action.strategy, [step]);
  }
  return [...groups.values()];
}

export async function runTests(
  input: ExecuteInput,
  cwd: string,
  label: string,
): Promise<{ test: TestSummary; passed: boolean }> {
  const logFile = path.join(input.logDir, `${label}.log`);
  const run = await input.runner.runTests(input.testCommand, {
    cwd,
    timeoutMs: input.testTimeoutMs,
    logFile,
  });
  const test: TestSummary = {
    exitCode: run.exitCode,
    durationMs: run.durationMs,
    timedOut: run.timedOut,
    outputTail: run.error ? `${run.outputTail}${run.error}` : run.outputTail,
    logFile: run.logFile,
  };
  return { test, passed: run.status === 'passed' };
}
