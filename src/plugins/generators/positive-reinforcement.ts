import { defineLearningGenerator, impactScore } from '../../core/sdk/index.js';

/** A kind that fails this often is not one to "keep doing the way it is done now". */
export const MAX_FAILURE_RATE = 0.2;

/** positive_reinforcement from operation kinds that keep succeeding (and rarely fail). */
export default defineLearningGenerator({
  id: 'kv1nt/positive-reinforcement',
  patternTypes: ['success'],
  generate(pattern) {
    const kind = typeof pattern.operationKind === 'string' ? pattern.operationKind : pattern.signature;
    if (typeof pattern.failureRate === 'number' && pattern.failureRate >= MAX_FAILURE_RATE) return [];
    return [
      {
        learningType: 'positive_reinforcement',
        title: `Keep doing "${kind}" the way it is done now`,
        description: `"${kind}" succeeded ${pattern.frequency} times between ${pattern.firstSeen} and ${pattern.lastSeen} (confidence ${pattern.confidence}). Keep its approach as the reference when changing the agent, and reuse it for similar tasks.`,
        impactScore: impactScore(pattern.frequency, pattern.confidence, 'LOW'),
      },
    ];
  },
});
