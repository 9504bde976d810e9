import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cliEnv, kv1nt, snapshot, tempDir } from '../helpers/cli.js';

const home = () => path.join(tempDir(), 'data');
const DAY = 86_400_000;
const now = Date.now();
const at = (daysAgo: number) => new Date(now - daysAgo * DAY).toISOString();

/** A varied history: two agents, every kind of field, timestamps out of storage order. */
function history(): string {
  return [
    { agentId: 'a1', operationId: 'op-1', type: 'success', durationMs: 120, timestamp: at(3) },
    {
      agentId: 'a1',
      operationId: 'op-2',
      type: 'failure',
      errorType: 'timeout',
      message: 'took "30s", gave up',
      timestamp: at(1),
    },
    { agentId: 'a2', operationId: 'op-3', type: 'user_rating', rating: 4, source: 'user', timestamp: at(2) },
    {
      agentId: 'a2',
      operationId: 'op-4',
      type: 'quality_score',
      score: 0.5,
      details: { note: 'a,b\nc' },
      metrics: { memoryMb: 512 },
      timestamp: at(5),
    },
  ]
    .map((line) => JSON.stringify(line))
    .join('\n');
}

describe('feedback list', () => {
  it('lists newest first, filtered, as whole entries with --json', () => {
    const data = home();
    expect(kv1nt(data, ['feedback', 'import', '-'], { input: history() }).code).toBe(0);
    const all = kv1nt(data, ['feedback', 'list', '--json']);
    expect(all.code).toBe(0);
    const entries = all.json<Array<Record<string, unknown>>>();
    expect(entries.map((e) => e.operationId)).toEqual(['op-2', 'op-3', 'op-1', 'op-4']);
    expect(entries[0]).toEqual({
      id: expect.stringMatching(/^fb_[0-9a-f]{32}$/) as unknown,
      agentId: 'a1',
      operationId: 'op-2',
      type: 'failure',
      score: 0,
      source: 'agent',
      timestamp: at(1),
      recordedAt: expect.any(String) as unknown,
      errorType: 'timeout',
      message: 'took "30s", gave up',
    });
    const ops = (args: string[]) =>
      kv1nt(data, ['feedback', 'list', ...args, '--json'])
        .json<Array<{ operationId: string }>>()
        .map((e) => e.operationId);
    expect(ops(['a2'])).toEqual(['op-3', 'op-4']);
    expect(ops(['--type', 'failure'])).toEqual(['op-2']);
    expect(ops(['--source', 'user'])).toEqual(['op-3']);
    expect(ops(['--error-type', 'timeout'])).toEqual(['op-2']);
    expect(ops(['--operation', 'op-4'])).toEqual(['op-4']);
    expect(ops(['--since', '4d', '--until', at(1.5)])).toEqual(['op-3', 'op-1']);
    expect(ops(['--limit', '1'])).toEqual(['op-2']);
    const text = kv1nt(data, ['feedback', 'list', 'a1']);
    expect(text.stdout.split('\n')[0]).toMatch(
      /^time\s+agent\s+operation\s+type\s+score\s+source\s+duration\s+error$/,
    );
    expect(text.stdout).toMatch(/a1\s+op-2\s+failure\s+0\s+agent\s+timeout/);
  });

  it('refuses a bad filter by name (exit 2)', () => {
    const data = home();
    for (const [args, message] of [
      [['--type', 'nope'], /type must be one of success/],
      [['--since', 'yesterday'], /since "yesterday" is neither an ISO-8601 time/],
      [['--since', '1d', '--until', '3d'], /is after until/],
      [['../x'], /Invalid agent id/],
    ] as const) {
      const result = kv1nt(data, ['feedback', 'list', ...args, '--json']);
      expect(result.code, result.stdout).toBe(2);
      expect(result.json<{ error: { message: string } }>().error.message).toMatch(message);
    }
  });
});

describe('feedback export', () => {
  it('round trip: export → import into a new data dir → export again, byte for byte; again on the same dir adds nothing', () => {
    const data = home();
    kv1nt(data, ['feedback', 'import', '-'], { input: history() });
    kv1nt(data, ['feedback', 'success', 'a3', 'live', '--duration-ms', '7']);
    const dir = tempDir();
    const file = path.join(dir, 'all.jsonl');
    const exported = kv1nt(data, ['feedback', 'export', '--output', file, '--json']);
    expect(exported.json()).toEqual({ output: file, format: 'jsonl', entries: 5 });
    expect(fs.readdirSync(dir)).toEqual(['all.jsonl']);
    const stdout = kv1nt(data, ['feedback', 'export']).stdout;
    expect(stdout).toBe(fs.readFileSync(file, 'utf8'));

    const again = kv1nt(data, ['feedback', 'import', file, '--json']);
    expect(again.json()).toMatchObject({ imported: 0, duplicates: 5, agents: {} });
    expect(kv1nt(data, ['feedback', 'export']).stdout).toBe(stdout);

    const copy = home();
    const imported = kv1nt(copy, ['feedback', 'import', file, '--json']);
    expect(imported.json()).toEqual({
      imported: 5,
      duplicates: 0,
      skipped: 0,
      invalidLines: [],
      agents: { a1: 2, a2: 2, a3: 1 },
      from: at(5),
      to: expect.any(String) as unknown,
    });
    expect(kv1nt(copy, ['feedback', 'export']).stdout).toBe(stdout);
    expect(kv1nt(copy, ['summary', 'a2', '--json']).json()).toEqual(
      kv1nt(data, ['summary', 'a2', '--json']).json(),
    );
  });

  it('writes CSV with the documented columns and RFC 4180 quoting', () => {
    const data = home();
    kv1nt(data, ['feedback', 'import', '-'], { input: history() });
    const csv = kv1nt(data, ['feedback', 'export', 'a2', '--format', 'csv']).stdout;
    const rows = csv.split('\r\n');
    expect(rows[0]).toBe(
      'id,timestamp,recordedAt,agentId,operationId,type,score,rating,source,durationMs,errorType,message,metrics,details',
    );
    expect(rows[1]).toMatch(/^fb_\w+,[^,]+,[^,]+,a2,op-3,user_rating,0\.75,4,user,,,,,$/);
    expect(rows[2]).toMatch(
      /,a2,op-4,quality_score,0\.5,,agent,,,,"{""memoryMb"":512}","{""note"":""a,b\\nc""}"$/,
    );
    expect(rows[3]).toBe('');
    expect(rows).toHaveLength(4);
  });

  it('filters by agent and time, and refuses --json without --output', () => {
    const data = home();
    kv1nt(data, ['feedback', 'import', '-'], { input: history() });
    const lines = kv1nt(data, ['feedback', 'export', 'a1', '--since', '2d']).stdout.trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { operationId: string }).operationId)).toEqual(['op-2']);
    const refused = kv1nt(data, ['feedback', 'export', '--json']);
    expect(refused.code).toBe(2);
    expect(refused.json<{ error: { message: string } }>().error.message).toMatch(/--json needs --output/);
  });
});

describe('feedback import: duplicates, malformed lines, summary', () => {
  it('counts ids stored already and ids repeated in the file; prints a per-agent and date summary', () => {
    const data = home();
    kv1nt(data, ['feedback', 'import', '-'], { input: history() });
    const file = path.join(tempDir(), 'e.jsonl');
    kv1nt(data, ['feedback', 'export', 'a1', '--output', file]);
    const [first] = fs.readFileSync(file, 'utf8').split('\n');
    const fresh = JSON.stringify({ agentId: 'a9', operationId: 'new', type: 'success', timestamp: at(7) });
    const input = `${fs.readFileSync(file, 'utf8')}${fresh}\n${first}\n`;
    const result = kv1nt(data, ['feedback', 'import', '-'], { input });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(''); // no progress line without a terminal
    expect(result.stdout).toBe(
      `Imported 1 entry (3 duplicates skipped).\nDates: ${at(7)} → ${at(7)}\n\nagent  entries\na9     1\n`,
    );
  });

  it('malformed lines: nothing written without --skip-invalid, counted with it', () => {
    const data = home();
    kv1nt(data, ['feedback', 'success', 'a', 'op']);
    const before = snapshot(data);
    const input = `${history()}\n{"agentId":"a","operationId":"x","type":"failure","score":0.5}\nnot json\n`;
    const refused = kv1nt(data, ['feedback', 'import', '-', '--json'], { input });
    expect(refused.code).toBe(2);
    expect(
      refused
        .json<{ error: { invalidLines: Array<{ line: number }> } }>()
        .error.invalidLines.map((l) => l.line),
    ).toEqual([5, 6]);
    expect(snapshot(data)).toEqual(before);
    const skipped = kv1nt(data, ['feedback', 'import', '-', '--skip-invalid', '--json'], { input });
    expect(skipped.code).toBe(1);
    expect(skipped.json()).toMatchObject({
      imported: 4,
      skipped: 2,
      duplicates: 0,
      agents: { a1: 2, a2: 2 },
    });
  });
});

/** 2 M lines of plausible feedback, written fast (template strings, 8 MiB at a time). */
function writeLines(file: string, count: number): void {
  const fd = fs.openSync(file, 'w');
  // Half a day inside `summary --days 30`, whose window starts at an hour: a test that crossed an
  // hour (it takes a minute) otherwise lost the first hour's entries from the count.
  const start = now - 29.5 * DAY;
  let chunk: string[] = [];
  for (let i = 0; i < count; i++) {
    const timestamp = new Date(start + Math.floor((i * 29 * DAY) / count)).toISOString();
    chunk.push(
      i % 10 === 0
        ? `{"agentId":"agent-${i % 5}","operationId":"op-${i % 1000}","type":"failure","errorType":"timeout","message":"upstream took too long","durationMs":${3000 + (i % 500)},"timestamp":"${timestamp}"}\n`
        : `{"agentId":"agent-${i % 5}","operationId":"op-${i % 1000}","type":"success","durationMs":${100 + (i % 900)},"metrics":{"memoryMb":${100 + (i % 50)}},"timestamp":"${timestamp}"}\n`,
    );
    if (chunk.length === 50_000) {
      fs.writeSync(fd, chunk.join(''));
      chunk = [];
    }
  }
  fs.writeSync(fd, chunk.join(''));
  fs.closeSync(fd);
}

/** Runs a command to its end without blocking the event loop; its exit status and output. */
function spawned(
  command: string,
  args: string[],
  home: string,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: cliEnv(home), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('feedback import: 2 M lines', () => {
  it('imports them in bounded memory (peak RSS under 300 MB), all of them', async () => {
    const dir = tempDir();
    const data = path.join(dir, 'data');
    const file = path.join(dir, 'big.jsonl');
    writeLines(file, 2_000_000);
    try {
      // /usr/bin/time -v reports the child's peak resident set size. Spawned without blocking:
      // the test worker must keep answering its runner during the minutes this takes.
      const run = await spawned(
        '/usr/bin/time',
        ['-v', process.execPath, BIN, 'feedback', 'import', file, '--json'],
        data,
      );
      expect(run.status, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({
        imported: 2_000_000,
        duplicates: 0,
        skipped: 0,
        agents: {
          'agent-0': 400_000,
          'agent-1': 400_000,
          'agent-2': 400_000,
          'agent-3': 400_000,
          'agent-4': 400_000,
        },
      });
      const peakKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(run.stderr)?.[1]);
      expect(peakKb).toBeGreaterThan(0);
      expect(peakKb / 1024).toBeLessThan(300);
      const summary = kv1nt(data, ['summary', 'agent-0', '--days', '30', '--json']).json<{ total: number }>();
      expect(summary.total).toBe(400_000);
    } finally {
      // 300 MB in and 300 MB of log: removed at once, not left for the suite's cleanup.
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 900_000);
});
