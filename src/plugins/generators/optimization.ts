import { defineLearningGenerator, impactScore } from '../../core/sdk/index.js';

/** optimization from quality and performance patterns. */
export default defineLearningGenerator({
  id: 'kv1nt/optimization',
  patternTypes: ['quality', 'performance'],
  generate(pattern) {
    const action =
      pattern.patternType === 'quality'
        ? typeof pattern.dimension === 'string'
          ? `Work on "${pattern.dimension}": add checks or examples aimed at it, and score it on every run.`
          : 'Compare recent low-scoring outputs with earlier good ones to find what changed (model, prompt, input), and pin it.'
        : typeof pattern.operationKind === 'string'
          ? `Profile "${pattern.operationKind}" operations; cache, batch or stream the slow step, or raise the SLA if it is unrealistic.`
          : 'Durations keep rising: look for growing inputs, caches that no longer hit, or leaks between runs.';
    return [
      {
        learningType: 'optimization',
        title: pattern.description,
        description: `${pattern.description} — ${pattern.frequency} occurrences from ${pattern.firstSeen} to ${pattern.lastSeen}. ${action}`,
        impactScore: impactScore(
          pattern.frequency,
          pattern.confidence,
          pattern.patternType === 'quality' ? 'HIGH' : 'MEDIUM',
        ),
      },
    ];
  },
});
