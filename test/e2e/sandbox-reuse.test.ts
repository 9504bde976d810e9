import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { project, readConfig, treeHash, type ResultJson } from '../helpers/agent-project.js';
import { tempDir } from '../helpers/cli.js';

/*
 * The baseline's copy of the agent folder is started with the command (it overlaps the analysis)
 * and removed unused when nothing is tried. It is the first trial's when the baseline tests left it
 * exactly as copied (one copy of a big node_modules less); a baseline that wrote anything into it
 * makes the first trial start from a fresh copy, so nothing the baseline wrote is ever kept.
 * The test command records the folder each run happens in: copies are counted, not timed.
 */

/** test.js: records its cwd in `log`, writes `out.txt` into it when `write`, passes when timeoutMs ≥ 3000. */
function recordingTest(log: string, write: boolean): string {
  return (
    `const fs = require('fs');\n` +
    `fs.appendFileSync(${JSON.stringify(log)}, process.cwd() + '\\n');\n` +
    (write ? `fs.writeFileSync('out.txt', String(Date.now()));\n` : '') +
    `const t = JSON.parse(fs.readFileSync('config.json', 'utf8')).timeoutMs;\n` +
    `process.exit(t >= 3000 ? 0 : 1);\n`
  );
}

function optimizeWith(write: boolean) {
  const log = path.join(tempDir(), 'runs.log');
  const p = project(recordingTest(log, write));
  const before = treeHash(p.bot);
  const run = p.cli(['optimize', 'bot', '--strategy', 'conservative', '--yes', '--json']);
  expect(run.code, run.stderr).toBe(0);
  const result = run.json<ResultJson>();
  const runs = fs.readFileSync(log, 'utf8').trim().split('\n');
  return { ...p, before, result, runs };
}

describe('optimize: the baseline sandbox serves the first trial', () => {
  it('a baseline that leaves its copy untouched: the first trial runs in that same copy, the next in a fresh one', () => {
    const { result, runs, bot } = optimizeWith(false);
    expect(result.status).toBe('applied');
    expect(result.actions.find((a) => a.type === 'param_tuning')?.attempts.length).toBeGreaterThan(1);
    expect(runs.length).toBeGreaterThan(2);
    // baseline, first trial: one folder; every later trial: a folder of its own.
    expect(runs[1]).toBe(runs[0]);
    expect(new Set(runs.slice(1)).size).toBe(runs.length - 1);
    expect(readConfig(bot).timeoutMs).toBeGreaterThanOrEqual(3000);
    expect(fs.existsSync(path.join(bot, 'out.txt'))).toBe(false);
  });

  it('a baseline that writes into its copy: the first trial gets a fresh copy, and nothing written is kept', () => {
    const { result, runs, bot, cli, before } = optimizeWith(true);
    expect(result.status).toBe('applied');
    expect(new Set(runs).size).toBe(runs.length);
    expect(fs.existsSync(path.join(bot, 'out.txt'))).toBe(false);
    const tuned = result.actions.find((a) => a.type === 'param_tuning')!;
    expect(tuned.changes).toEqual(['config.json']);
    expect(cli(['rollback', result.id]).code).toBe(0);
    expect(treeHash(bot)).toBe(before);
  });

  it('with nothing to try (HIGH actions, no approval), the copy started early is stopped and removed', () => {
    const log = path.join(tempDir(), 'runs.log');
    const p = project(recordingTest(log, false));
    const before = treeHash(p.bot);
    const run = p.cli(['optimize', 'bot', '--strategy', 'conservative', '--json']);
    expect(run.code, run.stderr).not.toBe(2);
    expect(run.json<ResultJson>().actions.every((a) => a.status === 'pending_approval')).toBe(true);
    expect(fs.existsSync(log)).toBe(false);
    expect(fs.readdirSync(path.join(p.data, 'sandboxes'))).toEqual([]);
    expect(treeHash(p.bot)).toBe(before);
  });
});
