// The public feedback types live in the SDK, which plugin authors import.
export {
  FEEDBACK_SOURCES,
  FEEDBACK_TYPES,
  type FeedbackEntry,
  type FeedbackSource,
  type FeedbackType,
} from '../sdk/feedback.js';

/** What a caller hands in (CLI flags, an import line, the API). Everything is checked. */
export interface FeedbackInput {
  agentId: string;
  operationId: string;
  type: string;
  score?: number | undefined;
  /** user_rating only: 1–5. */
  rating?: number | undefined;
  source?: string | undefined;
  details?: Record<string, unknown> | undefined;
  durationMs?: number | undefined;
  metrics?: Record<string, number> | undefined;
  errorType?: string | undefined;
  message?: string | undefined;
  /** ISO-8601; defaults to now. */
  timestamp?: string | undefined;
}
