import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  FEEDBACK_READ,
  FEEDBACK_WINDOW,
  callInPluginProcess,
  describeInPluginProcess,
  type ComponentRef,
  type HostContext,
} from '../../../src/core/plugins/plugin-process.js';
import { createKv1nt } from '../../../src/index.js';
import { tempDir } from '../../helpers/cli.js';

/**
 * A plugin module whose generator counts its calls in module state (so a reused process shows),
 * spins when the pattern asks, waits when asked, relays warn/run, and tries what a plugin process
 * may not do.
 */
const MODULE = `
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
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
      if (pattern.exit) process.exit(3);
      if (pattern.write) fs.writeFileSync(pattern.write, 'from a plugin');
      if (pattern.spawn) spawnSync('true');
      if (pattern.signal) process.kill(process.ppid, 'SIGTERM');
      if (pattern.warnMany) for (let i = 0; i < 150; i++) ctx.warn('w' + i);
      const tool = pattern.run ? await ctx.run('echo', ['hello'], { timeoutMs: 1000 }) : null;
      return [{ calls, id: pattern.id, agent: ctx.agent.id, year: ctx.now.getUTCFullYear(), tool, pid: process.pid }];
    },
  }],
  detectors: [{
    id: 'c/detector',
    type: 'code_smell',
    description: '',
    detect(ctx) {
      if (ctx.metrics.readFeedback) return [{ title: 'read', evidence: { ids: ctx.feedback.map((e) => e.operationId), frozen: Object.isFrozen(ctx.feedback) } }];
      return [{ title: 'not read', evidence: {} }];
    },
  }],
  strategies: [{
    id: 'c/strategy',
    handles: ['error_pattern'],
    plan: () => [{ type: 'x', description: 'with a function', f: () => 1 }],
    apply(action, sandboxDir) {
      fs.writeFileSync(sandboxDir + '/inside.txt', 'ok');
      fs.writeFileSync(action.outside, 'escaped');
    },
  }],
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
  const ctx: HostContext & Record<string, unknown> = {
    agent: { id: 'bot' },
    now: new Date('2026-11-24T00:00:00Z'),
    warn: (message: string) => warnings.push(message),
    run: (command: string, args: readonly string[]) =>
      Promise.resolve({ exitCode: 0, stdout: `${command} ${args.join(' ')}`, stderr: '', timedOut: false }),
  };
  const generate = async (pattern: Record<string, unknown>, timeoutMs = 5000) => {
    const answer = await callInPluginProcess(
      ref(),
      { method: 'generate', args: [pattern], ctx, itemNoun: 'learning' },
      timeoutMs,
    );
    return (answer.value as Array<Record<string, unknown>>)[0]!;
  };
  return { dir, ref, ctx, warnings, generate };
}

describe('callInPluginProcess', () => {
  it('runs the component with a JSON copy of a frozen context; dates, warn and run cross over', async () => {
    const { generate, warnings } = setup();
    const result = await generate({ id: 'p1', warn: true, run: true });
    expect(result).toMatchObject({
      id: 'p1',
      agent: 'bot',
      year: 2026,
      tool: { exitCode: 0, stdout: 'echo hello' },
    });
    expect(result.pid).not.toBe(process.pid);
    expect(warnings).toEqual(['warned about p1']);
    await expect(generate({ id: 'p2', mutate: true })).rejects.toThrow(
      /not extensible|read.only|Cannot assign/i,
    );
  });

  it('keeps a process for the next call, and replaces one cut off by its time limit', async () => {
    const { generate } = setup();
    expect((await generate({ id: 'a' })).calls).toBe(1);
    expect((await generate({ id: 'b' })).calls).toBe(2);
    // The plugin's own error is an answer: its process is kept too.
    await expect(generate({ id: 'c', throws: true })).rejects.toThrow('boom in c');
    expect((await generate({ id: 'd' })).calls).toBe(4);
    await expect(generate({ id: 'spin', spin: true }, 1500)).rejects.toThrow('timed out after 1500 ms');
    // The stuck process was killed: a fresh one starts counting again.
    expect((await generate({ id: 'e' })).calls).toBe(1);
  });

  it('gives concurrent calls their own processes: one cut off does not take the other with it', async () => {
    const { generate } = setup();
    const [slow, stuck] = await Promise.allSettled([
      generate({ id: 'slow', waitMs: 400 }),
      generate({ id: 'stuck', spin: true }, 1500),
    ]);
    expect(slow).toMatchObject({ status: 'fulfilled', value: { id: 'slow', calls: 1 } });
    expect(stuck).toMatchObject({ status: 'rejected', reason: { message: 'timed out after 1500 ms' } });
  });

  it('reports a process that exits, a missing component and a missing method', async () => {
    const { ref, ctx, generate } = setup();
    await expect(generate({ id: 'x', exit: true })).rejects.toThrow(
      'its process ended (exit code 3) before generate() returned',
    );
    await expect(
      callInPluginProcess(ref('c/none'), { method: 'generate', args: [{}], ctx }, 5000),
    ).rejects.toThrow(/c\/none is gone when .*plugin\.mjs is loaded again/);
    await expect(
      callInPluginProcess(ref('c/strategy', 'strategies'), { method: 'nothing', args: [], ctx }, 5000),
    ).rejects.toThrow('c/strategy has no nothing() function');
  });

  it('gives the plugin no write access, no child process and no signals; kv1nt is left alone', async () => {
    const { dir, generate } = setup();
    const target = path.join(dir, 'store.json');
    fs.writeFileSync(target, '{"intact":true}');
    await expect(generate({ id: 'w', write: target })).rejects.toThrow(
      /Access to this API has been restricted \(FileSystemWrite .*store\.json\): kv1nt runs plugins with read-only file access/,
    );
    expect(fs.readFileSync(target, 'utf8')).toBe('{"intact":true}');
    await expect(generate({ id: 's', spawn: true })).rejects.toThrow(
      /Access to this API has been restricted/,
    );
    await expect(generate({ id: 'k', signal: true })).rejects.toThrow('a kv1nt plugin may not send signals');
  });

  it("lets a strategy's apply write in its sandbox folder and nowhere else", async () => {
    const { dir, ref, ctx } = setup();
    const sandbox = path.join(dir, 'sandbox', 'tree');
    fs.mkdirSync(sandbox, { recursive: true });
    const outside = path.join(dir, 'outside.txt');
    await expect(
      callInPluginProcess(
        ref('c/strategy', 'strategies'),
        { method: 'apply', args: [{ outside }, sandbox], ctx },
        5000,
        sandbox,
      ),
    ).rejects.toThrow(/FileSystemWrite .*outside\.txt/);
    expect(fs.readFileSync(path.join(sandbox, 'inside.txt'), 'utf8')).toBe('ok');
    expect(fs.existsSync(outside)).toBe(false);
  });

  it('keeps at most 100 warnings of one call', async () => {
    const { generate, warnings } = setup();
    await generate({ id: 'many', warnMany: true });
    expect(warnings).toHaveLength(101);
    expect(warnings.at(-1)).toBe('50 more warnings were left out (limit: 100 per call)');
  });

  it('reads ctx.feedback from the log in the plugin process, only when the plugin reads it', async () => {
    const { ref, ctx } = setup();
    const home = path.join(tempDir(), 'data');
    const kv1nt = createKv1nt({ dataDir: home });
    await kv1nt.recordSuccess('bot', 'op-1');
    await kv1nt.recordSuccess('other', 'op-2');
    await kv1nt.recordFailure('bot', 'op-3', 'Timeout');
    let hostReads = 0;
    let reported = 0;
    const detect = (metrics: Record<string, unknown>) => {
      const detectorCtx: HostContext & Record<string, unknown> = {
        ...ctx,
        metrics,
        get feedback() {
          hostReads += 1;
          return [];
        },
        [FEEDBACK_WINDOW]: { dataDir: home, agentId: 'bot', from: 0, to: Date.now() },
        // The plugin process says when it reads the window (analyze then makes column sidecars).
        [FEEDBACK_READ]: () => (reported += 1),
      };
      return callInPluginProcess(
        ref('c/detector', 'detectors'),
        { method: 'detect', args: [], itemNoun: 'finding', ctx: detectorCtx },
        5000,
      );
    };
    expect((await detect({})).value).toEqual([{ title: 'not read', evidence: {} }]);
    expect(reported).toBe(0);
    expect((await detect({ readFeedback: true })).value).toEqual([
      { title: 'read', evidence: { ids: ['op-1', 'op-3'], frozen: true } },
    ]);
    expect(hostReads).toBe(0);
    expect(reported).toBe(1);
  });

  it('gives the plugin process a young generation that holds a big window, so reading it needs no scavenge', async () => {
    const dir = tempDir({
      'heap.mjs': `import v8 from 'node:v8';
        export default { apiVersion: 1, name: 'heap', detectors: [{ id: 'heap/d', type: 'code_smell', description: '',
          detect: () => [{ title: 'heap', description: '', evidence: { newSpace: v8.getHeapSpaceStatistics()
            .find((space) => space.space_name === 'new_space').space_size } }] }] };`,
    });
    const { ctx } = setup();
    const answer = await callInPluginProcess(
      { modulePath: path.join(dir, 'heap.mjs'), kind: 'detectors', id: 'heap/d' },
      { method: 'detect', args: [], itemNoun: 'finding', ctx },
      5000,
    );
    const [finding] = answer.value as Array<{ evidence: { newSpace: number } }>;
    // Node's default starts at 1 MiB (16 MiB at most): a window of 333 k entries was copied by
    // scavenge after scavenge, a third of the read's time.
    expect(finding!.evidence.newSpace).toBeGreaterThanOrEqual(64 * 1024 * 1024);
  });

  it('sends a bounded result: an action holding a function is left out with a note', async () => {
    const { ref, ctx } = setup();
    const answer = await callInPluginProcess(
      ref('c/strategy', 'strategies'),
      { method: 'plan', args: [{}], ctx, itemNoun: 'action' },
      5000,
    );
    expect(answer).toEqual({
      value: [],
      notes: ['action 0 was left out: it holds a function; only JSON data crosses'],
    });
  });
});

describe('describeInPluginProcess', () => {
  it('describes the plugin as data: functions as markers, nothing run in this process', async () => {
    const { ref } = setup();
    const described = (await describeInPluginProcess(ref().modulePath, 5000)) as Record<string, unknown>;
    expect(described).toMatchObject({
      apiVersion: 1,
      name: 'counting',
      learningGenerators: [{ id: 'c/gen', patternTypes: ['failure'], generate: { 'kv1nt:function': true } }],
      strategies: [{ id: 'c/strategy', handles: ['error_pattern'], plan: { 'kv1nt:function': true } }],
    });
  });

  it('reports a module that exits, spins or never settles at the top level', async () => {
    const dir = tempDir({
      'exit.mjs': 'process.exit(0);',
      'spin.mjs': 'while (true) {}',
      'tla.mjs': 'await new Promise(() => {}); export default {};',
    });
    await expect(describeInPluginProcess(path.join(dir, 'exit.mjs'), 5000)).rejects.toThrow(
      'its process ended (exit code 0) before the module was loaded',
    );
    await expect(describeInPluginProcess(path.join(dir, 'spin.mjs'), 1500)).rejects.toThrow(
      'timed out after 1500 ms',
    );
    await expect(describeInPluginProcess(path.join(dir, 'tla.mjs'), 1500)).rejects.toThrow(
      'timed out after 1500 ms',
    );
  });
});
