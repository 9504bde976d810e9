import { describe, expect, it } from 'vitest';
import {
  acceptsRisk,
  handlesSeverity,
  needsApproval,
  resolvePolicy,
} from '../../../src/core/optimize/policy.js';

describe('resolvePolicy', () => {
  it('keeps an explicit strategy', () => {
    expect(resolvePolicy('aggressive', 10).policy).toBe('aggressive');
  });

  it('auto: comprehensive under 50, conservative from 50 to under 80, minimal from 80', () => {
    expect(resolvePolicy('auto', 49.9).policy).toBe('comprehensive');
    expect(resolvePolicy('auto', 50).policy).toBe('conservative');
    expect(resolvePolicy('auto', 79.9).policy).toBe('conservative');
    expect(resolvePolicy('auto', 80).policy).toBe('minimal');
    expect(resolvePolicy('auto', 100).policy).toBe('minimal');
  });

  it('auto: the bounds come from the config', () => {
    const auto = { comprehensiveBelow: 30, conservativeBelow: 90 };
    expect(resolvePolicy('auto', 35, auto).policy).toBe('conservative');
    expect(resolvePolicy('auto', 85, auto).policy).toBe('conservative');
    expect(resolvePolicy('auto', 29, auto).policy).toBe('comprehensive');
    expect(resolvePolicy('auto', 90, auto).policy).toBe('minimal');
  });

  it('auto without a score takes the careful policy and says why', () => {
    const picked = resolvePolicy('auto', null);
    expect(picked.policy).toBe('conservative');
    expect(picked.reason).toMatch(/no health score/);
  });
});

describe('policy rules', () => {
  it('minimal handles only HIGH and CRITICAL', () => {
    expect(handlesSeverity('minimal', 'HIGH')).toBe(true);
    expect(handlesSeverity('minimal', 'CRITICAL')).toBe(true);
    expect(handlesSeverity('minimal', 'MEDIUM')).toBe(false);
    expect(handlesSeverity('minimal', 'LOW')).toBe(false);
    expect(handlesSeverity('comprehensive', 'LOW')).toBe(true);
  });

  it('conservative accepts only low-risk actions', () => {
    expect(acceptsRisk('conservative', 'low')).toBe(true);
    expect(acceptsRisk('conservative', 'medium')).toBe(false);
    expect(acceptsRisk('aggressive', 'high')).toBe(true);
  });

  it('HIGH and CRITICAL need approval', () => {
    expect(needsApproval('CRITICAL')).toBe(true);
    expect(needsApproval('HIGH')).toBe(true);
    expect(needsApproval('MEDIUM')).toBe(false);
    expect(needsApproval('LOW')).toBe(false);
  });
});
