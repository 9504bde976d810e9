import { defineLearningGenerator, impactScore } from '../../core/sdk/index.js';

/** error_avoidance from recurring failures (one fingerprint): what happens, how often, what to do. */
export default defineLearningGenerator({
  id: 'kv1nt/error-avoidance',
  patternTypes: ['failure'],
  generate(pattern) {
    if (typeof pattern.operationKind === 'string') return [];
    const errorType = typeof pattern.errorType === 'string' ? pattern.errorType : 'unknown';
    const advice =
      ADVICE.find(([test]) => test.test(pattern.signature))?.[1] ??
      'Find the root cause in one of the example operations and add a test that reproduces it.';
    return [
      {
        learningType: 'error_avoidance',
        title: `Avoid "${pattern.signature}"`,
        description: `This failure (${errorType}) happened ${pattern.frequency} times between ${pattern.firstSeen} and ${pattern.lastSeen}, e.g. in ${pattern.examples.slice(0, 3).join(', ')}. ${advice}`,
        impactScore: impactScore(pattern.frequency, pattern.confidence, 'HIGH'),
      },
    ];
  },
});

const ADVICE: Array<[RegExp, string]> = [
  [
    /timeout|timed out|deadline/i,
    'Raise the time limit for slow inputs, or split the work; retry once with backoff before failing.',
  ],
  [/rate.?limit|429|quota/i, 'Throttle requests and retry with exponential backoff and jitter.'],
  [
    /ECONNREFUSED|ECONNRESET|connection|network|ENOTFOUND/i,
    'Check that the dependency is up before the run, and retry transient network errors.',
  ],
  [
    /parse|json|syntax|unexpected token/i,
    'Validate the input (or the model output) against a schema before using it.',
  ],
  [
    /ENOENT|not found|no such file/i,
    'Check that inputs exist before starting, and report missing ones clearly.',
  ],
  [
    /permission|EACCES|forbidden|401|403/i,
    'Check credentials and permissions at start-up rather than mid-run.',
  ],
];
