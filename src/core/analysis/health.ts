import type { HealthComponents } from '../sdk/context.js';

/**
 * The health score: a weighted mean of four components, each in [0, 1].
 *
 *   health = (0.40·successRate + 0.25·responseTimeScore + 0.20·codeQuality + 0.15·(1 − errorRate)) · 100
 *
 * A component without data is left out and the remaining weights are scaled to sum to 1; with
 * no data at all the score is null. Rounded to one decimal.
 */
export type { HealthComponents } from '../sdk/context.js';

export const HEALTH_WEIGHTS = {
  successRate: 0.4,
  responseTimeScore: 0.25,
  codeQuality: 0.2,
  errorRate: 0.15,
} as const;

export interface ComponentInputs {
  successes: number;
  failures: number;
  /** Mean duration of the window's operations (ms); null without durations. */
  meanDurationMs: number | null;
  slaMs: number | null;
  /** Mean of quality_score entries; null without them. */
  meanQuality: number | null;
}

export function healthComponents(input: ComponentInputs): HealthComponents {
  const decided = input.successes + input.failures;
  return {
    successRate: decided === 0 ? null : input.successes / decided,
    errorRate: decided === 0 ? null : input.failures / decided,
    responseTimeScore: responseTimeScore(input.meanDurationMs, input.slaMs),
    codeQuality: input.meanQuality,
  };
}

/** 1 within the SLA, else slaMs / mean: twice the SLA scores 0.5. */
export function responseTimeScore(meanDurationMs: number | null, slaMs: number | null): number | null {
  if (meanDurationMs === null || slaMs === null) return null;
  return meanDurationMs <= slaMs ? 1 : slaMs / meanDurationMs;
}

export function healthScore(components: HealthComponents): number | null {
  const parts: Array<[number, number]> = [];
  if (components.successRate !== null) parts.push([HEALTH_WEIGHTS.successRate, components.successRate]);
  if (components.responseTimeScore !== null)
    parts.push([HEALTH_WEIGHTS.responseTimeScore, components.responseTimeScore]);
  if (components.codeQuality !== null) parts.push([HEALTH_WEIGHTS.codeQuality, components.codeQuality]);
  if (components.errorRate !== null) parts.push([HEALTH_WEIGHTS.errorRate, 1 - components.errorRate]);
  const weight = parts.reduce((sum, [w]) => sum + w, 0);
  if (weight === 0) return null;
  const score = (parts.reduce((sum, [w, value]) => sum + w * value, 0) / weight) * 100;
  return Math.round(score * 10) / 10;
}
