import { ownValue, safeRecord, setOwn } from '../safe-record.js';
import type { AggregatesDoc, Stores } from '../store/stores.js';
import { allEntries, foldNew } from './aggregate-index.js';
import { hourKey } from './aggregates.js';
import { checkAgeDays } from './older-than.js';

/** What `pruneOlderThan` needs of the facade (Kv1ntCore): its stores, clock and agent check. */
export interface PruneTarget {
  readonly stores: Stores;
  now(): Date;
  assertKnownAgent(agentId: string): Promise<void>;
}

/**
 * `kv1nt prune` and config `retention.days`: deletes the entries older than `olderThanDays` (at
 * least 1: the last 24 hours always stay) of one agent or all; `dryRun` only counts.
 */
export async function pruneOlderThan(
  core: PruneTarget,
  request: { olderThanDays: number; agentId?: string | undefined; dryRun?: boolean | undefined },
): Promise<PruneResult> {
  const days = checkAgeDays(request.olderThanDays, 'age');
  if (request.agentId !== undefined) await core.assertKnownAgent(request.agentId);
  const cutoff = new Date(core.now().getTime() - days * 86_400_000);
  return pruneFeedback(core.stores, { cutoff, agentId: request.agentId, dryRun: request.dryRun });
}

export interface PruneRequest {
  /** Entries timestamped before this instant go. */
  cutoff: Date;
  /** Only this agent's entries; every agent's when absent. */
  agentId?: string | undefined;
  /** Count only; nothing is written. */
  dryRun?: boolean | undefined;
}

export interface PruneResult {
  cutoff: string;
  dryRun: boolean;
  /** Entries deleted (or, in a dry run, that would be). */
  removed: number;
  /** The same, per agent that had any. */
  agents: Record<string, number>;
}

/**
 * Deletes the feedback entries older than the cutoff, then rebuilds the aggregates from what is
 * left. Under the aggregates' lock (readers do not fold a half-rewritten log): the aggregates are
 * emptied on disk first, then the log segments that change are rewritten one by one (each
 * atomically, under the log's lock), then the aggregates are folded again. A crash at any point
 * leaves whole segments and aggregates that the next reader rebuilds; running prune again
 * finishes the job.
 */
export async function pruneFeedback(stores: Stores, request: PruneRequest): Promise<PruneResult> {
  const cutoff = request.cutoff.toISOString();
  const agents = safeRecord<number>();
  const isOld = (record: unknown): boolean => {
    const entry = record as { agentId?: unknown; timestamp?: unknown };
    return (
      typeof entry.timestamp === 'string' &&
      entry.timestamp < cutoff &&
      (request.agentId === undefined || entry.agentId === request.agentId)
    );
  };
  const count = (record: unknown) => {
    const agent = String((record as { agentId?: unknown }).agentId);
    setOwn(agents, agent, (ownValue(agents, agent) ?? 0) + 1);
  };
  let removed = 0;
  if (request.dryRun) {
    for (const entry of allEntries(stores)) {
      if (!isOld(entry)) continue;
      count(entry);
      removed++;
    }
  } else {
    await stores.aggregates.locked(async (db) => {
      foldNew(stores, db.data);
      // The hourly sums tell without reading the log whether anything can be old enough.
      if (!hasHourBefore(db.data, cutoff, request.agentId)) {
        await db.write();
        return;
      }
      Object.assign(db.data, stores.aggregates.defaults());
      await db.write();
      removed = await stores.log.rewrite((record) => !isOld(record), count);
      foldNew(stores, db.data);
      await db.write();
    });
  }
  return { cutoff, dryRun: request.dryRun === true, removed, agents };
}

/** Whether any hour bucket (of the agent, or of any agent) starts before the cutoff. */
function hasHourBefore(doc: AggregatesDoc, cutoff: string, agentId: string | undefined): boolean {
  const cutoffHour = hourKey(cutoff);
  const ids = agentId === undefined ? Object.keys(doc.agents) : [agentId];
  for (const id of ids) {
    const hours = ownValue(doc.agents, id);
    if (hours && Object.keys(hours).some((hour) => hour <= cutoffHour)) return true;
  }
  return false;
}
