/** What plugin authors import: the types, the define* helpers and the API version. */
export * from './types.js';
export * from './define.js';
export type { FeedbackEntry, FeedbackSource, FeedbackType } from '../feedback/types.js';
export type { HealthComponents } from '../analysis/health.js';
export * from './helpers.js';
