/** What plugin authors import: the types, the define* helpers and the API version. */
export * from './types.js';
export * from './define.js';
export * from './helpers.js';
