import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, kv1nt, kv1ntAsync, tempDir, writeFiles, type CliResult } from '../helpers/cli.js';

// `feedback success|failure|quality|rate|record` is recorded without oclif when bin/run.js's fast
// path (src/cli/fast-record) understands the whole line. KV1NT_FAST_RECORD=0 sends every line to
// oclif: each line runs both ways, in two data dirs, and must print, exit and store the same.

const FIXED = '2026-01-02T03:04:05.000Z';
const OCLIF = { KV1NT_FAST_RECORD: '0' };

/** A folder with a config declaring agent `bot`, and an empty data dir in it. */
function workspace(): { root: string; home: string } {
  const root = tempDir({
    '.kv1ntrc.json': JSON.stringify({ agents: { bot: { path: './bot', test: 'true' } } }),
    'bot/index.js': '',
    'alt.json': JSON.stringify({ agents: {} }),
  });
  return { root, home: path.join(root, 'data') };
}

/** Ids, clock times and the temp folder made comparable across the two runs. */
function normal(text: string, root: string): string {
  return text
    .replaceAll(root, '<root>')
    .replace(/fb_[0-9a-f]{32}/g, 'fb_<id>')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, (iso) => (iso === FIXED ? iso : '<now>'));
}

function outcome(run: CliResult, root: string) {
  return { code: run.code, stdout: normal(run.stdout, root), stderr: normal(run.stderr, root) };
}

/** The log's entries, in order (normalized). */
function stored(home: string, root: string): string[] {
  const folder = path.join(home, 'feedback', 'log');
  if (!fs.existsSync(folder)) return [];
  return fs
    .readdirSync(folder)
    .sort()
    .flatMap((file) => fs.readFileSync(path.join(folder, file), 'utf8').split('\n').slice(1))
    .filter((line) => line !== '')
    .map((line) => normal(line, root));
}

/** Runs every line both ways (side by side) and expects the same output, exit code and entries. */
async function expectSameBothWays(lines: string[][]): Promise<void> {
  const fast = workspace();
  const slow = workspace();
  for (const line of lines) {
    const args = (place: { root: string }) => [
      'feedback',
      ...line.map((arg) => arg.replace('{root}', place.root)),
    ];
    const [viaFast, viaOclif] = await Promise.all([
      kv1ntAsync(fast.home, args(fast)),
      kv1ntAsync(slow.home, args(slow), { env: OCLIF }),
    ]);
    expect({ line, ...outcome(viaFast, fast.root) }).toEqual({ line, ...outcome(viaOclif, slow.root) });
  }
  expect(stored(fast.home, fast.root)).toEqual(stored(slow.home, slow.root));
}

describe('the record fast path, side by side with oclif', () => {
  it('records every record command alike, as text and as JSON, in every flag form', async () => {
    await expectSameBothWays([
      ['success', 'bot', 'op-1'],
      ['success', 'bot', 'op-2', '--json'],
      ['success', '--score', '0.25', 'bot', 'op-3', '--duration-ms=1200', '--json'],
      [
        'success',
        'bot',
        'op 4',
        '--metric',
        'memoryMb=512',
        '--metric=cpuPercent=85',
        '--details',
        '{"task":"x"}',
      ],
      ['success', 'bot', 'op-5', '--source', 'user', '--timestamp', FIXED, '--message=a=b'],
      ['failure', 'bot', 'op-6', '--error-type', 'timeout', '--message', 'took 30s', '--json'],
      ['failure', '--json', 'bot', 'op-7', '--error-type=http_502'],
      ['quality', 'bot', 'op-8', '0.7', '--dimension', 'accuracy=0.9', '--dimension', 'brevity=0.5'],
      ['quality', 'bot', 'op-9', '.5', '--json'],
      ['rate', 'bot', 'op-10', '4', '--comment', 'to the point', '--json'],
      ['rate', 'bot', 'op-11', '1'],
      ['record', 'bot', 'op-12', '--type', 'coverage', '--score', '0.82', '--source', 'test'],
      ['record', 'bot', 'op-13', '--type=user_rating', '--rating', '5', '--json'],
      ['success', 'new-agent', 'tab\there \u200b \u001b[31mred', '--wide'],
      ['success', 'bot', 'op-14', '--data-dir', '{root}/other', '--json'],
      ['success', 'bot', 'op-15', '--config', '{root}/alt.json'],
    ]);
  });

  it('refuses bad values alike (exit 2, nothing written)', async () => {
    await expectSameBothWays([
      ['success', 'bot', 'op', '--score', '2'],
      ['success', 'bot', 'op', '--score', 'abc', '--json'],
      ['success', 'bot', 'op', '--score', '-1'],
      ['success', 'bot', 'op', '--score='],
      ['failure', 'bot', 'op', '--error-type', 'x', '--score', '0.5'],
      ['failure', 'bot', 'op', '--json'],
      ['quality', 'bot', 'op', '0.5', '--score', '0.4'],
      ['quality', 'bot', 'op', '1.5', '--dimension', 'a=2'],
      ['rate', 'bot', 'op', '9', '--json'],
      ['record', 'bot', 'op', '--type', 'nope'],
      ['success', '../x', 'op'],
      ['success', 'bot', 'op', '--metric', 'memoryMb'],
      ['success', 'bot', 'op', '--details', '[1]'],
      ['success', 'bot', 'op', '--timestamp', 'yesterday', '--json'],
    ]);
  });

  it('refuses a line that does not parse alike, and shows help alike', async () => {
    await expectSameBothWays([
      ['success', 'bot'],
      ['success', 'bot', 'op', 'extra'],
      ['success', 'bot', 'op', '--nope', 'x'],
      ['success', 'bot', 'op', '-s', '1'],
      ['success', 'bot', 'op', '--source', 'user', '--source', 'test'],
      ['success', 'bot', 'op', '--json', '--json'],
      ['success', 'bot', 'op', '--wide=true'],
      ['success', 'bot', 'op', '--config', '{root}/missing.json'],
      ['success', 'bot', 'op', '--', '--json'],
      ['success', 'bot', 'op', '--help'],
    ]);
  });

  it('reports a store error alike (exit 1), as text and as JSON', () => {
    const too = `${JSON.stringify({ format: 'kv1nt-feedback-log', schemaVersion: 99 })}\n`;
    const fast = workspace();
    const slow = workspace();
    for (const place of [fast, slow]) writeFiles(place.home, { 'feedback/log/000001.jsonl': too });
    for (const json of [[], ['--json']]) {
      const line = ['feedback', 'success', 'bot', 'op', ...json];
      const viaFast = kv1nt(fast.home, line);
      expect(viaFast.code).toBe(1);
      expect(outcome(viaFast, fast.root)).toEqual(outcome(kv1nt(slow.home, line, { env: OCLIF }), slow.root));
    }
  });
});

describe('which path a line takes', () => {
  /** The CommonJS files the run loaded (its require cache), by path relative to the repository. */
  function loaded(home: string, args: string[], env: Record<string, string> = {}) {
    const out = path.join(path.dirname(home), `probe-${Math.random().toString(36).slice(2)}.txt`);
    const probe = path.join(ROOT, 'test', 'fixtures', 'require-probe.mjs');
    const run = kv1nt(home, ['feedback', ...args], {
      env: { ...env, NODE_OPTIONS: `--import=${probe}`, PROBE_OUT: out },
    });
    const files = fs.readFileSync(out, 'utf8').split('\n');
    return {
      run,
      oclif: files.some((file) => file.includes(`${path.sep}@oclif${path.sep}`) || file.endsWith('cli.cjs')),
      fast: files.some((file) => file.endsWith(path.join('dist', 'record.cjs'))),
    };
  }

  it('records without loading oclif when the line is plain', () => {
    const { home } = workspace();
    for (const line of [
      ['success', 'bot', 'op-1'],
      ['failure', 'bot', 'op-2', '--error-type', 'timeout', '--json'],
      ['rate', 'bot', 'op-3', '5', '--comment=ok'],
    ]) {
      const { run, oclif, fast } = loaded(home, line);
      expect({ line, code: run.code, oclif, fast }).toEqual({ line, code: 0, oclif: false, fast: true });
    }
    expect(loaded(home, ['success', 'bot', 'op-4'], OCLIF)).toMatchObject({ oclif: true });
  });

  it('leaves help, unknown flags and refused input to oclif', () => {
    const { home, root } = workspace();
    for (const line of [
      ['success', 'bot', 'op', '--help'],
      ['success', 'bot', 'op', '--nope'],
      ['success', 'bot', 'op', '--score', '7'],
    ]) {
      const { oclif } = loaded(home, line);
      expect({ line, oclif }).toEqual({ line, oclif: true });
    }
    expect(stored(home, root)).toEqual([]);
  });

  it("steps aside for a user's oclif plugin, a JSON theme and JSON forced by the environment", () => {
    const { home } = workspace();
    const line = ['success', 'bot', 'op'];
    const withPlugin = workspace();
    // cliEnv puts oclif's dirs next to the data dir (KV1NT_DATA_DIR, KV1NT_CONFIG_DIR).
    writeFiles(`${withPlugin.home}.oclif/data`, {
      'package.json': JSON.stringify({ oclif: { plugins: [{ type: 'link', name: 'x', root: '/nowhere' }] } }),
    });
    expect(loaded(withPlugin.home, line).oclif).toBe(true);
    const withTheme = workspace();
    writeFiles(`${withTheme.home}.oclif/config`, { 'theme.json': JSON.stringify({ key: 'blue' }) });
    expect(loaded(withTheme.home, line).oclif).toBe(true);
    expect(loaded(home, line, { KV1NT_CONTENT_TYPE: 'json' }).oclif).toBe(true);
    // An uninstalled plugin leaves an empty list behind: the fast path again.
    writeFiles(`${home}.oclif/data`, { 'package.json': JSON.stringify({ oclif: { plugins: [] } }) });
    expect(loaded(home, line)).toMatchObject({ oclif: false, fast: true });
  });

  it('leaves an interrupted optimization to the full core, which recovers it first and records once', () => {
    const { home, root } = workspace();
    // A sandbox of a process that is gone (its pid is in its name; no owner.json): stale.
    const sandbox = path.join(home, 'sandboxes', 'sbx_999999999_dead');
    writeFiles(sandbox, { 'agent/file.txt': 'x' });
    const { run, oclif } = loaded(home, ['success', 'bot', 'op']);
    expect({ code: run.code, oclif }).toEqual({ code: 0, oclif: true });
    expect(fs.existsSync(sandbox)).toBe(false);
    expect(stored(home, root)).toHaveLength(1);
  });
});
