import type { StoredPattern } from '../patterns/engine.js';
import type { Stores } from '../store/stores.js';
import { refreshAggregates } from './aggregate-index.js';
import { emptyBucket, mergeBucket, totalFor, windowStartKey } from './aggregates.js';
import { summarize, type FeedbackSummary } from './summary.js';

/** `kv1nt summary`: the agent's window, with its most frequent active patterns (as of the last `kv1nt patterns`). */
export async function agentSummary(
  stores: Stores,
  agentId: string,
  days: number,
  now: Date,
): Promise<FeedbackSummary> {
  const [aggregates, stored] = await Promise.all([refreshAggregates(stores), stores.feedback.read()]);
  const summary = summarize(agentId, days, totalFor(aggregates, agentId, windowStartKey(now, days)));
  const topPatterns = (stored.patterns as unknown as StoredPattern[])
    .filter((p) => p.agentId === agentId && p.status !== 'inactive')
    .sort((a, b) => b.frequency - a.frequency || b.confidence - a.confidence)
    .slice(0, 5)
    .map(({ id, patternType, description, frequency, confidence, lastSeen }) => ({
      id,
      patternType,
      description,
      frequency,
      confidence,
      lastSeen,
    }));
  return { ...summary, topPatterns };
}

/** All-time totals for each agent that has feedback, by agent id. */
export async function allTimeSummaries(stores: Stores): Promise<FeedbackSummary[]> {
  const aggregates = await refreshAggregates(stores);
  return Object.keys(aggregates.agents)
    .sort()
    .map((agentId) => {
      const total = emptyBucket('');
      mergeBucket(total, totalFor(aggregates, agentId));
      return summarize(agentId, 0, total);
    });
}
