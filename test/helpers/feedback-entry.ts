import type { FeedbackEntry } from '../../src/core/feedback/types.js';

let n = 0;

/**
 * A stored feedback entry for unit tests: a success of agent `a` at 2026-11-20T10:15Z unless
 * `partial` says otherwise; each gets an id and an operation id of its own.
 */
export function feedbackEntry(partial: Partial<FeedbackEntry> = {}): FeedbackEntry {
  n++;
  return {
    id: `fb_${n}`,
    agentId: 'a',
    operationId: `op-${n}`,
    type: 'success',
    score: 1,
    source: 'agent',
    timestamp: '2026-11-20T10:15:00.000Z',
    recordedAt: '2026-11-20T10:15:00.000Z',
    ...partial,
  };
}
