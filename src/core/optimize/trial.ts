import fse from 'fs-extra';
import path from 'node:path';
import { invokeComponent } from '../plugins/invoke.js';
import type { PluginWarning } from '../plugins/run-detectors.js';
import {
  applyChanges,
  captureChanges,
  createSandbox,
  type Change,
  type Sandbox,
  type TreeManifest,
} from '../sandbox/api.js';
import type { PlannedAction } from '../sdk/types.js';
import type { ActionStatus, PlanAction } from './plan.js';
import type { ActionResult, ExecuteInput, TestSummary } from './results.js';

/** A sandbox in which some actions were applied, with the change they made captured before the tests ran. */
export interface Trial {
  changes: Change[];
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
  // The transaction's outcome is the action's status as it is (applied, conflict, no_op).
  const status: ActionStatus = outcome.status;
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
  if (status !== 'applied') fse.removeSync(trial.txnDir);
  return status;
}

/** Runs trials: each in a fresh sandbox, numbered for its transaction's id. */
export class TrialRunner {
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
      const { test, passed } = await runTests(this.input, sandbox.dir, label);
      return { changes, manifest: sandbox.report.manifest, txnDir, txnId, test, passed };
    } finally {
      await sandbox?.dispose();
    }
  }

  discard(trial: Trial): void {
    fse.removeSync(trial.txnDir);
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
