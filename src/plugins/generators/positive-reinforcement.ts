import { defineLearningGenerator, impactScore } from '../../core/sdk/index.js';

/** positive_reinforcement from operation kinds that keep succeeding. */
export default defineLearningGenerator({
  id: 'kv1nt/positive-reinforcement',
  patternTypes: ['success'],
  generate(pattern) {
    const kind = typeof pattern.operationKind === 'string' ? pattern.operationKind : pattern.signature;
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
