import type { FeedbackEntry } from '../feedback/types.js';

/** The fields pattern detection reads of an entry (`details` only through the full parse). */
export type DetectionEntry = Pick<FeedbackEntry, 'agentId' | 'operationId' | 'type' | 'score' | 'timestamp'> &
  Partial<Pick<FeedbackEntry, 'durationMs' | 'errorType' | 'message' | 'details'>>;

/** A JSON string without escapes: its text is its value. */
const TEXT = '"([^"\\\\]*)"';
const SKIPPED_TEXT = '"[^"\\\\]*"';
/** A JSON number, by the grammar of RFC 8259: Number() reads it as JSON.parse does. */
const NUMBER = '(-?(?:0|[1-9]\\d*)(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)';
const SKIPPED_NUMBER = '-?(?:0|[1-9]\\d*)(?:\\.\\d+)?(?:[eE][+-]?\\d+)?';
const METRIC = `${SKIPPED_TEXT}:${SKIPPED_NUMBER}`;

/**
 * A log line exactly as kv1nt writes an entry without `rating` or `details` (toFeedbackRecord's
 * key order, no whitespace, no escape in any string): every key once, in that order, so what it
 * captures is what JSON.parse would give. Any other line — an escape, another order, a nested
 * `details`, a hand-edited line — does not match and is parsed in full.
 */
const CANONICAL_LINE = new RegExp(
  `^\\{"id":${SKIPPED_TEXT},"agentId":${TEXT},"operationId":${TEXT},"type":${TEXT},"score":${NUMBER}` +
    `,"source":${SKIPPED_TEXT},"timestamp":${TEXT},"recordedAt":${SKIPPED_TEXT}` +
    `(?:,"durationMs":${NUMBER})?(?:,"metrics":\\{(?:${METRIC}(?:,${METRIC})*)?\\})?` +
    `(?:,"errorType":${TEXT})?(?:,"message":${TEXT})?\\}$`,
);

/**
 * What detection needs of a canonical line, read by one compiled pattern instead of JSON.parse
 * (about three times cheaper, and patterns reads every line of its window); undefined when the
 * line is not canonical and must be parsed.
 */
export function readCanonicalLine(text: string): DetectionEntry | undefined {
  const match = CANONICAL_LINE.exec(text);
  if (match === null) return undefined;
  return {
    agentId: match[1]!,
    operationId: match[2]!,
    type: match[3] as FeedbackEntry['type'],
    score: Number(match[4]),
    timestamp: match[5]!,
    durationMs: match[6] === undefined ? undefined : Number(match[6]),
    errorType: match[7],
    message: match[8],
  };
}
