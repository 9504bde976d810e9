import { defineDetector, type Finding } from '../../core/sdk/index.js';

/**
 * Recurring errors. When failure patterns are stored (`kv1nt patterns`) each frequent one is a
 * finding, keyed by its signature; before any pattern exists, an error type that recurs at least
 * `errorPatternMinCount` times in the window is one.
 */
export default defineDetector({
  id: 'kv1nt/error-pattern',
  type: 'error_pattern',
  description:
    'A failure pattern, or an error type recurring thresholds.errorPatternMinCount times or more in the window.',
  detect({ metrics, patterns, config: { thresholds } }) {
    const failurePatterns = patterns.filter(
      // Patterns of a whole operation kind are capability gaps, not error patterns.
      (pattern) =>
        pattern.patternType === 'failure' &&
        pattern.status !== 'inactive' &&
        typeof pattern.operationKind !== 'string',
    );
    if (failurePatterns.length > 0) {
      return failurePatterns
        .filter((pattern) => pattern.frequency >= thresholds.errorPatternMinCount)
        .map((pattern): Finding => ({
          title: `Recurring failure: ${pattern.description}`,
          description: `${pattern.description} — seen ${pattern.frequency} times between ${pattern.firstSeen} and ${pattern.lastSeen} (confidence ${pattern.confidence}).`,
          evidence: {
            patternId: pattern.id,
            signature: pattern.signature,
            frequency: pattern.frequency,
            confidence: pattern.confidence,
            examples: pattern.examples,
            // What a fix needs (when the pattern knows it): the error type, the kinds that fail,
            // the durations their successes take and the ones the messages name.
            ...pick(pattern, ['errorType', 'operationKinds', 'successP99Ms', 'messageMaxMs']),
          },
          subject: `pattern:${pattern.signature}`,
        }));
    }
    return metrics.topErrors
      .filter((error) => error.count >= thresholds.errorPatternMinCount)
      .map((error): Finding => ({
        title: `Recurring error: ${error.errorType} (${error.count}×)`,
        description: `${error.count} of ${metrics.failures} failure(s) in the last ${metrics.window.days} day(s) have the error type ${error.errorType}.`,
        evidence: { errorType: error.errorType, count: error.count, failures: metrics.failures },
        subject: `errorType:${error.errorType}`,
      }));
  },
});

/** The fields of `pattern` among `keys` that it has (set and not null). */
function pick<T extends object>(pattern: T, keys: ReadonlyArray<keyof T & string>): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const key of keys) if (pattern[key] !== undefined && pattern[key] !== null) picked[key] = pattern[key];
  return picked;
}
