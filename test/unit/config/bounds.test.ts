import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validateConfig } from '../../../src/core/config/load.js';
import { MAX_TIMER_MS } from '../../../src/core/config/schema.js';
import { thrown } from '../store/helpers.js';

const FILE = '/project/.kv1ntrc.json';
const agent = (extra: Record<string, unknown> = {}) => ({ path: '.', test: 'true', ...extra });

/** The config error's message, or a test failure when the config passes. */
function refusal(raw: unknown): string {
  const error = thrown(() => validateConfig(FILE, raw));
  expect(error.code).toBe('CONFIG_INVALID');
  expect(error.exit).toBe(2);
  expect(error.message).toContain(FILE);
  return error.message;
}

describe('config: time limits a timer can hold', () => {
  it.each([
    ['agents.a.testTimeoutMs', { agents: { a: agent({ testTimeoutMs: MAX_TIMER_MS + 1 }) } }],
    ['approval.timeoutMs', { approval: { command: 'true', timeoutMs: 2 ** 32 } }],
    ['pluginTimeoutMs', { pluginTimeoutMs: 1e12 }],
    ['pluginTimeouts.x', { pluginTimeouts: { x: MAX_TIMER_MS + 1 } }],
    ['thresholds.toolTimeoutMs', { thresholds: { toolTimeoutMs: Math.floor(MAX_TIMER_MS / 15) + 1 } }],
  ])('refuses %s above the longest timer', (key, raw) => {
    expect(refusal(raw)).toMatch(new RegExp(`${key.replace(/\./g, '\\.')}: .*must be at most`));
  });

  it('accepts the longest timer', () => {
    const config = validateConfig(FILE, {
      agents: { a: agent({ testTimeoutMs: MAX_TIMER_MS }) },
      thresholds: { toolTimeoutMs: Math.floor(MAX_TIMER_MS / 15) },
    });
    expect(config.agents?.a?.testTimeoutMs).toBe(MAX_TIMER_MS);
  });
});

describe('config: every threshold within its meaningful range', () => {
  it.each([
    ['qualityMin', 7],
    ['qualityMin', -0.1],
    ['guardianScoreMin', 1.5],
    ['securityScoreMin', 2],
    ['successRateDropPoints', 101],
    ['successRateMinSamples', 2.5],
    ['successRateMinSamples', 0],
    ['errorPatternMinCount', 0.5],
    ['trendMinDays', 1],
    ['trendMinDays', 3651],
    ['trendDeadBand', 101],
    ['memoryMbMax', -1],
    ['cpuPercentMax', -5],
  ])('refuses thresholds.%s: %s', (key, value) => {
    expect(refusal({ thresholds: { [key]: value } })).toContain(`thresholds.${key}: ${key} must`);
  });

  it('accepts each bound itself', () => {
    expect(() =>
      validateConfig(FILE, {
        thresholds: {
          qualityMin: 1,
          guardianScoreMin: 0,
          securityScoreMin: 1,
          successRateDropPoints: 100,
          successRateMinSamples: 1,
          errorPatternMinCount: 1,
          trendMinDays: 2,
          trendDeadBand: 0,
          cpuPercentMax: 400,
        },
      }),
    ).not.toThrow();
  });

  it('refuses an infinite number (YAML .inf)', () => {
    expect(refusal(parse('thresholds:\n  memoryMbMax: .inf\n'))).toContain(
      'thresholds.memoryMbMax: memoryMbMax must be a finite number',
    );
    expect(refusal(parse('agents:\n  a:\n    path: .\n    test: t\n    slaMs: .inf\n'))).toContain(
      'agents.a.slaMs: slaMs must be a finite number',
    );
  });
});

describe('config: names every object has', () => {
  it.each([
    ['agents.__proto__', '{"agents": {"__proto__": {"path": ".", "test": "true"}}}'],
    ['agents.constructor', '{"agents": {"constructor": {"path": ".", "test": "true"}}}'],
    ['agents.prototype', '{"agents": {"prototype": {"path": ".", "test": "true"}}}'],
    [
      'agents.a.params.constructor',
      '{"agents": {"a": {"path": ".", "test": "t", "params": {"constructor": {"file": "c.json", "key": "k", "min": 0, "max": 1}}}}}',
    ],
    ['pluginOptions.p.__proto__', '{"pluginOptions": {"p": {"__proto__": {"polluted": true}}}}'],
    ['pluginTimeouts.constructor', '{"pluginTimeouts": {"constructor": 5}}'],
    ['actions.__proto__', '{"actions": {"__proto__": "rm -rf ."}}'],
  ])('refuses %s by name instead of dropping it', (key, json) => {
    expect(refusal(JSON.parse(json))).toContain(`${key}: "${key.split('.').at(-1)}" is a reserved name`);
  });

  it('refuses a record whose prototype a JavaScript config replaced', () => {
    const raw = { agents: { __proto__: { hidden: agent() } } as unknown };
    expect(refusal(raw)).toContain('agents: its prototype was replaced');
  });

  it('keeps an agent named like an inherited method (toString) as an ordinary agent', () => {
    const config = validateConfig(
      FILE,
      JSON.parse('{"agents": {"toString": {"path": ".", "test": "true"}}}'),
    );
    expect(Object.keys(config.agents ?? {})).toEqual(['toString']);
  });
});
