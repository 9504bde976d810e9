import type { Detector, LearningGenerator, Kv1ntPlugin, Strategy } from './types.js';

/*
 * The define* helpers return their argument unchanged: they exist for editor types and for
 * authors who like a named constructor. The plugin host validates every plugin again at load,
 * because plain-JavaScript authors skip the types.
 */
export function defineDetector<T extends Detector>(detector: T): T {
  return detector;
}

export function defineLearningGenerator<T extends LearningGenerator>(generator: T): T {
  return generator;
}

export function defineStrategy<T extends Strategy>(strategy: T): T {
  return strategy;
}

export function definePlugin<T extends Kv1ntPlugin>(plugin: T): T {
  return plugin;
}
