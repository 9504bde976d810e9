import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import paramTuning, {
  MARGIN,
  directionFor,
  evidenceDuration,
  searchStart,
  formatJsonLike,
  getDotted,
  setDotted,
} from '../../../../src/plugins/strategies/param-tuning.js';
import type { AgentInfo } from '../../../../src/core/sdk/types.js';
import { tempDir } from '../../../helpers/cli.js';
import {
  makeApplyContext,
  makeStrategyContext,
  opportunity,
  apply,
  plan,
  type StrategyContextOverrides,
} from '../../../helpers/strategy-context.js';

const BOUNDS = { min: 100, max: 60_000 };

describe('searchStart', () => {
  it.each([
    ['conservative', 1250],
    ['minimal', 1500],
    ['comprehensive', 1500],
    ['aggressive', 2000],
  ] as const)('raises by one %s step without evidence', (policy, expected) => {
    expect(searchStart(1000, BOUNDS, 'raise', policy)).toBe(expected);
  });

  it.each([
    ['conservative', 800],
    ['comprehensive', 667],
    ['aggressive', 500],
  ] as const)('lowers by one %s step (whole numbers stay whole)', (policy, expected) => {
    expect(searchStart(1000, BOUNDS, 'lower', policy)).toBe(expected);
  });

  it('starts a raise where the evidence points, with the margin, when that is above the value', () => {
    // Successful calls take up to 380 ms: a 100 ms time limit should start at 380 × 1.25.
    expect(searchStart(100, BOUNDS, 'raise', 'conservative', 380)).toBe(475);
    expect(MARGIN).toBe(1.25);
    // Evidence under the current value says nothing about how far to go: one step.
    expect(searchStart(1000, BOUNDS, 'raise', 'conservative', 500)).toBe(1250);
    // Lowering ignores duration evidence.
    expect(searchStart(1000, BOUNDS, 'lower', 'conservative', 5000)).toBe(800);
  });

  it('clamps to the bounds', () => {
    expect(searchStart(40_000, BOUNDS, 'raise', 'aggressive')).toBe(60_000);
    expect(searchStart(150, BOUNDS, 'lower', 'aggressive')).toBe(100);
    expect(searchStart(100, BOUNDS, 'raise', 'minimal', 1_000_000)).toBe(60_000);
  });

  it('gives nothing at the bound, at 0, or when the bound is behind', () => {
    expect(searchStart(60_000, BOUNDS, 'raise', 'aggressive')).toBeNull();
    expect(searchStart(100, BOUNDS, 'lower', 'conservative')).toBeNull();
    expect(searchStart(0, { min: 0, max: 10 }, 'raise', 'comprehensive')).toBeNull();
    // Above max already: a "raise" may not lower it.
    expect(searchStart(70_000, BOUNDS, 'raise', 'comprehensive')).toBeNull();
  });

  it('rounds to the step, without float noise, taking a whole step when rounding stays put', () => {
    expect(searchStart(4, { min: 1, max: 16, step: 1 }, 'lower', 'conservative')).toBe(3);
    expect(searchStart(1000, { ...BOUNDS, step: 500 }, 'raise', 'conservative')).toBe(1500);
    expect(searchStart(0.3, { min: 0, max: 1, step: 0.1 }, 'raise', 'comprehensive')).toBe(0.5);
  });

  it('keeps fractions for a fractional value without step', () => {
    expect(searchStart(0.7, { min: 0, max: 10 }, 'raise', 'conservative')).toBe(0.875);
  });

  it('reads the evidence of a timeout: the longest of successful p99 and message durations', () => {
    expect(evidenceDuration({ successP99Ms: 380, messageMaxMs: 100 })).toBe(380);
    expect(evidenceDuration({ messageMaxMs: 3000 })).toBe(3000);
    expect(evidenceDuration({ successP99Ms: null, messageMaxMs: 'x' })).toBeNull();
    expect(evidenceDuration({})).toBeNull();
  });
});

describe('directionFor', () => {
  it.each([
    [{ title: 'Recurring error: ETIMEDOUT (5×)' }, 'raise'],
    [{ title: 'Recurring error: x', evidence: { errorType: 'TimeoutError' } }, 'raise'],
    [{ title: 'x', subject: 'pattern:request timed out after <n> ms' }, 'raise'],
    [{ title: 'x', evidence: { examples: ['deadline exceeded'] } }, 'raise'],
    [{ title: 'Recurring error: ENOENT', evidence: { errorType: 'ENOENT' } }, null],
  ])('error_pattern %j → %s', (partial, expected) => {
    expect(directionFor(opportunity('error_pattern', { subject: 's', ...partial }))).toBe(expected);
  });

  it('lowers for slowness and resource use, nothing for the rest', () => {
    expect(directionFor(opportunity('performance_degradation'))).toBe('lower');
    expect(directionFor(opportunity('resource_inefficiency'))).toBe('lower');
    expect(directionFor(opportunity('quality_issues', { title: 'timeout' }))).toBeNull();
  });
});

describe('dotted keys and JSON style', () => {
  it('reads and sets nested keys, refusing prototype keys', () => {
    const data = { model: { timeoutMs: 5, list: [{ n: 1 }] } };
    expect(getDotted(data, 'model.timeoutMs')).toBe(5);
    expect(getDotted(data, 'model.list.0.n')).toBe(1);
    expect(getDotted(data, 'model.nope')).toBeUndefined();
    setDotted(data, 'model.list.0.n', 2);
    expect(data.model.list[0]!.n).toBe(2);
    expect(() => setDotted(data, 'model.missing', 1)).toThrow(/does not exist/);
    expect(() => getDotted(data, '__proto__.polluted')).toThrow(/not a usable/);
    expect(() => setDotted(data, 'constructor.prototype.x', 1)).toThrow(/not a usable/);
  });

  it.each([
    ['two spaces + LF', '{\n  "a": 1,\n  "b": [1]\n}\n'],
    ['tabs, no trailing newline', '{\n\t"a": 1,\n\t"b": [\n\t\t1\n\t]\n}'],
    ['four spaces + CRLF', '{\r\n    "a": 1,\r\n    "b": [\r\n        1\r\n    ]\r\n}\r\n'],
    ['one line', '{"a":1,"b":[1]}\n\n'],
    ['BOM', '\uFEFF{\n  "a": 1,\n  "b": [\n    1\n  ]\n}\n'],
  ])('keeps the style: %s', (_name, text) => {
    const data = JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
    expect(formatJsonLike(text, data)).toBe(text.replace('"b": [1]', '"b": [\n    1\n  ]'));
  });
});

describe('kv1nt/param-tuning', () => {
  function agentDir(config: unknown = { timeoutMs: 1000, model: { maxTokens: 2048 }, label: 'x' }) {
    return tempDir({ 'config.json': `${JSON.stringify(config, null, 2)}\n` });
  }
  const PARAMS: AgentInfo['params'] = {
    timeoutMs: { file: 'config.json', key: 'timeoutMs', min: 100, max: 60_000 },
    tokens: { file: 'config.json', key: 'model.maxTokens', min: 256, max: 4096, step: 256 },
  };

  function ctx(dir: string, overrides: StrategyContextOverrides = {}) {
    return makeStrategyContext({ ...overrides, agent: { path: dir, params: PARAMS, ...overrides.agent } });
  }

  it('raises timeout params for a timeout-like error pattern', async () => {
    const dir = agentDir();
    const opp = opportunity('error_pattern', { title: 'Recurring error: ETIMEDOUT (4×)' });
    const actions = await plan(paramTuning, opp, ctx(dir, { policy: 'conservative' }));
    expect(actions).toEqual([
      {
        type: 'param_tuning',
        description: expect.stringMatching(
          /^Raise timeoutMs in config\.json from 1000 to 1250; if the tests fail there, search stepping up toward 60000/,
        ) as string,
        risk: 'low',
        expectedChange: expect.stringContaining('timeoutMs 1000') as string,
        target: 'param:timeoutMs',
        param: 'timeoutMs',
        file: 'config.json',
        key: 'timeoutMs',
        from: 1000,
        direction: 'raise',
        search: { from: 1000, start: 1250, bound: 60_000 },
      },
    ]);
  });

  it('starts a timeout raise from the evidence: successful durations and the messages', async () => {
    const dir = agentDir({ timeoutMs: 100 });
    const opp = opportunity('error_pattern', {
      title: 'Recurring failure: request timed out after <duration>',
      evidence: { successP99Ms: 380, messageMaxMs: 100 },
    });
    const [action] = await plan(paramTuning, opp, ctx(dir, { policy: 'conservative' }));
    expect(action).toMatchObject({
      search: { from: 100, start: 475, bound: 60_000 },
      description: expect.stringContaining('the evidence shows operations needing 380 ms, ×1.25') as string,
    });
  });

  it('lowers costly params for performance and resource opportunities (key or name match)', async () => {
    const dir = agentDir();
    for (const type of ['performance_degradation', 'resource_inefficiency'] as const) {
      const actions = await plan(paramTuning, opportunity(type), ctx(dir, { policy: 'aggressive' }));
      expect(actions).toHaveLength(1);
      expect(actions[0]).toMatchObject({
        param: 'tokens',
        key: 'model.maxTokens',
        from: 2048,
        direction: 'lower',
        target: 'param:tokens',
        search: { from: 2048, start: 1024, bound: 256, step: 256 },
        description: expect.stringMatching(
          /^Lower tokens \(model\.maxTokens in config\.json\) from 2048/,
        ) as string,
      });
    }
  });

  it('does not fire for other errors, other types, or an agent without params or path', async () => {
    const dir = agentDir();
    const plain = opportunity('error_pattern', {
      title: 'Recurring error: ENOENT',
      subject: 'errorType:ENOENT',
    });
    expect(await plan(paramTuning, plain, ctx(dir))).toEqual([]);
    expect(await plan(paramTuning, opportunity('quality_issues'), ctx(dir))).toEqual([]);
    const slow = opportunity('performance_degradation');
    expect(await plan(paramTuning, slow, makeStrategyContext({ agent: { path: dir } }))).toEqual([]);
    expect(await plan(paramTuning, slow, makeStrategyContext({ agent: { params: PARAMS } }))).toEqual([]);
  });

  it('warns and skips a param that is missing or not a number', async () => {
    const dir = agentDir({ timeoutMs: '1000', model: {} });
    const context = ctx(dir);
    expect(await plan(paramTuning, opportunity('error_pattern', { title: 'timeout' }), context)).toEqual([]);
    expect(await plan(paramTuning, opportunity('resource_inefficiency'), context)).toEqual([]);
    expect(context.warnings).toEqual([
      expect.stringMatching(/timeoutMs: timeoutMs in config\.json is not a number \("1000"\)/),
      expect.stringMatching(/tokens: model\.maxTokens in config\.json is missing/),
    ]);
  });

  it('warns about an unreadable file or one outside the agent folder', async () => {
    const dir = agentDir();
    const outside = tempDir({ 'c.json': '{"timeoutMs": 5}' });
    fs.symlinkSync(path.join(outside, 'c.json'), path.join(dir, 'link.json'));
    const context = ctx(dir, {
      agent: {
        params: {
          a: { file: 'nope.json', key: 'timeoutMs', min: 1, max: 10 },
          b: { file: '../x.json', key: 'timeoutMs', min: 1, max: 10 },
          c: { file: 'link.json', key: 'timeoutMs', min: 1, max: 10 },
        },
      },
    });
    expect(await plan(paramTuning, opportunity('error_pattern', { title: 'timeout' }), context)).toEqual([]);
    expect(context.warnings).toEqual([
      expect.stringMatching(/^param a: cannot read nope\.json/),
      expect.stringMatching(/^param b: .*outside the agent folder/),
      expect.stringMatching(/^param c: .*through a symlink/),
    ]);
  });

  describe('apply', () => {
    const action = {
      type: 'param_tuning',
      description: 'x',
      param: 'tokens',
      file: 'config.json',
      key: 'model.maxTokens',
      from: 2048,
      candidates: [1024],
    };

    it('writes the candidate into the sandbox copy, keeping the file style', async () => {
      const agent = agentDir();
      const sandbox = tempDir({
        'config.json': '{\r\n\t"timeoutMs": 1000,\r\n\t"model": {\r\n\t\t"maxTokens": 2048\r\n\t}\r\n}',
      });
      const before = fs.readFileSync(path.join(agent, 'config.json'), 'utf8');
      await apply(
        paramTuning,
        action,
        makeApplyContext(sandbox, { agent: { path: agent, params: PARAMS }, candidate: 1024 }),
      );
      expect(fs.readFileSync(path.join(sandbox, 'config.json'), 'utf8')).toBe(
        '{\r\n\t"timeoutMs": 1000,\r\n\t"model": {\r\n\t\t"maxTokens": 1024\r\n\t}\r\n}',
      );
      expect(fs.readFileSync(path.join(agent, 'config.json'), 'utf8')).toBe(before);
    });

    it('refuses a value outside the bounds or not a number, and leaves the file alone', async () => {
      const sandbox = agentDir();
      const before = fs.readFileSync(path.join(sandbox, 'config.json'), 'utf8');
      for (const [candidate, message] of [
        [8192, /outside its bounds \[256, 4096\]/],
        [128, /outside its bounds/],
        ['1024', /not a number/],
        [undefined, /not a number/],
        [Number.NaN, /not a number/],
      ] as const) {
        const context = makeApplyContext(sandbox, { agent: { path: sandbox, params: PARAMS }, candidate });
        await expect(apply(paramTuning, action, context)).rejects.toThrow(message);
      }
      expect(fs.readFileSync(path.join(sandbox, 'config.json'), 'utf8')).toBe(before);
    });

    it('refuses a param file that escapes the sandbox through a symlink', async () => {
      const outside = tempDir({ 'config.json': '{"timeoutMs": 1000}\n' });
      const sandbox = tempDir();
      fs.symlinkSync(path.join(outside, 'config.json'), path.join(sandbox, 'config.json'));
      const context = makeApplyContext(sandbox, { agent: { params: PARAMS }, candidate: 2000 });
      await expect(
        apply(paramTuning, { ...action, param: 'timeoutMs', key: 'timeoutMs' }, context),
      ).rejects.toThrow(/outside the agent folder \(through a symlink\)/);
      expect(fs.readFileSync(path.join(outside, 'config.json'), 'utf8')).toBe('{"timeoutMs": 1000}\n');
    });

    it('refuses a declared file path with ..', async () => {
      const sandbox = agentDir();
      const params = { t: { file: '../config.json', key: 'timeoutMs', min: 1, max: 99_999 } };
      const context = makeApplyContext(sandbox, { agent: { params }, candidate: 2000 });
      await expect(
        apply(paramTuning, { ...action, param: 't', file: '../config.json', key: 'timeoutMs' }, context),
      ).rejects.toThrow(/points outside the agent folder/);
    });

    it('follows the declaration, not a stale or edited action', async () => {
      const sandbox = agentDir();
      const context = makeApplyContext(sandbox, { agent: { params: PARAMS }, candidate: 1024 });
      await expect(apply(paramTuning, { ...action, file: 'other.json' }, context)).rejects.toThrow(
        /plan again/,
      );
      await expect(apply(paramTuning, { ...action, param: 'ghost' }, context)).rejects.toThrow(
        /no param "ghost"/,
      );
    });

    it('a symlink that stays inside the sandbox is fine', async () => {
      const sandbox = tempDir({ 'real/config.json': '{\n  "timeoutMs": 1000\n}\n' });
      fs.symlinkSync(path.join(sandbox, 'real', 'config.json'), path.join(sandbox, 'config.json'));
      const context = makeApplyContext(sandbox, { agent: { params: PARAMS }, candidate: 1500 });
      await apply(paramTuning, { ...action, param: 'timeoutMs', key: 'timeoutMs' }, context);
      expect(fs.readFileSync(path.join(sandbox, 'real', 'config.json'), 'utf8')).toBe(
        '{\n  "timeoutMs": 1500\n}\n',
      );
      expect(fs.lstatSync(path.join(sandbox, 'config.json')).isSymbolicLink()).toBe(true);
    });
  });
});
