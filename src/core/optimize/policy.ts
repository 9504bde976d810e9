import type { Policy, Severity } from '../sdk/types.js';

export type { StrategyName } from '../model/optimization.js';
import type { StrategyName } from '../model/optimization.js';
export const STRATEGY_NAMES = [
  'auto',
  'conservative',
  'aggressive',
  'minimal',
  'comprehensive',
] as const satisfies readonly StrategyName[];

export interface AutoPolicy {
  comprehensiveBelow?: number | undefined;
  conservativeBelow?: number | undefined;
}

/**
 * `auto` reads the health score: a sick agent gets every opportunity handled (comprehensive), a
 * middling one careful low-risk steps (conservative), a healthy one only its HIGH/CRITICAL items
 * (minimal). Without a score there is nothing to go on, so the careful middle is chosen.
 */
export function resolvePolicy(
  strategy: StrategyName,
  healthScore: number | null,
  auto: AutoPolicy = {},
): { policy: Policy; reason: string } {
  if (strategy !== 'auto') return { policy: strategy, reason: `--strategy ${strategy}` };
  const comprehensiveBelow = auto.comprehensiveBelow ?? 50;
  const conservativeBelow = auto.conservativeBelow ?? 80;
  if (healthScore === null)
    return { policy: 'conservative', reason: 'auto: no health score yet, so the careful policy' };
  if (healthScore < comprehensiveBelow)
    return {
      policy: 'comprehensive',
      reason: `auto: health ${healthScore} is under ${comprehensiveBelow}`,
    };
  if (healthScore < conservativeBelow)
    return {
      policy: 'conservative',
      reason: `auto: health ${healthScore} is from ${comprehensiveBelow} to under ${conservativeBelow}`,
    };
  return { policy: 'minimal', reason: `auto: health ${healthScore} is ${conservativeBelow} or more` };
}

/** Which opportunities a policy handles at all. */
export function handlesSeverity(policy: Policy, severity: Severity): boolean {
  return policy !== 'minimal' || severity === 'HIGH' || severity === 'CRITICAL';
}

/** Which proposed actions a policy keeps: conservative takes only low-risk ones. */
export function acceptsRisk(policy: Policy, risk: 'low' | 'medium' | 'high'): boolean {
  return policy !== 'conservative' || risk === 'low';
}

/** HIGH and CRITICAL items change nothing without approval. */
export function needsApproval(severity: Severity): boolean {
  return severity === 'HIGH' || severity === 'CRITICAL';
}

/** aggressive validates the whole batch at once; the others validate each action alone. */
export function validatesInBatch(policy: Policy): boolean {
  return policy === 'aggressive';
}
