import type { Severity } from './types.js';

const SEVERITY_WEIGHT: Record<Severity, number> = { LOW: 0.4, MEDIUM: 0.6, HIGH: 0.8, CRITICAL: 1 };

/**
 * A learning's impact in [0, 1]: confidence × how often (saturating at 20 occurrences, on a log
 * scale) × how much it matters. Exported for plugin authors so their learnings rank alike.
 */
export function impactScore(frequency: number, confidence: number, severity: Severity): number {
  const often = Math.min(1, Math.log10(1 + Math.max(0, frequency)) / Math.log10(21));
  const score = Math.max(0, Math.min(1, confidence)) * often * SEVERITY_WEIGHT[severity];
  return Math.round(score * 1000) / 1000;
}
