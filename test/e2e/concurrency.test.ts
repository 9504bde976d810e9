import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, kv1nt, kv1ntAsync, tempDir } from '../helpers/cli.js';
import { loggedIds } from '../helpers/log.js';

const WRITER = path.join(ROOT, 'test/fixtures/api-writer.mjs');
const DIST = path.join(ROOT, 'dist/index.js');

function apiWriter(data: string, agent: string, count: number | 'forever', batch: number) {
  const child = spawn(process.execPath, [WRITER, DIST, data, agent, String(count), String(batch)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    done,
    acknowledged: () => stdout.split('\n').filter((line) => /^fb_[0-9a-f]{32}$/.test(line)),
    stderr: () => stderr,
  };
}

describe('several processes writing at once', () => {
  it('8 CLI processes recording in parallel lose nothing and duplicate nothing', async () => {
    const data = path.join(tempDir(), 'data');
    const perProcess = 4;
    const loops = Array.from({ length: 8 }, async (_, p) => {
      const ids: string[] = [];
      for (let i = 0; i < perProcess; i++) {
        const result = await kv1ntAsync(data, [
          'feedback',
          'success',
          `agent-${p % 3}`,
          `op-${p}-${i}`,
          '--json',
        ]);
        expect(result.code, result.stderr).toBe(0);
        ids.push(result.json<{ id: string }>().id);
      }
      return ids;
    });
    const acknowledged = (await Promise.all(loops)).flat();
    const logged = loggedIds(data);
    expect(logged.length).toBe(8 * perProcess);
    expect(new Set(logged)).toEqual(new Set(acknowledged));
    const totals = [0, 1, 2].map(
      (a) => kv1nt(data, ['summary', `agent-${a}`, '--json']).json<{ total: number }>().total,
    );
    expect(totals.reduce((s, t) => s + t, 0)).toBe(8 * perProcess);
  });

  it('API writers, CLI writers and summary readers at the same time', async () => {
    // api-0 is declared: a reader may ask for it before its first entry lands.
    const config = { agents: { 'api-0': { path: './agent', test: 'true' } } };
    const data = path.join(tempDir({ '.kv1ntrc.json': JSON.stringify(config), 'agent/.keep': '' }), 'data');
    const writers = [0, 1, 2, 3].map((i) => apiWriter(data, `api-${i}`, 400, 50));
    const cli = (async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++)
        ids.push(
          (
            await kv1ntAsync(data, ['feedback', 'failure', 'cli', `op-${i}`, '--error-type', 'x', '--json'])
          ).json<{ id: string }>().id,
        );
      return ids;
    })();
    const readers = (async () => {
      for (let i = 0; i < 4; i++) {
        const result = await kv1ntAsync(data, ['summary', 'api-0', '--json']);
        expect(result.code, result.stderr).toBe(0);
      }
    })();
    const results = await Promise.all(writers.map((w) => w.done));
    for (const [i, result] of results.entries()) expect(result.code, writers[i]!.stderr()).toBe(0);
    const cliIds = await cli;
    await readers;
    const acknowledged = [...writers.flatMap((w) => w.acknowledged()), ...cliIds];
    expect(acknowledged).toHaveLength(4 * 400 + 5);
    const logged = loggedIds(data);
    expect(logged).toHaveLength(acknowledged.length);
    expect(new Set(logged)).toEqual(new Set(acknowledged));
    expect(kv1nt(data, ['summary', 'api-3', '--json']).json()).toMatchObject({ total: 400 });
  });

  it('8 parallel agents add calls all land in the lowdb registry', async () => {
    const dir = tempDir({ 'agent/x': '' });
    const data = path.join(dir, 'data');
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        kv1ntAsync(data, ['agents', 'add', `bot-${i}`, '--path', path.join(dir, 'agent'), '--test', 'true']),
      ),
    );
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    const { agents } = kv1nt(data, ['agents', 'list', '--json']).json<{ agents: Array<{ id: string }> }>();
    expect(agents.map((a) => a.id).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `bot-${i}`).sort());
  });
});
