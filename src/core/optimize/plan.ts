import { newId } from '../ids.js';
import { SEVERITY_RANK, type Opportunity } from '../analysis/opportunities.js';
import { invokeComponent, StuckComponents } from '../plugins/invoke.js';
import type { PluginWarning } from '../plugins/run-detectors.js';
import type { LoadedStrategy } from '../plugins/validate-plugin.js';
import type { OpportunityType, PlannedAction, Policy, Severity, StrategyContext } from '../sdk/types.js';
import { acceptsRisk, handlesSeverity, needsApproval, type StrategyName } from './policy.js';

export type ActionStatus =
  'planned' | 'pending_approval' | 'applied' | 'rolled_back' | 'failed' | 'conflict' | 'no_op';

/** One step of a plan: which strategy changes what, for which opportunity, at what risk. */
export interface PlanAction {
  id: string;
  /** The strategy (plugin component) that proposed it and will apply it. */
  strategy: string;
  plugin: string;
  opportunityId: string;
  opportunityType: OpportunityType;
  severity: Severity;
  type: string;
  description: string;
  risk: 'low' | 'medium' | 'high';
  expectedChange: string | null;
  candidates: unknown[] | null;
  needsApproval: boolean;
  approved: boolean;
  status: ActionStatus;
  /** The strategy's own action object, handed back to its apply(). */
  action: PlannedAction;
}

export type PlanStatus =
  'dry_run' | 'running' | 'pending_approval' | 'approved' | 'completed' | 'interrupted';

export interface OptimizationPlan {
  [key: string]: unknown;
  id: string;
  agentId: string;
  strategy: StrategyName;
  policy: Policy;
  policyReason: string;
  status: PlanStatus;
  createdAt: string;
  healthBefore: number | null;
  actions: PlanAction[];
  /** Opportunities left out, and why (policy, no strategy handles them, a strategy proposed nothing). */
  skipped: Array<{ opportunityId: string; type: OpportunityType; reason: string }>;
  approvedAt: string | null;
  approvedBy: string | null;
}

export interface PlanInput {
  agentId: string;
  strategy: StrategyName;
  policy: Policy;
  policyReason: string;
  healthBefore: number | null;
  opportunities: readonly Opportunity[];
  strategies: readonly LoadedStrategy[];
  context: (plugin: string, warnings: PluginWarning[]) => StrategyContext;
  /** The time limit of one call of a plugin's strategy, by plugin name. */
  pluginLimit: (plugin: string) => number;
  now: Date;
}

/**
 * Asks every strategy that handles an opportunity for actions, keeps those the policy allows,
 * and orders them most severe first. A strategy that throws, hangs or returns nonsense becomes a
 * warning naming it; the plan is built from the rest.
 */
export async function buildPlan(
  input: PlanInput,
): Promise<{ plan: OptimizationPlan; warnings: PluginWarning[] }> {
  const warnings: PluginWarning[] = [];
  const actions: PlanAction[] = [];
  const skipped: OptimizationPlan['skipped'] = [];
  const stuck = new StuckComponents();
  const opportunities = [...input.opportunities].sort(
    (a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.id.localeCompare(b.id),
  );
  for (const opportunity of opportunities) {
    if (!handlesSeverity(input.policy, opportunity.severity)) {
      skipped.push(skip(opportunity, `${input.policy} handles only HIGH and CRITICAL opportunities`));
      continue;
    }
    const strategies = input.strategies.filter(({ strategy }) => strategy.handles.includes(opportunity.type));
    if (strategies.length === 0) {
      skipped.push(skip(opportunity, `no strategy handles ${opportunity.type}`));
      continue;
    }
    let proposed = 0;
    for (const loaded of strategies) {
      const { plugin, strategy } = loaded;
      if (stuck.skip(strategy.id)) continue;
      let planned: PlannedAction[];
      try {
        const ctx = input.context(plugin, warnings);
        const result = await invokeComponent(
          loaded,
          { kind: 'strategies', id: strategy.id },
          { method: 'plan', args: [opportunity], ctx, local: () => strategy.plan(opportunity, ctx) },
          input.pluginLimit(plugin),
        );
        planned = checkActions(result);
      } catch (error) {
        stuck.failed(plugin, strategy.id, error);
        warnings.push({ plugin, component: strategy.id, error: (error as Error).message });
        continue;
      }
      for (const action of planned) {
        const risk = action.risk ?? 'medium';
        if (!acceptsRisk(input.policy, risk)) {
          skipped.push(
            skip(
              opportunity,
              `${strategy.id}: "${action.description}" is ${risk} risk; conservative takes low only`,
            ),
          );
          continue;
        }
        proposed += 1;
        actions.push({
          id: `act_${actions.length + 1}`,
          strategy: strategy.id,
          plugin,
          opportunityId: opportunity.id,
          opportunityType: opportunity.type,
          severity: opportunity.severity,
          type: action.type,
          description: action.description,
          risk,
          expectedChange: action.expectedChange ?? null,
          candidates: action.candidates ?? null,
          needsApproval: needsApproval(opportunity.severity),
          approved: false,
          status: 'planned',
          action,
        });
      }
    }
    if (proposed === 0 && !skipped.some((s) => s.opportunityId === opportunity.id))
      skipped.push(skip(opportunity, 'no strategy proposed an action'));
  }
  warnings.push(...stuck.warnings('opportunity', 'opportunities'));
  return {
    plan: {
      id: newId('plan'),
      agentId: input.agentId,
      strategy: input.strategy,
      policy: input.policy,
      policyReason: input.policyReason,
      status: 'running',
      createdAt: input.now.toISOString(),
      healthBefore: input.healthBefore,
      actions,
      skipped,
      approvedAt: null,
      approvedBy: null,
    },
    warnings,
  };
}

function skip(opportunity: Opportunity, reason: string): OptimizationPlan['skipped'][number] {
  return { opportunityId: opportunity.id, type: opportunity.type, reason };
}

function checkActions(value: unknown): PlannedAction[] {
  if (!Array.isArray(value))
    throw new Error(`plan() returned ${value === null ? 'null' : typeof value}, not an array of actions`);
  return value.map((item: unknown, index) => {
    const action = item as Partial<PlannedAction> | null;
    if (action === null || typeof action !== 'object') throw new Error(`action ${index} is not an object`);
    if (typeof action.type !== 'string' || action.type === '') throw new Error(`action ${index} has no type`);
    if (typeof action.description !== 'string' || action.description === '')
      throw new Error(`action ${index} has no description`);
    if (action.risk !== undefined && !['low', 'medium', 'high'].includes(action.risk))
      throw new Error(
        `action ${index} has risk ${JSON.stringify(action.risk)}; expected low, medium or high`,
      );
    if (
      action.candidates !== undefined &&
      (!Array.isArray(action.candidates) || action.candidates.length === 0)
    )
      throw new Error(`action ${index}: candidates must be a non-empty array`);
    return action as PlannedAction;
  });
}
