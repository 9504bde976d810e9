import * as v from 'valibot';
import { MAX_TIMER_MS } from '../config/schema.js';
import { isPlainObject } from '../feedback/validate.js';
import { count, finite, keyedRecord, rows } from './doc-shape.js';

/** agents.json: registrations by agent id. */
export const AGENT_REGISTRY_SHAPE = v.looseObject({
  agents: keyedRecord(
    v.looseObject({
      path: v.string(),
      test: v.string(),
      slaMs: v.optional(v.pipe(finite, v.gtValue(0))),
      testTimeoutMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_TIMER_MS))),
      learningsFile: v.optional(v.string()),
      addedAt: v.optional(v.string()),
    }),
  ),
});

/**
 * One hour bucket of the aggregates, checked by hand: a year of hourly buckets is tens of
 * thousands of them, and valibot per field would cost more than parsing the file.
 */
function bucketProblem(bucket: unknown): string | undefined {
  if (!isPlainObject(bucket)) return 'expected an object';
  for (const field of ['n', 'ratingSum', 'ratingN'])
    if (!isFinite(bucket[field])) return `${field}: expected a number, got ${shown(bucket[field])}`;
  for (const field of ['first', 'last'])
    if (typeof bucket[field] !== 'string') return `${field}: expected a string, got ${shown(bucket[field])}`;
  for (const field of COUNTS) {
    const problem = countsProblem(bucket[field]);
    if (problem !== undefined) return `${field}${problem}`;
  }
  for (const field of ['duration', 'okDuration']) {
    const problem = sumsProblem(bucket[field]);
    if (problem !== undefined) return `${field}${problem}`;
  }
  return (
    recordProblem('metrics', bucket.metrics, sumsProblem) ??
    recordProblem('metricBins', bucket.metricBins, countsProblem)
  );
}

const COUNTS = [
  'byType',
  'bySource',
  'byTypeSource',
  'scoreSum',
  'scoreMin',
  'sourceScoreSum',
  'errors',
  'durationBins',
  'okDurationBins',
  'qualityBins',
];

/** A record by metric name of sums or of bins. */
function recordProblem(
  field: string,
  record: unknown,
  problemOf: (value: unknown) => string | undefined,
): string | undefined {
  if (!isPlainObject(record)) return `${field}: expected an object, got ${shown(record)}`;
  for (const [name, value] of Object.entries(record)) {
    const problem = problemOf(value);
    if (problem !== undefined) return `${field}.${name}${problem}`;
  }
  return undefined;
}

function countsProblem(counts: unknown): string | undefined {
  if (!isPlainObject(counts)) return `: expected an object, got ${shown(counts)}`;
  for (const [key, value] of Object.entries(counts))
    if (!isFinite(value)) return `.${key}: expected a number, got ${shown(value)}`;
  return undefined;
}

function sumsProblem(sums: unknown): string | undefined {
  if (!isPlainObject(sums)) return `: expected an object, got ${shown(sums)}`;
  if (!isFinite(sums.sum)) return `.sum: expected a number, got ${shown(sums.sum)}`;
  if (!isFinite(sums.n)) return `.n: expected a number, got ${shown(sums.n)}`;
  if (sums.max !== null && !isFinite(sums.max))
    return `.max: expected a number or null, got ${shown(sums.max)}`;
  return undefined;
}

function isFinite(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

const BUCKET = v.custom<unknown>(
  (bucket) => bucketProblem(bucket) === undefined,
  (issue) => bucketProblem(issue.input) ?? 'not an aggregates bucket',
);

const POSITION = v.looseObject({ segment: count, offset: count });

/** feedback/aggregates.json: agent id → hour key → bucket, and the epochs of kept changes. */
export const SCORE_AGGREGATES_SHAPE = v.looseObject({
  foldedTo: POSITION,
  foldedSegments: v.optional(
    keyedRecord(v.looseObject({ bytes: count, ino: count, mtimeMs: v.optional(finite) })),
  ),
  agents: keyedRecord(keyedRecord(BUCKET)),
  epochs: keyedRecord(
    v.looseObject({
      agentId: v.string(),
      since: v.string(),
      until: v.optional(v.string()),
      from: POSITION,
      bucket: BUCKET,
      kinds: keyedRecord(v.looseObject({ successes: count, failures: count })),
    }),
  ),
});

/** feedback/store.json: patterns and learning events. */
export const FEEDBACK_STORE_SHAPE = v.looseObject({
  patterns: rows({
    patternType: v.string(),
    signature: v.string(),
    description: v.string(),
    frequency: finite,
    confidence: finite,
    firstSeen: v.string(),
    lastSeen: v.string(),
    examples: v.array(v.string()),
    status: v.optional(v.string()),
  }),
  learningEvents: rows({
    learningType: v.string(),
    title: v.string(),
    description: v.string(),
    impactScore: finite,
  }),
});

/**
 * optimization/store.json. Only what every version wrote since schema 1 is required; the
 * optimization engine keeps adding fields to results and plans.
 */
export const OPTIMIZATION_STORE_SHAPE = v.looseObject({
  performanceMetrics: rows({}),
  opportunities: rows({
    type: v.string(),
    severity: v.string(),
    status: v.string(),
    title: v.optional(v.string()),
    description: v.optional(v.string()),
    detector: v.optional(v.string()),
    subject: v.optional(v.string()),
  }),
  optimizationPlans: rows({ status: v.optional(v.string()), actions: v.optional(v.array(v.unknown())) }),
  optimizationResults: rows({ status: v.optional(v.string()), actions: v.optional(v.array(v.unknown())) }),
  healthHistory: rows({ timestamp: v.string(), healthScore: v.nullable(finite) }),
  verifications: rows({ status: v.string(), opportunityId: v.string(), target: v.string() }),
});
