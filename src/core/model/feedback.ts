/** The feedback log's records: the public types live in the SDK, which detectors read them through. */
export type { FeedbackEntry, FeedbackSource, FeedbackType } from '../sdk/feedback.js';
