import type { Kv1ntConfig } from '../config/schema.js';
import { checkDays } from '../duration.js';
import { invalidValue } from '../errors.js';
import type { PatternRunOptions } from './engine.js';

export interface PatternRequest {
  days?: number;
  minFrequency?: number;
  minConfidence?: number;
}

/** A run's options: the request's, else the config's `patterns`, else 7 days, 3 occurrences, 0.6. */
export function patternOptions(config: Kv1ntConfig, request: PatternRequest): PatternRunOptions {
  const defaults = config.patterns ?? {};
  const days = request.days ?? defaults.days ?? 7;
  const minFrequency = request.minFrequency ?? defaults.minFrequency ?? 3;
  const minConfidence = request.minConfidence ?? defaults.minConfidence ?? 0.6;
  checkDays(days);
  if (!Number.isInteger(minFrequency) || minFrequency < 1)
    throw invalidValue('minFrequency', 'a whole number of at least 1', minFrequency);
  if (!(minConfidence >= 0 && minConfidence <= 1))
    throw invalidValue('minConfidence', 'a number from 0 to 1', minConfidence);
  // Other settings than the defaults see other patterns: they must not retire what the defaults see.
  const deactivateUnseen =
    days === (defaults.days ?? 7) &&
    minFrequency === (defaults.minFrequency ?? 3) &&
    minConfidence === (defaults.minConfidence ?? 0.6);
  return { days, minFrequency, minConfidence, deactivateUnseen };
}
