import { describe, expect, it } from 'vitest';
import { overallStatus } from '../../../src/core/optimize/execute.js';
import type { ActionStatus } from '../../../src/core/optimize/plan.js';

const of = (...statuses: ActionStatus[]) => overallStatus(statuses.map((status) => ({ status })));

describe('overallStatus', () => {
  it('applied when every action that ran was kept', () => {
    expect(of('applied', 'applied')).toBe('applied');
    expect(of('applied', 'no_op')).toBe('applied');
  });

  it('partially_applied when some were kept and others not, or wait for approval', () => {
    expect(of('applied', 'rolled_back')).toBe('partially_applied');
    expect(of('applied', 'failed')).toBe('partially_applied');
    expect(of('conflict', 'applied')).toBe('partially_applied');
    expect(of('applied', 'pending_approval')).toBe('partially_applied');
  });

  it('rolled_back when nothing was kept', () => {
    expect(of('rolled_back')).toBe('rolled_back');
    expect(of('failed', 'conflict')).toBe('rolled_back');
  });

  it('pending_approval when nothing was kept and actions wait for approval', () => {
    expect(of('pending_approval')).toBe('pending_approval');
    expect(of('rolled_back', 'pending_approval')).toBe('pending_approval');
    expect(of('pending_approval', 'no_op')).toBe('pending_approval');
  });

  it('no_op when there was nothing to do', () => {
    expect(of()).toBe('no_op');
    expect(of('no_op', 'no_op')).toBe('no_op');
  });
});
