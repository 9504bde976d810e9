import { median, sampleCorrelation } from 'simple-statistics';
import type { FeedbackEntry } from '../feedback/types.js';
import type { PatternInfo } from '../sdk/types.js';
import { failureSignature, fingerprint } from './fingerprint.js';

export type PatternType = PatternInfo['patternType'];

/** A pattern as found in one run, before it gets its stored id (confidence: see each detector). */
export type PatternCandidate = Pick<
  PatternInfo,
  | 'patternType'
  | 'signature'
  | 'description'
  | 'frequency'
  | 'confidence'
  | 'firstSeen'
  | 'lastSeen'
  | 'examples'
> & {
  extra?: Record<string, unknown>;
};

export interface PatternOptions {
  minFrequency: number;
  minConfidence: number;
  slaMs: number | null;
}

const EXAMPLES = 5;
const DAY = 86_400_000;

/**
 * All five kinds, filtered by frequency and confidence, most frequent first. `entries` should be
 * in timestamp order (as windowEntries gives them): every group below then is too, so a group's
 * first and last entries are its first and last sightings.
 */
export function detectPatterns(given: readonly FeedbackEntry[], options: PatternOptions): PatternCandidate[] {
  const by = classify(inTimeOrder(given));
  // Both detectors group the same entries by kind: group once.
  const kinds = byKind(by.outcomes);
  const found = [
    ...failurePatterns(by.failures),
    ...capabilityPatterns(kinds),
    ...successPatterns(kinds),
    ...qualityPatterns(by.scores),
    ...performancePatterns(by.timed, options),
    ...behaviorPatterns(by.failures, by.outcomes),
  ];
  return found
    .filter((p) => p.frequency >= options.minFrequency && p.confidence >= options.minConfidence)
    .map((p) => ({ ...p, confidence: round(p.confidence) }))
    .sort((a, b) => b.frequency - a.frequency || a.signature.localeCompare(b.signature));
}

/** `summarize-1042` → `summarize`; `details.task` wins when present. */
export function operationKind(entry: FeedbackEntry): string {
  const task = entry.details?.task;
  if (typeof task === 'string' && task !== '') return task;
  const stem = entry.operationId.replace(/(?:[-_.:/#]?(?:\d+|[0-9a-f]{8,}))+$/i, '');
  return stem === '' ? entry.operationId : stem;
}

/**
 * failure: failures with the same fingerprint (error type + message template).
 * confidence = n / (n + 1): how sure we are that it recurs, growing with every repeat.
 */
function failurePatterns(failures: readonly FeedbackEntry[]): PatternCandidate[] {
  const groups = new Map<string, FeedbackEntry[]>();
  for (const entry of failures) {
    const signature = failureSignature(entry.errorType, entry.message);
    const group = groups.get(signature) ?? [];
    group.push(entry);
    groups.set(signature, group);
  }
  return [...groups].map(([signature, group]) =>
    candidate('failure', signature, signature, group, group.length / (group.length + 1), {
      fingerprint: fingerprint(signature),
      errorType: group[0]!.errorType ?? 'unknown',
    }),
  );
}

/**
 * failure (capability gap): an operation kind that fails at least half the time.
 * confidence = the kind's failure rate.
 */
function capabilityPatterns(kinds: ReadonlyMap<string, FeedbackEntry[]>): PatternCandidate[] {
  const result: PatternCandidate[] = [];
  for (const [kind, group] of kinds) {
    const failures = group.filter((e) => e.type === 'failure');
    const rate = failures.length / group.length;
    if (rate < 0.5 || failures.length === 0) continue;
    result.push(
      candidate(
        'failure',
        `kind:${kind}`,
        `"${kind}" operations fail ${Math.round(rate * 100)} % of the time (${failures.length} of ${group.length})`,
        failures,
        rate,
        {
          operationKind: kind,
          failureRate: round(rate),
          attempts: group.length,
        },
      ),
    );
  }
  return result;
}

/**
 * success: an operation kind that keeps succeeding.
 * confidence = (successes + 1) / (attempts + 2): its success rate, smoothed for small counts.
 */
function successPatterns(kinds: ReadonlyMap<string, FeedbackEntry[]>): PatternCandidate[] {
  const result: PatternCandidate[] = [];
  for (const [kind, group] of kinds) {
    const successes = group.filter((e) => e.type === 'success');
    if (successes.length === 0) continue;
    const confidence = (successes.length + 1) / (group.length + 2);
    result.push(
      candidate(
        'success',
        `kind:${kind}`,
        `"${kind}" operations succeed (${successes.length} of ${group.length})`,
        successes,
        confidence,
        { operationKind: kind },
      ),
    );
  }
  return result;
}

/**
 * quality: a falling quality score (confidence = |correlation| of score with time, shown when
 * the slope is negative), or a dimension that stays low (confidence = share of its scores under 0.6).
 */
function qualityPatterns(scores: readonly FeedbackEntry[]): PatternCandidate[] {
  const result: PatternCandidate[] = [];
  if (scores.length >= 3) {
    const times = scores.map((e) => timeOf(e.timestamp) / DAY);
    const values = scores.map((e) => e.score);
    const r = safeCorrelation(times, values);
    if (r !== null && r < 0) {
      result.push(
        candidate(
          'quality',
          'quality:declining',
          `Quality scores are falling (correlation with time ${round(r)})`,
          scores,
          Math.abs(r),
          { correlation: round(r), firstScore: values[0], lastScore: values.at(-1) },
        ),
      );
    }
  }
  const dimensions = new Map<string, FeedbackEntry[]>();
  for (const entry of scores) {
    const dims = entry.details?.dimensions;
    if (dims === null || typeof dims !== 'object') continue;
    for (const [name, value] of Object.entries(dims as Record<string, unknown>)) {
      if (typeof value !== 'number') continue;
      const group = dimensions.get(name) ?? [];
      group.push(entry);
      dimensions.set(name, group);
    }
  }
  for (const [name, group] of dimensions) {
    const values = group.map((e) => (e.details!.dimensions as Record<string, number>)[name]!);
    const low = values.filter((v) => v < 0.6);
    if (low.length === 0) continue;
    result.push(
      candidate(
        'quality',
        `dimension:${name}`,
        `The quality dimension "${name}" stays low (median ${round(median(values))})`,
        group,
        low.length / values.length,
        { dimension: name, median: round(median(values)) },
      ),
    );
  }
  return result;
}

/**
 * performance: durations drifting up (confidence = correlation of duration with time, when
 * positive), or an operation kind usually over the SLA (confidence = share of its runs over it).
 */
function performancePatterns(timed: readonly FeedbackEntry[], options: PatternOptions): PatternCandidate[] {
  const result: PatternCandidate[] = [];
  if (timed.length >= 3) {
    const r = safeCorrelation(
      timed.map((e) => timeOf(e.timestamp) / DAY),
      timed.map((e) => e.durationMs!),
    );
    if (r !== null && r > 0)
      result.push(
        candidate(
          'performance',
          'duration:rising',
          `Operations are getting slower (correlation of duration with time ${round(r)})`,
          timed,
          r,
          { correlation: round(r) },
        ),
      );
  }
  if (options.slaMs !== null) {
    for (const [kind, group] of byKind(timed)) {
      const over = group.filter((e) => e.durationMs! > options.slaMs!);
      if (over.length === 0) continue;
      result.push(
        candidate(
          'performance',
          `sla:${kind}`,
          `"${kind}" operations run over the ${options.slaMs} ms SLA (${over.length} of ${group.length})`,
          over,
          over.length / group.length,
          {
            operationKind: kind,
            slaMs: options.slaMs,
            medianMs: median(group.map((e) => e.durationMs!)),
          },
        ),
      );
    }
  }
  return result;
}

/**
 * behavior: failures concentrated in one hour of the day (confidence = that hour's share of all
 * failures), and operations retried after failing (confidence = n / (n + 1)).
 */
function behaviorPatterns(
  failures: readonly FeedbackEntry[],
  outcomes: readonly FeedbackEntry[],
): PatternCandidate[] {
  const result: PatternCandidate[] = [];
  const byHour = new Map<number, FeedbackEntry[]>();
  for (const entry of failures) {
    const hour = utcHour(entry.timestamp);
    const group = byHour.get(hour) ?? [];
    group.push(entry);
    byHour.set(hour, group);
  }
  for (const [hour, group] of byHour) {
    const share = group.length / failures.length;
    // Only worth telling when failures are not spread evenly: at least half in one hour.
    if (share < 0.5 || failures.length < 2) continue;
    const label = `${String(hour).padStart(2, '0')}:00–${String(hour).padStart(2, '0')}:59 UTC`;
    result.push(
      candidate(
        'behavior',
        `hour:${hour}`,
        `${Math.round(share * 100)} % of failures happen between ${label}`,
        group,
        share,
        { hourUtc: hour, share: round(share) },
      ),
    );
  }
  // Only an operation that failed at least once can be a retry after failing: group just those
  // (first-seen order is kept, so the attempts come out as before).
  const failed = new Set<string>();
  for (const entry of failures) failed.add(entry.operationId);
  const byOperation = new Map<string, FeedbackEntry[]>();
  for (const entry of outcomes) {
    if (!failed.has(entry.operationId)) continue;
    const group = byOperation.get(entry.operationId) ?? [];
    group.push(entry);
    byOperation.set(entry.operationId, group);
  }
  const retried = [...byOperation.values()].filter(
    (group) => group.length > 1 && group.some((e) => e.type === 'failure'),
  );
  if (retried.length > 0) {
    const attempts = retried.flat();
    result.push(
      candidate(
        'behavior',
        'retries',
        `${retried.length} operation(s) were retried after failing (${attempts.length} attempts)`,
        attempts,
        retried.length / (retried.length + 1),
        {
          operations: retried.length,
          attempts: attempts.length,
        },
      ),
    );
    // frequency counts operations retried, not attempts.
    result.at(-1)!.frequency = retried.length;
  }
  return result;
}

function candidate(
  patternType: PatternType,
  signature: string,
  description: string,
  group: readonly FeedbackEntry[],
  confidence: number,
  extra?: Record<string, unknown>,
): PatternCandidate {
  // The group is in time order (see detectPatterns): no pass over it for first and last.
  const firstSeen = group[0]!.timestamp;
  const lastSeen = group[group.length - 1]!.timestamp;
  const examples: string[] = [];
  for (let i = 0; i < group.length && examples.length < EXAMPLES; i++) {
    const id = group[i]!.operationId;
    if (!examples.includes(id)) examples.push(id);
  }
  return {
    patternType,
    signature,
    description,
    frequency: group.length,
    confidence,
    firstSeen,
    lastSeen,
    examples,
    ...(extra ? { extra } : {}),
  };
}

/**
 * Orders entries by timestamp. Stored timestamps are canonical ISO-8601 UTC: code-unit order is
 * time order (and much cheaper than localeCompare over a million entries).
 */
export function byTimestamp(a: FeedbackEntry, b: FeedbackEntry): number {
  return a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0;
}

/** The entries each detector reads, sorted out in one pass (order kept). */
function classify(entries: readonly FeedbackEntry[]) {
  const failures: FeedbackEntry[] = [];
  const outcomes: FeedbackEntry[] = [];
  const scores: FeedbackEntry[] = [];
  const timed: FeedbackEntry[] = [];
  for (const entry of entries) {
    const type = entry.type;
    if (type === 'failure') {
      failures.push(entry);
      outcomes.push(entry);
    } else if (type === 'success') outcomes.push(entry);
    else if (type === 'quality_score') scores.push(entry);
    if (entry.durationMs !== undefined) timed.push(entry);
  }
  return { failures, outcomes, scores, timed };
}

/** The entries in timestamp order (ties in given order): as given when they already are. */
function inTimeOrder(entries: readonly FeedbackEntry[]): readonly FeedbackEntry[] {
  for (let i = 1; i < entries.length; i++) {
    if (entries[i]!.timestamp < entries[i - 1]!.timestamp) return [...entries].sort(byTimestamp);
  }
  return entries;
}

function byKind(entries: readonly FeedbackEntry[]): Map<string, FeedbackEntry[]> {
  const groups = new Map<string, FeedbackEntry[]>();
  for (const entry of entries) {
    const kind = operationKind(entry);
    const group = groups.get(kind) ?? [];
    group.push(entry);
    groups.set(kind, group);
  }
  return groups;
}

const CANONICAL_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Milliseconds since the epoch; canonical timestamps are read digit by digit (Date.parse is slow). */
function timeOf(timestamp: string): number {
  if (!CANONICAL_UTC.test(timestamp)) return Date.parse(timestamp);
  const year = digits(timestamp, 0, 4);
  // Date.UTC reads years 0–99 as 1900–1999.
  if (year < 100) return Date.parse(timestamp);
  return Date.UTC(
    year,
    digits(timestamp, 5, 7) - 1,
    digits(timestamp, 8, 10),
    digits(timestamp, 11, 13),
    digits(timestamp, 14, 16),
    digits(timestamp, 17, 19),
    digits(timestamp, 20, 23),
  );
}

/**
 * The number written by the digits text[from, to). A top-level function, not a closure in
 * timeOf: the bundle's keepNames wraps every named closure in a defineProperty call per creation,
 * which cost more than the parse itself over a million timestamps.
 */
function digits(text: string, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i++) value = value * 10 + text.charCodeAt(i) - 48;
  return value;
}

/** The UTC hour; stored timestamps are canonical ISO-8601, so it is read from the text. */
function utcHour(timestamp: string): number {
  if (CANONICAL_UTC.test(timestamp)) {
    return (timestamp.charCodeAt(11) - 48) * 10 + (timestamp.charCodeAt(12) - 48);
  }
  return new Date(timestamp).getUTCHours();
}

function safeCorrelation(x: number[], y: number[]): number | null {
  const r = sampleCorrelation(x, y);
  return Number.isFinite(r) ? r : null;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
