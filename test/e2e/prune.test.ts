import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cliEnv, kv1nt, snapshot, tempDir } from '../helpers/cli.js';
import { loggedIds } from '../helpers/log.js';

const DAY = 86_400_000;

interface Seed {
  agentId: string;
  operationId: string;
  ageMs: number;
}

/** Imports entries of the given ages (one import: one log segment). */
function seed(data: string, entries: readonly Seed[]): void {
  const now = Date.now();
  const lines = entries.map(({ agentId, operationId, ageMs }) =>
    JSON.stringify({ agentId, operationId, type: 'success', timestamp: new Date(now - ageMs).toISOString() }),
  );
  const file = path.join(tempDir({ 'seed.jsonl': `${lines.join('\n')}\n` }), 'seed.jsonl');
  expect(kv1nt(data, ['feedback', 'import', file]).code).toBe(0);
}

/** a1: 100, 40, 10 days and 2 hours old; a2: 100 days and 1 hour old. */
function history(): string {
  const data = path.join(tempDir(), 'data');
  seed(data, [
    { agentId: 'a1', operationId: 'old-1', ageMs: 100 * DAY },
    { agentId: 'a1', operationId: 'old-2', ageMs: 40 * DAY },
    { agentId: 'a1', operationId: 'mid', ageMs: 10 * DAY },
    { agentId: 'a1', operationId: 'new', ageMs: 2 * 3_600_000 },
    { agentId: 'a2', operationId: 'old', ageMs: 100 * DAY },
    { agentId: 'a2', operationId: 'new', ageMs: 3_600_000 },
  ]);
  return data;
}

const total = (data: string, agent: string) =>
  kv1nt(data, ['summary', agent, '--days', '3650', '--json']).json<{ total: number }>().total;

function operations(data: string): string[] {
  const dir = path.join(data, 'feedback/log');
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.jsonl'))
    .flatMap((name) => fs.readFileSync(path.join(dir, name), 'utf8').split('\n').slice(1, -1))
    .map((line) => JSON.parse(line) as { agentId: string; operationId: string })
    .map((entry) => `${entry.agentId}/${entry.operationId}`)
    .sort();
}

describe('kv1nt prune', () => {
  it('--dry-run counts per agent and changes nothing', () => {
    const data = history();
    expect(total(data, 'a1')).toBe(4);
    const before = snapshot(data);
    const dry = kv1nt(data, ['prune', '--older-than', '30d', '--dry-run', '--json']);
    expect(dry.code).toBe(0);
    expect(dry.json()).toEqual({
      cutoff: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as unknown,
      dryRun: true,
      removed: 3,
      agents: { a1: 2, a2: 1 },
    });
    expect(snapshot(data)).toEqual(before);
    const human = kv1nt(data, ['prune', '--older-than', '30d', '--dry-run']);
    expect(human.stdout).toMatch(
      /^Would delete 3 feedback entries of every agent older than .*\(dry run: nothing deleted\)\.\n {2}a1: 2\n {2}a2: 1\n$/,
    );
  });

  it('deletes what is older, keeps the rest, and the aggregates follow', () => {
    const data = history();
    const pruned = kv1nt(data, ['prune', '--older-than', '30d', '--yes', '--json']);
    expect(pruned.code).toBe(0);
    expect(pruned.json()).toMatchObject({ dryRun: false, removed: 3, agents: { a1: 2, a2: 1 } });
    expect(operations(data)).toEqual(['a1/mid', 'a1/new', 'a2/new']);
    expect(total(data, 'a1')).toBe(2);
    expect(total(data, 'a2')).toBe(1);
    // Nothing left that old: a second run deletes nothing.
    expect(kv1nt(data, ['prune', '--older-than', '30d', '--yes', '--json']).json()).toMatchObject({
      removed: 0,
    });
  });

  it('prunes one agent when named; an unknown one is refused', () => {
    const data = history();
    const pruned = kv1nt(data, ['prune', 'a2', '--older-than', '1w', '--yes', '--json']);
    expect(pruned.json()).toMatchObject({ removed: 1, agents: { a2: 1 } });
    expect(total(data, 'a1')).toBe(4);
    expect(total(data, 'a2')).toBe(1);
    const unknown = kv1nt(data, ['prune', 'a3', '--older-than', '1w', '--yes']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('a3');
  });

  it('never deletes the last 24 hours: 1d is the shortest age; shorter ones are refused', () => {
    const data = history();
    const before = snapshot(data);
    for (const age of ['12h', '0d', '0']) {
      const refused = kv1nt(data, ['prune', '--older-than', age, '--yes']);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/at least 1d|at least 1 day|did you mean 0d/);
    }
    expect(snapshot(data)).toEqual(before);
    expect(kv1nt(data, ['prune', '--older-than', '1d', '--yes', '--json']).json()).toMatchObject({
      removed: 4,
    });
    expect(operations(data)).toEqual(['a1/new', 'a2/new']);
  });

  it('refuses bad ages with a hint, and deleting without --yes off a terminal (exit 2, nothing written)', () => {
    const data = history();
    const before = snapshot(data);
    const months = kv1nt(data, ['prune', '--older-than', '6m', '--yes']);
    expect(months.code).toBe(2);
    expect(months.stderr).toContain('did you mean 6mo (months)?');
    const bare = kv1nt(data, ['prune', '--older-than', '90', '--yes']);
    expect(bare.stderr).toContain('did you mean 90d?');
    const unconfirmed = kv1nt(data, ['prune', '--older-than', '30d']);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain(
      'Not deleting without confirmation (3 feedback entries of every agent',
    );
    expect(unconfirmed.stderr).toContain('Add --yes to delete them, or --dry-run to count only.');
    expect(kv1nt(data, ['prune', '--older-than', '30d', '--json']).code).toBe(2);
    expect(snapshot(data)).toEqual(before);
  });

  it('kill -9 during a prune leaves whole segments and aggregates that match the log', async () => {
    const dir = tempDir();
    const source = path.join(dir, 'source');
    // Three segments of 3 000 entries each, half of them 100 days old (small: the kills are aimed).
    for (let batch = 0; batch < 3; batch++) {
      seed(
        source,
        Array.from({ length: 3_000 }, (_, i) => ({
          agentId: 'big',
          operationId: `b${batch}-${i % 2 === 0 ? 'old' : 'new'}-${i}`,
          ageMs: i % 2 === 0 ? 100 * DAY : 3_600_000 + i,
        })),
      );
    }
    const recent = operations(source).filter((op) => op.includes('-new-'));
    expect(recent).toHaveLength(4_500);
    // Aim each kill at a phase of the prune, seen from outside: the aggregates emptied, a segment
    // being rewritten (its temp file exists), the first segment replaced.
    const log = (data: string) => path.join(data, 'feedback/log');
    const inode = (file: string) => fs.statSync(file).ino;
    const moments: Record<
      string,
      (data: string, before: { aggregates: number; segment: number }) => boolean
    > = {
      'aggregates emptied': (data, before) =>
        fs.statSync(path.join(data, 'feedback/aggregates.json')).mtimeMs !== before.aggregates,
      'segment being rewritten': (data) => fs.readdirSync(log(data)).some((name) => name.endsWith('.tmp')),
      'first segment replaced': (data, before) =>
        inode(path.join(log(data), '000001.jsonl')) !== before.segment,
    };
    for (const [moment, reached] of Object.entries(moments)) {
      const data = path.join(dir, moment.replace(/ /g, '-'));
      fs.cpSync(source, data, { recursive: true });
      const before = {
        aggregates: fs.statSync(path.join(data, 'feedback/aggregates.json')).mtimeMs,
        segment: inode(path.join(log(data), '000001.jsonl')),
      };
      const child = spawn(process.execPath, [BIN, 'prune', '--older-than', '30d', '--yes'], {
        env: cliEnv(data),
        stdio: 'ignore',
      });
      let exited = false;
      const closed = new Promise((resolve) => child.on('close', resolve)).then(() => (exited = true));
      while (!exited && !reached(data, before)) await new Promise((resolve) => setImmediate(resolve));
      child.kill('SIGKILL');
      await closed;
      // Every segment parses; every recent entry is there once; each segment kept all its old
      // entries or none (a segment is rewritten whole, or not at all).
      expect(loggedIds(data).length).toBeGreaterThanOrEqual(4_500);
      const ops = operations(data);
      expect(ops.filter((op) => op.includes('-new-'))).toEqual(recent);
      for (let batch = 0; batch < 3; batch++) {
        const old = ops.filter((op) => op.startsWith(`big/b${batch}-old-`)).length;
        expect([0, 1_500]).toContain(old);
      }
      // The aggregates agree with the log, whatever moment the kill hit.
      expect(total(data, 'big')).toBe(ops.length);
      // Running it again finishes the job, and leaves no temp file behind.
      expect(kv1nt(data, ['prune', '--older-than', '30d', '--yes']).code).toBe(0);
      expect(operations(data)).toEqual(recent);
      expect(total(data, 'big')).toBe(4_500);
      expect(fs.readdirSync(path.join(data, 'feedback/log')).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    }
  });
});

describe('retention.days in the config', () => {
  it('each cycle deletes what is older before the agents’ turns, and reports it', () => {
    const data = history();
    fs.writeFileSync(
      path.join(path.dirname(data), '.kv1ntrc.json'),
      JSON.stringify({ retention: { days: 30 } }),
    );
    const cycle = kv1nt(data, ['cycle', 'a1', '--json']);
    expect(cycle.code).toBe(0);
    const report = cycle.json<{ cycles: Array<{ pruned: unknown; agents: Array<{ agentId: string }> }> }>();
    expect(report.cycles[0]!.pruned).toMatchObject({ dryRun: false, removed: 3, agents: { a1: 2, a2: 1 } });
    expect(report.cycles[0]!.agents.map((step) => step.agentId)).toEqual(['a1']);
    expect(operations(data)).toEqual(['a1/mid', 'a1/new', 'a2/new']);
    const human = kv1nt(data, ['cycle', 'a1']);
    expect(human.stdout).toMatch(/^Retention: deleted 0 feedback entries older than /);
  });

  it('is checked: under 1 day is a config error', () => {
    const data = history();
    fs.writeFileSync(
      path.join(path.dirname(data), '.kv1ntrc.json'),
      JSON.stringify({ retention: { days: 0 } }),
    );
    const cycle = kv1nt(data, ['cycle', 'a1']);
    expect(cycle.code).toBe(2);
    expect(cycle.stderr).toContain('days must be at least 1');
  });
});
