/**
 * The public plugin SDK: what a detector, learning generator or strategy author programs against,
 * one file per plugin kind. Built-in plugins (src/plugins) use exactly these types and nothing
 * else of kv1nt's; the SDK itself imports nothing from the rest of kv1nt.
 */
export * from './feedback.js';
export * from './context.js';
export * from './detector.js';
export * from './learning-generator.js';
export * from './strategy.js';
export * from './plugin.js';
