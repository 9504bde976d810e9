import { durationMs } from '../duration.js';
import { invalidInput, invalidValue } from '../errors.js';
import { assertAgentId } from '../ids.js';
import { FEEDBACK_SOURCES, FEEDBACK_TYPES, type FeedbackEntry } from './types.js';

/** Which entries `feedback list` and `feedback export` read. Times are canonical ISO-8601 UTC. */
export interface FeedbackFilter {
  agentId?: string | undefined;
  type?: string | undefined;
  source?: string | undefined;
  errorType?: string | undefined;
  operationId?: string | undefined;
  /** Inclusive bounds on the entry's timestamp. */
  since?: string | undefined;
  until?: string | undefined;
}

/** The filter as typed by a user, checked: unknown types or sources and bad times are refused. */
export function checkFilter(raw: FeedbackFilter, now: Date): FeedbackFilter {
  const filter: FeedbackFilter = { ...raw };
  if (raw.agentId !== undefined) filter.agentId = assertAgentId(raw.agentId);
  if (raw.type !== undefined && !(FEEDBACK_TYPES as readonly string[]).includes(raw.type))
    throw invalidValue('type', `one of ${FEEDBACK_TYPES.join(', ')}`, raw.type);
  if (raw.source !== undefined && !(FEEDBACK_SOURCES as readonly string[]).includes(raw.source))
    throw invalidValue('source', `one of ${FEEDBACK_SOURCES.join(', ')}`, raw.source);
  if (raw.since !== undefined) filter.since = instant('since', raw.since, now);
  if (raw.until !== undefined) filter.until = instant('until', raw.until, now);
  if (filter.since !== undefined && filter.until !== undefined && filter.since > filter.until)
    throw invalidInput(
      `since (${filter.since}) is after until (${filter.until}): nothing could match.`,
      [],
      'since',
    );
  return filter;
}

/**
 * `2026-01-31`, `2026-01-31T12:00:00Z` (any ISO-8601 form Date.parse reads), or a duration back
 * from now (`30m`, `24h`, `7d`), as canonical UTC.
 */
export function instant(what: string, text: string, now: Date): string {
  const ago = durationMs(text);
  if (ago !== null) return new Date(now.getTime() - ago).toISOString();
  const time = /^\d{4}-\d{2}-\d{2}/.test(text.trim()) ? Date.parse(text.trim()) : NaN;
  if (Number.isNaN(time))
    throw invalidInput(
      `${what} ${JSON.stringify(text)} is neither an ISO-8601 time (2026-01-31, 2026-01-31T12:00:00Z) nor a duration back from now (30m, 24h, 7d).`,
      [],
      what,
    );
  return new Date(time).toISOString();
}

/** Whether a timestamp lies inside the filter's time bounds. */
export function inTimeRange(filter: FeedbackFilter, timestamp: string): boolean {
  return (
    (filter.since === undefined || timestamp >= filter.since) &&
    (filter.until === undefined || timestamp <= filter.until)
  );
}

/** Whether a parsed entry passes every field of the filter. */
export function matches(filter: FeedbackFilter, entry: FeedbackEntry): boolean {
  return (
    (filter.agentId === undefined || entry.agentId === filter.agentId) &&
    (filter.type === undefined || entry.type === filter.type) &&
    (filter.source === undefined || entry.source === filter.source) &&
    (filter.errorType === undefined || entry.errorType === filter.errorType) &&
    (filter.operationId === undefined || entry.operationId === filter.operationId) &&
    inTimeRange(filter, entry.timestamp)
  );
}
