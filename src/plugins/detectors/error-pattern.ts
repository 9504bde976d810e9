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
