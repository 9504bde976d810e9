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

  describe('under the closed loop', () => {
    const tuner = (start: number) =>
      strategy('t/tune', ['error_pattern', 'performance_degradation'], () => [
        {
          type: 'param_tuning',
          description: `timeout → ${start}`,
          risk: 'low',
          target: 'param:timeoutMs',
          search: { from: 1000, start, bound: 5000 },
        },
      ]);

    it('plans one action for one change, however many opportunities ask for it', async () => {
      const { plan } = await buildPlan(
        input({
          opportunities: [
            opportunity('o-err', 'error_pattern', 'HIGH'),
            opportunity('o-perf', 'performance_degradation', 'MEDIUM'),
          ],
          strategies: [tuner(2000)],
          maxTestRuns: 4,
        }),
      );
      expect(plan.actions).toHaveLength(1);
      expect(plan.actions[0]).toMatchObject({
        opportunityId: 'o-err',
        opportunityIds: ['o-err', 'o-perf'],
        target: 'param:timeoutMs',
        search: { start: 2000 },
        candidates: null,
        maxTestRuns: 4,
      });
    });

    it('proposes nothing for a target whose last change is being verified, and lists what waits', async () => {
      const waiting = {
        ...opportunity('o-held', 'error_pattern', 'HIGH'),
        status: 'verifying' as const,
        verificationId: 'ver_1',
      };
      const { plan } = await buildPlan(
        input({
          opportunities: [opportunity('o-err', 'error_pattern', 'HIGH')],
          verifying: [waiting],
          verifyingTargets: new Map([['param:timeoutMs', 'ver_1']]),
          strategies: [tuner(2000)],
        }),
      );
      expect(plan.actions).toEqual([]);
      expect(plan.skipped[0]!.reason).toMatch(
        /changes param:timeoutMs, whose last change is being verified \(ver_1\)/,
      );
      expect(plan.verifying).toEqual([
        { opportunityId: 'o-held', type: 'error_pattern', verificationId: 'ver_1' },
      ]);
    });

    it('never proposes again what regressed for an opportunity, and does not repeat what had no effect', async () => {
      const tried = (verdict: 'regressed' | 'no_effect', value: number) => ({
        strategy: 't/tune',
        type: 'param_tuning',
        target: 'param:timeoutMs',
        signature: JSON.stringify(['param_tuning', 'param:timeoutMs', value]),
        verdict,
        verificationId: 'ver_1',
        at: '2026-11-24T00:00:00.000Z',
      });
      const withTried = (t: ReturnType<typeof tried>) => ({
        ...opportunity('o-err', 'error_pattern', 'HIGH'),
        tried: [t],
      });
      const plan = async (t: ReturnType<typeof tried>, start: number) =>
        (await buildPlan(input({ opportunities: [withTried(t)], strategies: [tuner(start)] }))).plan;
      expect((await plan(tried('regressed', 2000), 3000)).actions).toEqual([]);
      expect((await plan(tried('no_effect', 2000), 2000)).actions).toEqual([]);
      // The next candidate after no effect gets its turn.
      expect((await plan(tried('no_effect', 2000), 3000)).actions).toHaveLength(1);
    });

    it('under auto, puts action types the loop confirmed for this agent first within a severity', async () => {
      const learn = strategy('t/learn', ['error_pattern'], () => [
        { type: 'write_learnings', description: 'learn', risk: 'low', target: 'file:L.md' },
      ]);
      const { plan } = await buildPlan(
        input({
          opportunities: [opportunity('o-err', 'error_pattern', 'HIGH')],
          strategies: [tuner(2000), learn],
          record: new Map([
            ['write_learnings', { confirmed: 3, regressed: 0 }],
            ['param_tuning', { confirmed: 0, regressed: 1 }],
          ]),
        }),
      );
      expect(plan.actions.map((a) => [a.id, a.type])).toEqual([
        ['act_1', 'write_learnings'],
        ['act_2', 'param_tuning'],
      ]);
    });

    it('refuses a search that does not start between the value and the bound', async () => {
      const bad = strategy('t/bad', ['error_pattern'], () => [
        { type: 'p', description: 'x', search: { from: 1000, start: 500, bound: 5000 } },
      ]);
      const { warnings } = await buildPlan(
        input({ opportunities: [opportunity('o', 'error_pattern', 'HIGH')], strategies: [bad] }),
      );
      expect(warnings[0]!.error).toMatch(/search\.start must lie between from \(excluded\) and bound/);
    });
  });
});
