import { describe, expect, it } from 'vitest';
import type { Opportunity } from '../../../src/core/analysis/opportunities.js';
import { buildPlan, type PlanInput } from '../../../src/core/optimize/plan.js';
import type { LoadedStrategy } from '../../../src/core/plugins/validate-plugin.js';
import type { OpportunityType, Severity, Strategy, StrategyContext } from '../../../src/core/sdk/index.js';

function opportunity(id: string, type: OpportunityType, severity: Severity): Opportunity {
  return {
    id,
    agentId: 'bot',
    type,
    severity,
    title: id,
    description: id,
    evidence: {},
    detector: 'test',
    subject: id,
    status: 'open',
    firstSeen: '2026-11-20T00:00:00.000Z',
    lastSeen: '2026-11-20T00:00:00.000Z',
    occurrences: 1,
    resolvedAt: null,
  };
}

function strategy(id: string, handles: OpportunityType[], plan: Strategy['plan']): LoadedStrategy {
  return { plugin: 'test-plugin', strategy: { id, handles, plan, apply: () => undefined } };
}

const context = (): StrategyContext => ({}) as StrategyContext;

function input(overrides: Partial<PlanInput>): PlanInput {
  return {
    agentId: 'bot',
    strategy: 'comprehensive',
    policy: 'comprehensive',
    policyReason: 'test',
    healthBefore: 60,
    opportunities: [],
    strategies: [],
    context,
    pluginLimit: () => 1_000,
    now: new Date('2026-11-24T12:00:00Z'),
    ...overrides,
  };
}

const tuning = strategy('t/tune', ['error_pattern', 'performance_degradation'], (o) => [
  { type: 'param_tuning', description: `tune for ${o.id}`, risk: 'low', candidates: [1, 2] },
]);
const risky = strategy('t/risky', ['error_pattern'], () => [
  { type: 'command', description: 'rewrite everything', risk: 'high' },
]);

describe('buildPlan', () => {
  it('orders actions most severe first, marks HIGH/CRITICAL as needing approval', async () => {
    const { plan } = await buildPlan(
      input({
        opportunities: [
          opportunity('o-perf', 'performance_degradation', 'MEDIUM'),
          opportunity('o-err', 'error_pattern', 'HIGH'),
        ],
        strategies: [tuning],
      }),
    );
    expect(plan.actions.map((a) => [a.opportunityId, a.needsApproval, a.approved])).toEqual([
      ['o-err', true, false],
      ['o-perf', false, false],
    ]);
    expect(plan.actions[0]).toMatchObject({
      strategy: 't/tune',
      plugin: 'test-plugin',
      risk: 'low',
      candidates: [1, 2],
    });
    expect(plan.status).toBe('running');
  });

  it('minimal skips MEDIUM and LOW opportunities, saying why', async () => {
    const { plan } = await buildPlan(
      input({
        policy: 'minimal',
        opportunities: [
          opportunity('o-perf', 'performance_degradation', 'MEDIUM'),
          opportunity('o-err', 'error_pattern', 'HIGH'),
        ],
        strategies: [tuning],
      }),
    );
    expect(plan.actions.map((a) => a.opportunityId)).toEqual(['o-err']);
    expect(plan.skipped).toEqual([
      {
        opportunityId: 'o-perf',
        type: 'performance_degradation',
        reason: expect.stringMatching(/HIGH and CRITICAL/) as unknown,
      },
    ]);
  });

  it('conservative keeps low-risk actions only', async () => {
    const { plan } = await buildPlan(
      input({
        policy: 'conservative',
        opportunities: [opportunity('o-err', 'error_pattern', 'HIGH')],
        strategies: [tuning, risky],
      }),
    );
    expect(plan.actions.map((a) => a.strategy)).toEqual(['t/tune']);
    expect(plan.skipped[0]?.reason).toMatch(/high risk/);
  });

  it('reports opportunities no strategy handles', async () => {
    const { plan } = await buildPlan(
      input({
        opportunities: [opportunity('o-sec', 'security_vulnerability', 'CRITICAL')],
        strategies: [tuning],
      }),
    );
    expect(plan.actions).toEqual([]);
    expect(plan.skipped[0]?.reason).toMatch(/no strategy handles security_vulnerability/);
  });

  it('a strategy that throws, hangs or returns nonsense is a warning naming it; the others still plan', async () => {
    const throwing = strategy('t/throws', ['error_pattern'], () => {
      throw new Error('boom');
    });
    const hanging = strategy('t/hangs', ['error_pattern'], () => new Promise(() => undefined));
    const nonsense = strategy('t/nonsense', ['error_pattern'], () => ({ not: 'an array' }) as never);
    const noDescription = strategy('t/bad-action', ['error_pattern'], () => [{ type: 'x' } as never]);
    const { plan, warnings } = await buildPlan(
      input({
        pluginLimit: () => 100,
        opportunities: [opportunity('o-err', 'error_pattern', 'HIGH')],
        strategies: [throwing, hanging, nonsense, noDescription, tuning],
      }),
    );
    expect(plan.actions.map((a) => a.strategy)).toEqual(['t/tune']);
    expect(warnings).toEqual([
      { plugin: 'test-plugin', component: 't/throws', error: 'boom' },
      { plugin: 'test-plugin', component: 't/hangs', error: 'timed out after 100 ms' },
      {
        plugin: 'test-plugin',
        component: 't/nonsense',
        error: expect.stringMatching(/not an array/) as unknown,
      },
      { plugin: 'test-plugin', component: 't/bad-action', error: 'action 0 has no description' },
    ]);
  });

  it('does not ask a strategy that timed out again for the next opportunities', async () => {
    let calls = 0;
    const hanging = strategy('t/hangs', ['error_pattern'], () => {
      calls += 1;
      return new Promise(() => undefined);
    });
    const { plan, warnings } = await buildPlan(
      input({
        pluginLimit: () => 200,
        opportunities: ['o-1', 'o-2', 'o-3'].map((id) => opportunity(id, 'error_pattern', 'HIGH')),
        strategies: [hanging, tuning],
      }),
    );
    // Called once, so waited once.
    expect(calls).toBe(1);
    expect(plan.actions.map((a) => a.opportunityId)).toEqual(['o-1', 'o-2', 'o-3']);
    expect(warnings).toEqual([
      { plugin: 'test-plugin', component: 't/hangs', error: 'timed out after 200 ms' },
      {
        plugin: 'test-plugin',
        component: 't/hangs',
        error: 'not called for 2 more opportunities after it timed out',
      },
    ]);
  });
});
