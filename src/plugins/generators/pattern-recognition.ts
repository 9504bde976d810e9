import { defineLearningGenerator, impactScore } from '../../core/sdk/index.js';

/** pattern_recognition from behaviour patterns: when failures cluster, and retries. */
export default defineLearningGenerator({
  id: 'kv1nt/pattern-recognition',
  patternTypes: ['behavior'],
  generate(pattern) {
    const action =
      typeof pattern.hourUtc === 'number'
        ? `Check what else runs at that hour (backups, batch jobs, peak traffic) and schedule around it.`
        : 'Make retried operations idempotent and find why the first attempt fails instead of relying on the retry.';
    return [
      {
        learningType: 'pattern_recognition',
        title: pattern.description,
        description: `${pattern.description} (${pattern.frequency} seen, ${pattern.firstSeen} → ${pattern.lastSeen}). ${action}`,
        impactScore: impactScore(pattern.frequency, pattern.confidence, 'MEDIUM'),
      },
    ];
  },
});
