/** What a plugin module exports: the API version it targets and its components. */
import type { Detector } from './detector.js';
import type { LearningGenerator } from './learning-generator.js';
import type { Strategy } from './strategy.js';

/** Bumped only on a breaking change of the types below; a plugin declares the one it targets. */
export const API_VERSION = 1;

/** A plugin module's default export. */
export interface Kv1ntPlugin {
  /** The SDK API_VERSION the plugin was written for. */
  apiVersion: number;
  name: string;
  detectors?: Detector[];
  learningGenerators?: LearningGenerator[];
  strategies?: Strategy[];
}
