import { describe, expect, it } from 'vitest';
import { choiceLine } from '../../../src/cli/choose-actions.js';
import type { PlanAction } from '../../../src/core/index.js';

const action = (over: Partial<PlanAction> = {}): PlanAction => ({
  id: 'act_1',
  strategy: 'param-tuning',
  plugin: 'kv1nt',
  opportunityId: 'opp_1',
  opportunityIds: ['opp_1'],
  target: 'param:timeoutMs',
  opportunityType: 'error_pattern',
  severity: 'HIGH',
  type: 'param_tuning',
  description: 'Raise timeoutMs from 2000 to 2500',
  risk: 'low',
  expectedChange: null,
  candidates: null,
  search: { key: 'timeoutMs', start: 2500, bound: 5000 } as unknown as PlanAction['search'],
  maxTestRuns: 6,
  needsApproval: true,
  approved: false,
  status: 'planned',
  action: { type: 'param_tuning', description: 'Raise timeoutMs' },
  ...over,
});

describe('choiceLine: one checklist line per planned action', () => {
  it('says severity and approval, risk, the budget of test runs and what the action changes', () => {
    expect(choiceLine(action(), 200)).toBe(
      '[HIGH, needs approval] risk low, ≤ 6 test runs, changes param:timeoutMs: Raise timeoutMs from 2000 to 2500',
    );
    expect(
      choiceLine(
        action({ severity: 'LOW', needsApproval: false, search: null, maxTestRuns: 1, risk: 'medium' }),
        200,
      ),
    ).toBe('[LOW] risk medium, 1 test run, changes param:timeoutMs: Raise timeoutMs from 2000 to 2500');
    expect(choiceLine(action({ approved: true, search: null, maxTestRuns: 3 }), 200)).toMatch(
      /^\[HIGH, approved\] risk low, 3 test runs,/,
    );
  });

  it('is cut with … to fit the terminal, counting characters, not UTF-16 units', () => {
    const line = choiceLine(action({ description: `Emoji 🙂 ${'x'.repeat(100)}` }), 80);
    expect([...line]).toHaveLength(76);
    expect(line.endsWith('…')).toBe(true);
    expect(line.startsWith('[HIGH, needs approval] risk low, ≤ 6 test runs')).toBe(true);
  });

  it('shows an invisible character of a plugin-written description as an escape', () => {
    expect(choiceLine(action({ description: 'evil\x1b[2Jclear' }), 200)).toContain('evil\\u{001B}[2Jclear');
  });
});
