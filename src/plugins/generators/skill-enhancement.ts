import { defineLearningGenerator, impactScore } from '../../core/sdk/index.js';

/** skill_enhancement from a capability gap: a kind of operation that mostly fails. */
export default defineLearningGenerator({
  id: 'kv1nt/skill-enhancement',
  patternTypes: ['failure'],
  generate(pattern) {
    const kind = pattern.operationKind;
    if (typeof kind !== 'string') return [];
    const rate = typeof pattern.failureRate === 'number' ? pattern.failureRate : 1;
    return [
      {
        learningType: 'skill_enhancement',
        title: `Get better at "${kind}" operations`,
        description: `${Math.round(rate * 100)} % of "${kind}" operations fail (${pattern.frequency} failures, last ${pattern.lastSeen}). Add examples or tests for this kind of task, or route it elsewhere until it passes reliably.`,
        impactScore: impactScore(pattern.frequency, pattern.confidence, 'MEDIUM'),
      },
    ];
  },
});
