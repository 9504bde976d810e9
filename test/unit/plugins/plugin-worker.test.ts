import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { callInWorker, type ComponentRef } from '../../../src/core/plugins/plugin-worker.js';
import { tempDir } from '../../helpers/cli.js';

/**
 * A plugin module whose generator counts its calls in module state (so a reused worker shows),
 * spins when the pattern asks, waits when asked, and relays warn/run.
 */
const MODULE = `
let calls = 0;
export default {
  apiVersion: 1,
  name: 'counting',
  learningGenerators: [{
    id: 'c/gen',
    patternTypes: ['failure'],
    async generate(pattern, ctx) {
      calls += 1;
      if (pattern.spin) while (true) {}
      if (pattern.throws) throw new Error('boom in ' + pattern.id);
      if (pattern.waitMs) await new Promise((resolve) => setTimeout(resolve, pattern.waitMs));
      if (pattern.mutate) pattern.frequency = 0;
      if (pattern.warn) ctx.warn('warned about ' + pattern.id);
      if (pattern.readLazy) return { calls, lazy: ctx.window, frozen: Object.isFrozen(ctx.window) };
      const tool = pattern.run ? await ctx.run('echo', ['hello'], { timeoutMs: 1000 }) : null;
      return { calls, id: pattern.id, agent: ctx.agent.id, year: ctx.now.getUTCFullYear(), tool };
    },
  }],
  strategies: [{ id: 'c/strategy', handles: ['error_pattern'], plan: () => [() => 'a function'], apply() {} }],
};
`;

function setup() {
  const dir = tempDir({ 'plugin.mjs': MODULE });
  const ref = (id = 'c/gen', kind: ComponentRef['kind'] = 'learningGenerators'): ComponentRef => ({
    modulePath: path.join(dir, 'plugin.mjs'),
    kind,
    id,
  });
  const warnings: string[] = [];
  const ctx = {
    agent: { id: 'bot' },
    now: new Date('2026-11-24T00:00:00Z'),
    warn: (message: string) => warnings.push(message),
    run: (command: string, args: readonly string[]) =>
      Promise.resolve({ exitCode: 0, stdout: `${command} ${args.join(' ')}`, stderr: '', timedOut: false }),
  };
  const generate = (pattern: Record<string, unknown>, timeoutMs = 2000) =>
    callInWorker(ref(), 'generate', [pattern], ctx, timeoutMs) as Promise<Record<string, unknown>>;
  return { ref, ctx, warnings, generate };
}

describe('callInWorker', () => {
  it('runs the component with a cloned, frozen context; dates, warn and run cross over', async () => {
    const { generate, warnings } = setup();
    const result = await generate({ id: 'p1', warn: true, run: true });
    expect(result).toMatchObject({
      id: 'p1',
      agent: 'bot',
      year: 2026,
      tool: { exitCode: 0, stdout: 'echo hello' },
    });
    expect(warnings).toEqual(['warned about p1']);
    await expect(generate({ id: 'p2', mutate: true })).rejects.toThrow(
      /not extensible|read.only|Cannot assign/i,
    );
  });

  it('keeps a worker for the next call, and replaces one cut off by its time limit', async () => {
    const { generate } = setup();
    expect((await generate({ id: 'a' })).calls).toBe(1);
    expect((await generate({ id: 'b' })).calls).toBe(2);
    // The plugin's own error is an answer: its worker is kept too.
    await expect(generate({ id: 'c', throws: true })).rejects.toThrow('boom in c');
    expect((await generate({ id: 'd' })).calls).toBe(4);
    const started = Date.now();
    await expect(generate({ id: 'spin', spin: true }, 300)).rejects.toThrow('timed out after 300 ms');
    expect(Date.now() - started).toBeLessThan(2000);
    // The stuck worker was terminated: a fresh one starts counting again.
    expect((await generate({ id: 'e' })).calls).toBe(1);
  });

  it('gives concurrent calls their own workers: one cut off does not take the other with it', async () => {
    const { generate } = setup();
    const [slow, stuck] = await Promise.allSettled([
      generate({ id: 'slow', waitMs: 400 }),
      generate({ id: 'stuck', spin: true }, 200),
    ]);
    expect(slow).toMatchObject({ status: 'fulfilled', value: { id: 'slow', calls: 1 } });
    expect(stuck).toMatchObject({ status: 'rejected', reason: { message: 'timed out after 200 ms' } });
  });

  it('reports a missing component, a missing method and a result that cannot be passed back', async () => {
    const { ref, ctx } = setup();
    await expect(callInWorker(ref('c/none'), 'generate', [{}], ctx, 2000)).rejects.toThrow(
      /c\/none is gone when .*plugin\.mjs is loaded again/,
    );
    await expect(callInWorker(ref('c/strategy', 'strategies'), 'nothing', [], ctx, 2000)).rejects.toThrow(
      'c/strategy has no nothing() function',
    );
    await expect(callInWorker(ref('c/strategy', 'strategies'), 'plan', [{}], ctx, 2000)).rejects.toThrow(
      /plan\(\) returned a value that cannot be passed on/,
    );
    await expect(callInWorker(ref(), 'generate', [{ f: () => 1 }], ctx, 2000)).rejects.toThrow(
      /generate\(\) cannot be given its arguments/,
    );
  });

  it('fetches a getter of the context only when the plugin reads it', async () => {
    const { ref, ctx } = setup();
    let reads = 0;
    const lazyCtx = {
      ...ctx,
      get window() {
        reads += 1;
        return [{ id: 'e1' }, { id: 'e2' }];
      },
    };
    const call = (pattern: Record<string, unknown>) =>
      callInWorker(ref(), 'generate', [pattern], lazyCtx, 2000) as Promise<Record<string, unknown>>;
    expect(await call({ id: 'not-reading' })).toMatchObject({ id: 'not-reading' });
    expect(reads).toBe(0);
    expect(await call({ id: 'reading', readLazy: true })).toMatchObject({
      lazy: [{ id: 'e1' }, { id: 'e2' }],
      frozen: true,
    });
    expect(reads).toBe(1);
  });
});
