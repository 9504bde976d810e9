import { newId } from '../ids.js';
import { SEVERITY_RANK, type Opportunity } from '../analysis/opportunities.js';
import { invokeComponent, StuckComponents } from '../plugins/invoke.js';
import type { PluginWarning } from '../plugins/run-detectors.js';
import type { LoadedStrategy } from '../plugins/validate-plugin.js';
import type { PlannedAction, Policy, StrategyContext, ValueSearch } from '../sdk/types.js';
import { actionSignature } from '../verify/signature.js';
import { acceptsRisk, handlesSeverity, needsApproval, type StrategyName } from './policy.js';

import type { ActionStatus, OptimizationPlan, PlanAction, PlanStatus } from '../model/optimization.js';

export type { ActionStatus, OptimizationPlan, PlanAction, PlanStatus };

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
  /** Targets whose last change is being verified: nothing else is proposed for them. */
  verifyingTargets?: ReadonlyMap<string, string>;
  /** Opportunities held by a verification (status `verifying`), listed in the plan. */
  verifying?: readonly Opportunity[];
  /** Test runs a value search may use (config `maxTestRuns`). */
  maxTestRuns?: number;
  /** Per action type, how often a change of that type was confirmed / regressed for this agent. */
  record?: ReadonlyMap<string, { confirmed: number; regressed: number }>;
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
        const target = action.target ?? `${strategy.id}:${action.type}:${opportunity.subject}`;
        const refusal = refuse(input, opportunity, strategy.id, action, target, risk);
        if (refusal) {
          skipped.push(skip(opportunity, `${strategy.id}: "${action.description}" ${refusal}`));
          continue;
        }
        proposed += 1;
        // One change, one action: a second opportunity asking for it is listed on the first.
        const same = actions.find(
          (a) => a.strategy === strategy.id && a.type === action.type && a.target === target,
        );
        if (same) {
          if (!same.opportunityIds.includes(opportunity.id)) same.opportunityIds.push(opportunity.id);
          continue;
        }
        const search = action.search ?? null;
        const candidates = search ? null : (action.candidates ?? null);
        actions.push({
          id: `act_${actions.length + 1}`,
          strategy: strategy.id,
          plugin,
          opportunityId: opportunity.id,
          opportunityIds: [opportunity.id],
          target,
          opportunityType: opportunity.type,
          severity: opportunity.severity,
          type: action.type,
          description: action.description,
          risk,
          expectedChange: action.expectedChange ?? null,
          candidates,
          search,
          maxTestRuns: search ? (input.maxTestRuns ?? DEFAULT_MAX_TEST_RUNS) : (candidates?.length ?? 1),
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
  if (input.record && input.record.size > 0) preferConfirmed(actions, input.record);
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
      verifying: (input.verifying ?? []).map((o) => ({
        opportunityId: o.id,
        type: o.type,
        verificationId: o.verificationId ?? null,
      })),
      approvedAt: null,
      approvedBy: null,
    },
    warnings,
  };
}

/** The test runs a value search may use when the config does not say (`maxTestRuns`). */
export const DEFAULT_MAX_TEST_RUNS = 6;

/**
 * Why a proposed action is not planned, or null: the policy's risk, a target whose change is
 * being verified, or the closed loop's memory of the opportunity (an action that regressed is
 * never proposed again for it; one that had no effect is not repeated as it was).
 */
function refuse(
  input: PlanInput,
  opportunity: Opportunity,
  strategy: string,
  action: PlannedAction,
  target: string,
  risk: 'low' | 'medium' | 'high',
): string | null {
  if (!acceptsRisk(input.policy, risk)) return `is ${risk} risk; conservative takes low only`;
  const holder = input.verifyingTargets?.get(target);
  if (holder !== undefined) return `changes ${target}, whose last change is being verified (${holder})`;
  for (const tried of opportunity.tried ?? []) {
    if (tried.strategy !== strategy || tried.type !== action.type || tried.target !== target) continue;
    if (tried.verdict === 'regressed')
      return `was tried for this opportunity and made things worse (${tried.verificationId}); it is not proposed again`;
    if (tried.signature === actionSignature(action.type, target, valueOf(action)))
      return `was tried for this opportunity with no effect (${tried.verificationId})`;
  }
  return null;
}

/** The value an action sets, for telling a repeat from the next candidate. */
function valueOf(action: PlannedAction): unknown {
  return action.search?.start ?? action.candidates?.[0] ?? action.to ?? null;
}

/**
 * `auto` prefers what worked for this agent: within one severity, action types confirmed more
 * often (and regressed less) by the closed loop come first.
 */
function preferConfirmed(
  actions: PlanAction[],
  record: ReadonlyMap<string, { confirmed: number; regressed: number }>,
): void {
  const score = (a: PlanAction) => {
    const r = record.get(a.type);
    return r ? r.confirmed - r.regressed : 0;
  };
  actions.sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || score(b) - score(a));
  actions.forEach((action, i) => (action.id = `act_${i + 1}`));
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
    if (action.target !== undefined && (typeof action.target !== 'string' || action.target === ''))
      throw new Error(`action ${index}: target must be a non-empty string`);
    if (action.search !== undefined) checkSearch(action.search, index);
    return action as PlannedAction;
  });
}

function checkSearch(search: unknown, index: number): void {
  const s = search as Partial<ValueSearch> | null;
  const finite = (value: unknown) => typeof value === 'number' && Number.isFinite(value);
  if (s === null || typeof s !== 'object' || !finite(s.from) || !finite(s.start) || !finite(s.bound))
    throw new Error(`action ${index}: search needs finite numbers from, start and bound`);
  const raising = s.bound! > s.from!;
  if (
    s.start === s.from ||
    (raising ? s.start! < s.from! || s.start! > s.bound! : s.start! > s.from! || s.start! < s.bound!)
  )
    throw new Error(`action ${index}: search.start must lie between from (excluded) and bound`);
  if (s.step !== undefined && !(finite(s.step) && s.step > 0))
    throw new Error(`action ${index}: search.step must be a number above 0`);
}
