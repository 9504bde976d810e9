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

/**
 * Feedback lines to import: `failures` timeouts and `successes` successes of `agentId`, one an hour
 * back from now — a HIGH error pattern and a low health.
 */
export function timeoutHistory(agentId: string, failures: number, successes: number): object[] {
  const at = (i: number) => new Date(Date.now() - i * 3_600_000).toISOString();
  return [
    ...Array.from({ length: failures }, (_, i) => ({
      agentId,
      operationId: `f${i}`,
      type: 'failure',
      errorType: 'timeout',
      message: 'timed out after 3000 ms',
      timestamp: at(i),
    })),
    ...Array.from({ length: successes }, (_, i) => ({
      agentId,
      operationId: `s${i}`,
      type: 'success',
      durationMs: 100,
      timestamp: at(i),
    })),
  ];
}
