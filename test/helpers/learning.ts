import type { LearningInfo } from '../../src/core/sdk/types.js';

let n = 0;

/**
 * A stored learning for unit tests: an unabsorbed error_avoidance learning of agent `agent-1`
 * unless `partial` says otherwise; each gets an id, a title and a description of its own.
 */
export function learning(partial: Partial<LearningInfo> = {}): LearningInfo {
  n++;
  return {
    id: `lrn_${n}`,
    agentId: 'agent-1',
    learningType: 'error_avoidance',
    title: `learning ${n}`,
    description: `what learning ${n} teaches`,
    impactScore: 0.5,
    patternId: null,
    createdAt: '2026-11-23T16:00:00.000Z',
    absorbedAt: null,
    ...partial,
  };
}
