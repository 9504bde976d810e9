import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kv1nt, snapshot, tempDir } from '../helpers/cli.js';

/** Two agents with feedback, imported into a fresh data dir; the CLI runs in `dir`. */
function recorded() {
  const dir = tempDir();
  const data = path.join(dir, 'data');
  const lines = [
    ...[100, 200, 300].map((ms, i) => ({
      agentId: 'bot',
      operationId: `ok-${i}`,
      type: 'success',
      durationMs: ms,
    })),
    { agentId: 'bot', operationId: 'f-1', type: 'failure', errorType: 'timeout' },
    { agentId: 'idle', operationId: 'q-1', type: 'quality_score', score: 0.7, source: 'user' },
  ];
  fs.writeFileSync(path.join(dir, 'history.jsonl'), lines.map((line) => JSON.stringify(line)).join('\n'));
  expect(kv1nt(data, ['feedback', 'import', 'history.jsonl'], { cwd: dir }).code).toBe(0);
  return { dir, data, cli: (args: string[]) => kv1nt(data, args, { cwd: dir }) };
}

describe('kv1nt report', () => {
  it('writes kv1nt-report.html in the current folder and says where', () => {
    const { dir, cli } = recorded();
    const run = cli(['report']);
    expect(run.code, run.stderr).toBe(0);
    const file = path.join(dir, 'kv1nt-report.html');
    const bytes = fs.statSync(file).size;
    expect(run.stdout.trim()).toBe(
      `Wrote the report of 2 agent(s) over 30 day(s) to ${file} (${bytes} bytes).`,
    );
    const html = fs.readFileSync(file, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<h2>Agent <code>bot</code></h2>');
    expect(html).toContain('<h2>Agent <code>idle</code></h2>');
    // Self-contained: no URL to load anything from.
    expect(html).not.toMatch(/\b(src|href)="(?!#)/);
  });

  it('replaces --output atomically and gives {file, agents, bytes} with --json', () => {
    const { dir, cli } = recorded();
    const out = path.join(dir, 'site', 'bot.html');
    fs.mkdirSync(path.dirname(out));
    fs.writeFileSync(out, 'stale');
    const run = cli(['report', 'bot', '--days', '7', '--output', 'site/bot.html', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json()).toEqual({ file: out, agents: ['bot'], bytes: fs.statSync(out).size });
    expect(fs.readFileSync(out, 'utf8')).toContain('The last 7 day(s)');
    expect(fs.readFileSync(out, 'utf8')).not.toContain('<code>idle</code>');
    // Only the file itself: the temporary file it was written through is gone.
    expect(fs.readdirSync(path.dirname(out))).toEqual(['bot.html']);
  });

  it('refuses bad input with exit 2, naming it, and writes nothing', () => {
    const { dir, cli } = recorded();
    fs.mkdirSync(path.join(dir, 'a-folder'));
    const before = snapshot(dir);
    const cases: Array<[string[], RegExp]> = [
      [['report', 'nosuch'], /nosuch/],
      [['report', 'bot', '--all'], /agent id or --all/],
      [['report', '--days', '0'], /days/],
      [['report', '--output', 'missing/report.html'], /folder .*missing does not exist/],
      [['report', '--output', 'a-folder'], /a-folder: it is a folder/],
    ];
    for (const [args, message] of cases) {
      const run = cli(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).toMatch(message);
    }
    expect(snapshot(dir)).toEqual(before);
  });
});
