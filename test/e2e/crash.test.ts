import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, cliEnv, kv1nt, tempDir } from '../helpers/cli.js';
import { loggedIds } from '../helpers/log.js';

const WRITER = path.join(ROOT, 'test/fixtures/api-writer.mjs');
const DIST = path.join(ROOT, 'dist/index.js');

/** A project declaring `agentId`, its folder next to the data dir (one holding it is refused). */
function declaring(agentId: string): Record<string, string> {
  return {
    '.kv1ntrc.json': JSON.stringify({ agents: { [agentId]: { path: './agent', test: 'true' } } }),
    'agent/.keep': '',
  };
}

describe('kill -9 at any moment', () => {
  it('a writer killed mid-stream: every segment parses and every acknowledged record is there', async () => {
    // Declared, so that `summary` answers even when the first kill lands before any write.
    const data = path.join(tempDir(declaring('crashy')), 'data');
    const acknowledged: string[] = [];
    for (let round = 0; round < 8; round++) {
      const child = spawn(
        process.execPath,
        [WRITER, DIST, data, 'crashy', 'forever', String(1 + (round % 3) * 20)],
        { stdio: ['ignore', 'pipe', 'ignore'] },
      );
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      const closed = new Promise((resolve) => child.on('close', resolve));
      // Aimed inside the stream, whatever the machine's load: after the first acknowledged record.
      for (let waited = 0; !stdout.includes('\n') && waited < 20_000; waited += 10) await sleep(10);
      await sleep(Math.random() * 350);
      child.kill('SIGKILL');
      await closed;
      // Only complete lines were acknowledged (a half-printed id was not).
      acknowledged.push(...stdout.split('\n').filter((line) => /^fb_[0-9a-f]{32}$/.test(line)));
      const logged = new Set(loggedIds(data));
      for (const id of acknowledged) expect(logged.has(id)).toBe(true);
      const summary = kv1nt(data, ['summary', 'crashy', '--json']);
      expect(summary.code, summary.stderr).toBe(0);
      expect(summary.json<{ total: number }>().total).toBeGreaterThanOrEqual(acknowledged.length);
    }
    expect(acknowledged.length).toBeGreaterThan(0);
    // The next writer appends cleanly after whatever torn tail a kill left.
    expect(kv1nt(data, ['feedback', 'success', 'crashy', 'after', '--json']).code).toBe(0);
    const ids = loggedIds(data);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('an import killed half-way lands all or nothing, and leaves no temp file after the next write', async () => {
    const dir = tempDir(declaring('imp'));
    const data = path.join(dir, 'data');
    const file = path.join(dir, 'big.jsonl');
    const now = Date.now();
    fs.writeFileSync(
      file,
      Array.from({ length: 60_000 }, (_, i) =>
        JSON.stringify({
          agentId: 'imp',
          operationId: `op-${i}`,
          type: 'success',
          timestamp: new Date(now - i * 1000).toISOString(),
        }),
      ).join('\n'),
    );
    // Time one import to aim the kills inside it.
    const started = Date.now();
    expect(kv1nt(path.join(dir, 'probe'), ['feedback', 'import', file]).code).toBe(0);
    const duration = Date.now() - started;
    for (const fraction of [0.3, 0.6, 0.85]) {
      const child = spawn(process.execPath, [BIN, 'feedback', 'import', file], {
        env: cliEnv(data),
        stdio: 'ignore',
      });
      const closed = new Promise((resolve) => child.on('close', resolve));
      await sleep(duration * fraction);
      child.kill('SIGKILL');
      await closed;
      const total = kv1nt(data, ['summary', 'imp', '--days', '2', '--json']).json<{ total: number }>().total;
      expect(total % 60_000).toBe(0);
    }
    kv1nt(data, ['feedback', 'success', 'imp', 'after']);
    expect(fs.readdirSync(path.join(data, 'feedback/log')).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('a lock left by a killed process is broken, and agents.json always parses', async () => {
    const dir = tempDir({ 'agent/x': '' });
    const data = path.join(dir, 'data');
    for (let i = 0; i < 6; i++) {
      const child = spawn(
        process.execPath,
        [BIN, 'agents', 'add', `bot-${i}`, '--path', path.join(dir, 'agent'), '--test', 'true'],
        { env: cliEnv(data), stdio: 'ignore' },
      );
      const closed = new Promise((resolve) => child.on('close', resolve));
      await sleep(150 + i * 40);
      child.kill('SIGKILL');
      await closed;
      const file = path.join(data, 'agents.json');
      if (fs.existsSync(file))
        expect(() => JSON.parse(fs.readFileSync(file, 'utf8')) as unknown).not.toThrow();
    }
    // A lock file of a dead holder, planted by hand, is broken at once too.
    fs.mkdirSync(path.join(data, 'locks'), { recursive: true });
    fs.writeFileSync(
      path.join(data, 'locks/agents.lock'),
      JSON.stringify({
        pid: 2 ** 22 - 3,
        host: (await import('node:os')).hostname(),
        token: 'dead',
        since: new Date().toISOString(),
      }),
    );
    const started = Date.now();
    const result = kv1nt(data, [
      'agents',
      'add',
      'survivor',
      '--path',
      path.join(dir, 'agent'),
      '--test',
      'true',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(
      kv1nt(data, ['agents', 'list', '--json'])
        .json<{ agents: Array<{ id: string }> }>()
        .agents.map((a) => a.id),
    ).toContain('survivor');
  });

  it('a torn last line: the next write moves it aside and every complete record stays', () => {
    const data = path.join(tempDir(), 'data');
    for (let i = 0; i < 3; i++) kv1nt(data, ['feedback', 'success', 'torn', `op-${i}`]);
    const segment = path.join(data, 'feedback/log/000001.jsonl');
    fs.appendFileSync(segment, '{"id":"fb_half","agentId":"torn","oper');
    expect(kv1nt(data, ['summary', 'torn', '--json']).json()).toMatchObject({ total: 3 });
    expect(kv1nt(data, ['feedback', 'success', 'torn', 'op-3']).code).toBe(0);
    expect(fs.readFileSync(`${segment}.torn`, 'utf8')).toBe('{"id":"fb_half","agentId":"torn","oper\n');
    expect(loggedIds(data)).toHaveLength(4);
    expect(kv1nt(data, ['summary', 'torn', '--json']).json()).toMatchObject({ total: 4 });
  });
});
