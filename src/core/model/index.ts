/**
 * Every row kv1nt stores, one file per family: the feedback log's entries, patterns and
 * learnings, opportunities, plans and results, verifications, the analyses' history and the
 * agent registry. The store documents (store/stores.ts) are made of these.
 */
export type * from './agents.js';
export type * from './feedback.js';
export type * from './health.js';
export type * from './knowledge.js';
export type * from './opportunities.js';
export type * from './optimization.js';
export type * from './verifications.js';
