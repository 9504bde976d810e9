import type { FeedbackEntry } from '../core/recording.js';

/** One line for a recorded entry. */
export function describeEntry(entry: FeedbackEntry): string {
  const parts = [`Recorded ${entry.type} for ${entry.agentId} / ${entry.operationId}`];
  if (entry.type === 'user_rating') parts.push(`rating ${entry.rating}`);
  else if (entry.type !== 'failure') parts.push(`score ${entry.score}`);
  if (entry.errorType) parts.push(`error ${entry.errorType}`);
  if (entry.durationMs !== undefined) parts.push(`${entry.durationMs} ms`);
  return `${parts.join(', ')} (${entry.id})`;
}
