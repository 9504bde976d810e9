import { invalidValue, notFound } from '../errors.js';
import type { OptimizationPlan, OptimizationResult } from '../model/optimization.js';
import { resolveStoredId } from '../stored-ids.js';
import type { Stores } from '../store/stores.js';
import type { ResultDiff } from './result-diff.js';
import type { RollbackReport } from './rollback.js';

export type { ResultDiff, RollbackReport };

/** What `kv1nt rollback` undoes: a result id (or a unique prefix), or the agent's newest kept result. */
export type RollbackTarget = string | { last: string };

/**
 * The front door's requests on the optimization records — `approve`, `rollback`, `history`, one
 * result and its diff — with the ids a person typed resolved first (whole, or a unique prefix).
 * Loaded on first use: the engines behind it import the sandbox and the process runner.
 */
export class OptimizationRecords {
  constructor(
    private readonly stores: Stores,
    private readonly now: () => Date,
    private readonly assertKnownAgent: (agentId: string) => Promise<void>,
  ) {}

  async approve(planId: string): Promise<OptimizationPlan> {
    const { approvePlan } = await import('./optimize.js');
    return approvePlan(this.stores, await resolveStoredId(this.stores, 'plan', planId), this.now());
  }

  async rollback(target: RollbackTarget, force: boolean): Promise<RollbackReport> {
    const [{ rollbackResult }, { recoverInterrupted }] = await Promise.all([
      import('./rollback.js'),
      import('./recovery.js'),
    ]);
    if (typeof target !== 'string') await this.assertKnownAgent(target.last);
    await recoverInterrupted(this.stores);
    const id =
      typeof target === 'string'
        ? await resolveStoredId(this.stores, 'result', target)
        : await this.lastKeptResultId(target.last);
    return rollbackResult(this.stores, id, { force, now: this.now });
  }

  async history(agentId: string, limit: number): Promise<OptimizationResult[]> {
    if (!Number.isInteger(limit) || limit < 1)
      throw invalidValue('limit', 'a whole number of at least 1', limit);
    await this.assertKnownAgent(agentId);
    const { optimizationHistory } = await import('./rollback.js');
    return optimizationHistory(this.stores, agentId, limit);
  }

  /** `kv1nt history <resultId>`. */
  async result(resultId: string): Promise<OptimizationResult> {
    const { optimizationResult } = await import('./rollback.js');
    return optimizationResult(this.stores, await resolveStoredId(this.stores, 'result', resultId));
  }

  /** `kv1nt history <resultId> --diff`: what the result's applied changes did, file by file. */
  async diff(resultId: string): Promise<ResultDiff> {
    const result = await this.result(resultId);
    const [{ resultDiff }, { processRunner }] = await Promise.all([
      import('./result-diff.js'),
      import('../runner/runner.js'),
    ]);
    return resultDiff(this.stores, result, processRunner);
  }

  /**
   * `kv1nt rollback --last <agent>`: the agent's newest result that still has a change in its
   * folder — not rolled back, with an applied action the closed loop did not revert.
   */
  private async lastKeptResultId(agentId: string): Promise<string> {
    const doc = await this.stores.optimization.read();
    const kept = doc.optimizationResults
      .filter((row) => row.agentId === agentId && !row.rolledBackAt && keepsAChange(row))
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.id.localeCompare(a.id));
    if (kept.length === 0)
      throw notFound(
        'RESULT_NOT_FOUND',
        `Agent ${agentId} has no kept optimization result to roll back: none of its results has a change still in its folder.`,
        [`kv1nt history ${agentId} lists its results and what became of them.`],
      );
    return kept[0]!.id;
  }
}

function keepsAChange(result: OptimizationResult): boolean {
  return result.actions.some((a) => a.status === 'applied' && a.transactionId && !a.revertedAt);
}
