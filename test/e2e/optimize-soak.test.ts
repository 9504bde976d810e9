import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cliEnv, kv1nt, tempDir } from '../helpers/cli.js';
import { processesWith, waitUntilNoneWith } from '../helpers/process.js';
import { learningsProject, treeHash, type ResultJson } from '../helpers/agent-project.js';

/*
 * The soak of issue 11: optimize with a two-action plan (tune timeoutMs in config.json; write the
 * learnings into LEARNINGS.md), killed (SIGKILL or SIGINT) 20 times, each kill aimed inside one
 * phase of the run — start-up and planning, each of the three test runs (baseline, then one per
 * action), the copies and applies between them, the end. The aim follows the run's own events
 * (the test writes when it starts and ends), so a busy machine shifts nothing. After each kill,
 * one kv1nt command (history, which recovers first) and then:
 *  - every store parses;
 *  - no process of the test is left (a marker in the test command's arguments, read from /proc);
 *  - the agent folder is the before tree with exactly the kept actions applied;
 *  - the result row lists exactly the actions whose transactions are applied;
 *  - rollback restores the pre-optimize folder byte for byte.
 */
const KILLS = 20;
const LANES = 2;
const TEST_MS = 150;
const APPLY_DELAY_MS = '60';

/** Writes `start`/`end` to $SOAK_EVENTS; keeps two children alive (one left the group) until killed. */
const TEST_JS = `const fs = require('fs');
const { spawn } = require('child_process');
const marker = process.argv[2];
fs.appendFileSync(process.env.SOAK_EVENTS, 'start ' + Date.now() + '\\n');
spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', marker], { stdio: 'ignore' });
spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', marker], { stdio: 'ignore', detached: true }).unref();
setTimeout(() => {
  fs.appendFileSync(process.env.SOAK_EVENTS, 'end ' + Date.now() + '\\n');
  process.exit(0);
}, ${TEST_MS});
`;

interface Template {
  dir: string;
  /** treeHash of the agent folder for each set of kept actions, by sorted action types. */
  expected: Map<string, string>;
  /** ms from spawn to each event, and to exit, of an uninterrupted run. */
  phases: { starts: number[]; ends: number[]; exit: number };
}

let template: Template;
const allMarkers: string[] = [];

afterAll(() => {
  for (const marker of allMarkers)
    for (const pid of processesWith(marker)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone.
      }
    }
});

/** A copy of the template project in a fresh folder, its test command carrying a marker of its own. */
function copyProject(): { dir: string; data: string; bot: string; marker: string; events: string } {
  const dir = tempDir();
  fs.cpSync(template.dir, dir, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
  const marker = `kv1nt-soak-${randomBytes(6).toString('hex')}`;
  allMarkers.push(marker);
  const rc = path.join(dir, '.kv1ntrc.json');
  const config = JSON.parse(fs.readFileSync(rc, 'utf8')) as { agents: { bot: { test: string } } };
  config.agents.bot.test = `node test.js ${marker}`;
  fs.writeFileSync(rc, JSON.stringify(config));
  return {
    dir,
    data: path.join(dir, 'data'),
    bot: path.join(dir, 'bot'),
    marker,
    events: path.join(dir, 'events'),
  };
}

function startOptimize(p: ReturnType<typeof copyProject>): { child: ChildProcess; exited: Promise<void> } {
  const child = spawn(process.execPath, [BIN, 'optimize', 'bot', '--strategy', 'conservative', '--yes'], {
    cwd: p.dir,
    env: cliEnv(p.data, { SOAK_EVENTS: p.events, KV1NT_TEST_APPLY_DELAY_MS: APPLY_DELAY_MS }),
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { child, exited };
}

function events(file: string): { starts: number[]; ends: number[] } {
  const lines = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n') : [];
  const of = (kind: string) =>
    lines.filter((l) => l.startsWith(`${kind} `)).map((l) => Number(l.split(' ')[1]));
  return { starts: of('start'), ends: of('end') };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `kind` number `index` was written, or the run ended; returns when it was written. */
async function eventOrExit(file: string, kind: 'starts' | 'ends', index: number, done: () => boolean) {
  for (;;) {
    const at = events(file)[kind][index];
    if (at !== undefined) return at;
    if (done()) return undefined;
    await sleep(5);
  }
}

function treeOf(dir: string, files: Record<string, string>): string {
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  return treeHash(dir);
}

beforeAll(async () => {
  const marker = `kv1nt-soak-${randomBytes(6).toString('hex')}`;
  allMarkers.push(marker);
  const p = learningsProject(TEST_JS, `node test.js ${marker}`);
  template = { dir: p.dir, expected: new Map(), phases: { starts: [], ends: [], exit: 0 } };

  // Calibration: one uninterrupted run of a copy, timed, and the folder of each kept set.
  const c = copyProject();
  const beforeFiles = {
    'config.json': fs.readFileSync(path.join(c.bot, 'config.json'), 'utf8'),
    'LEARNINGS.md': fs.readFileSync(path.join(c.bot, 'LEARNINGS.md'), 'utf8'),
  };
  const spawnedAt = Date.now();
  const { exited } = startOptimize(c);
  await exited;
  const exit = Date.now() - spawnedAt;
  const timeline = events(c.events);
  template.phases = {
    starts: timeline.starts.map((t) => t - spawnedAt),
    ends: timeline.ends.map((t) => t - spawnedAt),
    exit,
  };
  const run = kv1nt(c.data, ['history', 'bot', '--json'], { cwd: c.dir }).json<{ results: ResultJson[] }>();
  const result = run.results[0]!;
  expect(result.status).toBe('applied');
  expect(result.actions.map((a) => [a.type, a.status, a.changes])).toEqual([
    ['param_tuning', 'applied', ['config.json']],
    ['write_learnings', 'applied', ['LEARNINGS.md']],
  ]);
  expect(timeline.starts).toHaveLength(3);
  const after = {
    'config.json': fs.readFileSync(path.join(c.bot, 'config.json'), 'utf8'),
    'LEARNINGS.md': fs.readFileSync(path.join(c.bot, 'LEARNINGS.md'), 'utf8'),
  };
  const scratch = tempDir();
  fs.cpSync(c.bot, scratch, { recursive: true, verbatimSymlinks: true });
  const kept = (types: string[]) => types.sort().join('+');
  template.expected.set(kept(['param_tuning', 'write_learnings']), treeOf(scratch, after));
  template.expected.set(
    kept(['param_tuning']),
    treeOf(scratch, { ...beforeFiles, 'config.json': after['config.json'] }),
  );
  template.expected.set(
    kept(['write_learnings']),
    treeOf(scratch, { ...beforeFiles, 'LEARNINGS.md': after['LEARNINGS.md'] }),
  );
  template.expected.set(kept([]), treeOf(scratch, beforeFiles));
  expect(new Set(template.expected.values()).size).toBe(4);
}, 120_000);

/** Every JSON store and journal parses, and every line of the feedback log. */
function expectStoresParse(data: string): void {
  for (const entry of fs.readdirSync(data, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    if (entry.name.endsWith('.json'))
      expect(() => JSON.parse(fs.readFileSync(file, 'utf8')) as unknown, file).not.toThrow();
    if (entry.name.endsWith('.jsonl'))
      for (const line of fs.readFileSync(file, 'utf8').split('\n').filter(Boolean))
        expect(() => JSON.parse(line) as unknown, file).not.toThrow();
  }
}

/** The actions whose transactions are applied, per their journals' meta, for `resultId`. */
function appliedInJournals(data: string, resultId: string): string[] {
  const root = path.join(data, 'optimization', 'transactions');
  if (!fs.existsSync(root)) return [];
  const ids: string[] = [];
  for (const name of fs.readdirSync(root)) {
    const file = path.join(root, name, 'journal.json');
    if (!fs.existsSync(file)) continue;
    const journal = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      state: string;
      meta: { resultId: string; actions: string[] };
    };
    if (journal.state === 'applied' && journal.meta.resultId === resultId) ids.push(...journal.meta.actions);
  }
  return ids.sort();
}

/** Kill number `n`: aim at window n mod 7, wait for the run's event that opens it, kill at a random point inside. */
async function killOnce(n: number): Promise<string> {
  const p = copyProject();
  const before = treeHash(p.bot);
  expect(before).toBe(template.expected.get(''));
  const signal: NodeJS.Signals = n % 2 === 0 ? 'SIGKILL' : 'SIGINT';
  const window = n % 7;
  const { starts, ends, exit } = template.phases;
  const { child, exited } = startOptimize(p);
  let done = false;
  void exited.then(() => (done = true));
  const spawnedAt = Date.now();
  let opened: number | undefined = spawnedAt;
  let length = starts[0]!;
  if (window > 0) {
    const test = Math.floor((window - 1) / 2);
    const running = window % 2 === 1;
    opened = await eventOrExit(p.events, running ? 'starts' : 'ends', test, () => done);
    length = running ? ends[test]! - starts[test]! : (starts[test + 1] ?? exit) - ends[test]!;
  }
  if (opened !== undefined) await sleep(Math.max(0, opened + Math.random() * length - Date.now()));
  child.kill(signal);
  await exited;

  // The next command (history recovers first), then the invariants.
  const history = kv1nt(p.data, ['history', 'bot', '--json'], { cwd: p.dir });
  expect(history.code, history.stdout).toBe(0);
  expectStoresParse(p.data);
  expect(await waitUntilNoneWith(p.marker), `processes of run ${n} left`).toEqual([]);
  const sandboxes = path.join(p.data, 'sandboxes');
  expect(fs.existsSync(sandboxes) ? fs.readdirSync(sandboxes) : []).toEqual([]);
  const transactions = path.join(p.data, 'optimization', 'transactions');
  expect(
    fs.existsSync(transactions) ? fs.readdirSync(transactions).filter((f) => f.endsWith('.inflight')) : [],
  ).toEqual([]);

  const row = history.json<{ results: ResultJson[] }>().results[0];
  const kept = row ? row.actions.filter((a) => a.status === 'applied') : [];
  if (row) expect(kept.map((a) => a.id).sort()).toEqual(appliedInJournals(p.data, row.id));
  const keptTypes = kept.map((a) => a.type).sort();
  expect(treeHash(p.bot), `kept ${keptTypes.join('+') || 'nothing'}`).toBe(
    template.expected.get(keptTypes.join('+')),
  );
  if (kept.length > 0) {
    const undo = kv1nt(p.data, ['rollback', row!.id, '--json'], { cwd: p.dir });
    expect(undo.code, undo.stdout).toBe(0);
  }
  expect(treeHash(p.bot)).toBe(before);
  return `${signal}@w${window}:${keptTypes.length}`;
}

describe('soak: optimize killed at random moments of every phase', () => {
  it(`${KILLS} kills (SIGKILL and SIGINT): stores parse, no process left, the folder and the row agree, rollback restores`, async () => {
    const outcomes: string[] = [];
    await Promise.all(
      Array.from({ length: LANES }, async (_, lane) => {
        for (let n = lane; n < KILLS; n += LANES) outcomes.push(await killOnce(n));
      }),
    );
    expect(outcomes).toHaveLength(KILLS);
    // The kills landed on both sides of a kept change (the aim follows the run's own events).
    expect(
      outcomes.some((o) => o.endsWith(':0')),
      outcomes.join(' '),
    ).toBe(true);
    expect(
      outcomes.some((o) => !o.endsWith(':0')),
      outcomes.join(' '),
    ).toBe(true);
  }, 180_000);
});
