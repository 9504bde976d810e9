/** The feedback an agent records: its types, sources and the stored entry detectors read. */
export const FEEDBACK_TYPES = [
  'success',
  'failure',
  'quality_score',
  'user_rating',
  'performance',
  'coverage',
  'security',
  'documentation',
] as const;
export type FeedbackType = (typeof FEEDBACK_TYPES)[number];

export const FEEDBACK_SOURCES = ['agent', 'guardian', 'user', 'system', 'test', 'flock'] as const;
export type FeedbackSource = (typeof FEEDBACK_SOURCES)[number];

/** One stored record of the feedback log. */
export interface FeedbackEntry {
  id: string;
  agentId: string;
  operationId: string;
  type: FeedbackType;
  /** In [0, 1]. failure is always 0; user_rating is (rating − 1) / 4. */
  score: number;
  rating?: number;
  source: FeedbackSource;
  details?: Record<string, unknown>;
  durationMs?: number;
  metrics?: Record<string, number>;
  errorType?: string;
  message?: string;
  /** When the operation happened (ISO-8601 UTC). */
  timestamp: string;
  /** When kv1nt stored it (ISO-8601 UTC). */
  recordedAt: string;
}
