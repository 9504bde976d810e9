import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../../../src/core/config/load.js';
import { OPPORTUNITY_TYPES } from '../../../../src/core/sdk/types.js';
import configuredCommand, {
  COMMAND_TIMEOUT_FACTOR,
} from '../../../../src/plugins/strategies/configured-command.js';
import { tempDir } from '../../../helpers/cli.js';
import {
  apply,
  makeApplyContext,
  makeStrategyContext,
  opportunity,
  plan,
} from '../../../helpers/strategy-context.js';

const FIX = 'printf fixed > fixed.txt && sed -i.bak s/var/let/ src.js && rm src.js.bak';

describe('config key `actions`', () => {
  it('accepts a command per opportunity type', () => {
    const config = validateConfig('/x/.kv1ntrc.json', {
      actions: { code_smell: 'npx eslint --fix .', security_vulnerability: 'npm audit fix' },
    });
    expect(config.actions).toEqual({
      code_smell: 'npx eslint --fix .',
      security_vulnerability: 'npm audit fix',
    });
  });

  it.each([
    ['a key that is not an opportunity type', { code_smel: 'x' }, /actions\.code_smel: .*opportunity type/],
    ['an empty command', { code_smell: '' }, /actions\.code_smell: .*must not be empty/],
    ['a command that is not a string', { code_smell: ['eslint'] }, /actions\.code_smell: .*string/],
  ])('refuses %s, naming the file and key path', (_name, actions, message) => {
    let error: Error | undefined;
    try {
      validateConfig('/x/.kv1ntrc.json', { actions });
    } catch (caught) {
      error = caught as Error;
    }
    expect(error?.message).toContain('/x/.kv1ntrc.json');
    expect(error?.message).toMatch(message);
  });
});

describe('kv1nt/configured-command', () => {
  const agent = { path: '/agents/a' };

  it('handles every opportunity type, and plans only for a configured one', async () => {
    expect([...configuredCommand.handles].sort()).toEqual([...OPPORTUNITY_TYPES].sort());
    const ctx = makeStrategyContext({ agent, config: { actions: { code_smell: 'npx eslint --fix .' } } });
    const opp = opportunity('code_smell', { title: '12 ESLint problems' });
    expect(await plan(configuredCommand, opp, ctx)).toEqual([
      {
        type: 'command',
        description: 'Run `npx eslint --fix .` (configured in actions.code_smell): 12 ESLint problems',
        risk: 'medium',
        expectedChange: expect.stringContaining('npx eslint --fix .') as string,
        target: 'command:code_smell',
        command: 'npx eslint --fix .',
        opportunityType: 'code_smell',
      },
    ]);
    expect(await plan(configuredCommand, opportunity('quality_issues'), ctx)).toEqual([]);
    expect(await plan(configuredCommand, opp, makeStrategyContext({ agent }))).toEqual([]);
    // No agent folder: nothing to run it in.
    const noPath = makeStrategyContext({ config: { actions: { code_smell: 'x' } } });
    expect(await plan(configuredCommand, opp, noPath)).toEqual([]);
  });

  describe('apply', () => {
    function setup(command = FIX) {
      const sandbox = tempDir({ 'src.js': 'var a = 1;\n' });
      const ctx = makeApplyContext(sandbox, { agent, config: { actions: { code_smell: command } } });
      const action = { type: 'command', description: 'x', command, opportunityType: 'code_smell' };
      return { sandbox, ctx, action };
    }

    it('runs the command with sh in the sandbox', async () => {
      const { sandbox, ctx, action } = setup();
      await apply(configuredCommand, action, ctx);
      expect(fs.readFileSync(path.join(sandbox, 'fixed.txt'), 'utf8')).toBe('fixed');
      expect(fs.readFileSync(path.join(sandbox, 'src.js'), 'utf8')).toBe('let a = 1;\n');
    });

    it('gives the command 15 × toolTimeoutMs', async () => {
      const { ctx, action } = setup();
      const calls: unknown[] = [];
      const spy = {
        ...ctx,
        run: (...args: unknown[]) => (calls.push(args), ctx.run(...(args as Parameters<typeof ctx.run>))),
      };
      await apply(configuredCommand, action, spy);
      expect(calls).toEqual([
        [
          'sh',
          ['-c', FIX],
          { timeoutMs: ctx.config.thresholds.toolTimeoutMs * COMMAND_TIMEOUT_FACTOR, cwd: ctx.sandboxDir },
        ],
      ]);
    });

    it('a non-zero exit fails with the tail of the output', async () => {
      const { ctx, action } = setup('echo checking; echo "3 problems left" >&2; exit 3');
      await expect(apply(configuredCommand, action, ctx)).rejects.toThrow(
        /failed \(exit 3\): checking\n3 problems left/,
      );
    });

    it('a command past its time limit is killed and fails', async () => {
      const { ctx, action } = setup('sleep 30');
      const fast = makeApplyContext(ctx.sandboxDir, {
        agent,
        thresholds: { toolTimeoutMs: 20 },
        config: { actions: { code_smell: 'sleep 30' } },
      });
      const started = Date.now();
      await expect(apply(configuredCommand, action, fast)).rejects.toThrow(/timed out after 300 ms/);
      expect(Date.now() - started).toBeLessThan(10_000);
    });

    it('runs only what the config says now', async () => {
      const { ctx, action } = setup();
      await expect(apply(configuredCommand, { ...action, command: 'rm -rf ~' }, ctx)).rejects.toThrow(
        /plan again/,
      );
      const unconfigured = makeApplyContext(ctx.sandboxDir, { agent });
      await expect(apply(configuredCommand, action, unconfigured)).rejects.toThrow(/no longer configured/);
      await expect(apply(configuredCommand, { ...action, command: '' }, ctx)).rejects.toThrow(/no command/);
    });
  });
});
