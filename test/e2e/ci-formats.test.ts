import fs from 'node:fs';
import path from 'node:path';
import { parse, type TestSuites } from 'junit2json';
import { describe, expect, it } from 'vitest';
import { kv1nt, tempDir } from '../helpers/cli.js';
import { timeoutHistory } from '../helpers/feedback-entry.js';

/** `bot`: twenty timeouts and ten successes over the last day (health low, a HIGH error pattern); `fine`: ten successes. */
function fleet() {
  const dir = tempDir();
  const data = path.join(dir, 'data');
  const lines = [...timeoutHistory('bot', 20, 10), ...timeoutHistory('fine', 0, 10)];
  const file = path.join(dir, 'history.jsonl');
  fs.writeFileSync(file, lines.map((line) => JSON.stringify(line)).join('\n'));
  const cli = (args: string[], env: Record<string, string | undefined> = {}) => kv1nt(data, args, { env });
  expect(cli(['feedback', 'import', file]).code).toBe(0);
  return { dir, cli };
}

describe('kv1nt analyze --format', () => {
  it('junit: a testsuite per agent, the health check and each HIGH/CRITICAL opportunity a failure', async () => {
    const { cli } = fleet();
    const run = cli(['analyze', '--all', '--fail-under', '70', '--format', 'junit']);
    expect(run.code, run.stderr).toBe(1);
    const report = (await parse(run.stdout)) as TestSuites;
    const suites = report.testsuite ?? [];
    expect(suites.map((s) => s.name)).toEqual(['kv1nt.bot', 'kv1nt.fine']);
    const bot = suites[0]!;
    const fine = suites[1]!;
    const failed = (bot.testcase ?? []).filter((c) => c.failure !== undefined);
    // The health (33.3 < 70) and the HIGH error pattern fail; nothing of `fine` does.
    expect(failed.map((c) => c.failure![0]!.type)).toEqual(['health', 'HIGH']);
    expect(failed[0]!.name).toBe('health ≥ 70 (--fail-under)');
    expect(bot.failures).toBe(2);
    expect(bot.tests).toBe((bot.testcase ?? []).length);
    expect(fine).toMatchObject({ tests: 1, failures: 0 });
    expect(fine.testcase![0]!.failure).toBeUndefined();
    expect(report.failures).toBe(2);
    expect(report.tests).toBe(bot.tests! + fine.tests!);
  });

  it('junit without --fail-under measures the health against the pre-push minHealth', async () => {
    const { cli } = fleet();
    const run = cli(['analyze', 'fine', '--format', 'junit']);
    expect(run.code, run.stderr).toBe(0);
    const report = (await parse(run.stdout)) as TestSuites;
    expect(report.testsuite![0]!.testcase![0]!.name).toMatch(/^health ≥ \d+ \(hooks\.pre-push\.minHealth\)$/);
  });

  it('markdown: a table per agent with health, trend and the top opportunities', () => {
    const { cli } = fleet();
    const run = cli(['analyze', '--all', '--format', 'markdown']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.match(/^### kv1nt: (\w+)$/gm)).toEqual(['### kv1nt: bot', '### kv1nt: fine']);
    expect(run.stdout).toMatch(/^\| health \| trend \| entries \| window \|$/m);
    expect(run.stdout).toMatch(/^\| HIGH \| error_pattern \| .+ \|$/m);
  });

  it('appends the markdown to GITHUB_STEP_SUMMARY with --fail-under: two runs, two blocks', () => {
    const { dir, cli } = fleet();
    const summary = path.join(dir, 'step-summary.md');
    fs.writeFileSync(summary, '# earlier step\n');
    const env = { GITHUB_STEP_SUMMARY: summary };
    expect(cli(['analyze', 'fine', '--fail-under', '50'], env).code).toBe(0);
    expect(cli(['analyze', 'bot', '--fail-under', '50', '--json'], env).code).toBe(1);
    const text = fs.readFileSync(summary, 'utf8');
    expect(text.startsWith('# earlier step\n')).toBe(true);
    expect(text.match(/^### kv1nt: \w+$/gm)).toEqual(['### kv1nt: fine', '### kv1nt: bot']);
    expect(text).toMatch(/❌ under 50/);
    // Without --fail-under nothing is appended.
    expect(cli(['analyze', 'fine'], env).code).toBe(0);
    expect(fs.readFileSync(summary, 'utf8')).toBe(text);
  });

  it('refuses --json with another --format, and neither agent nor --all (exit 2)', () => {
    const { cli } = fleet();
    expect(cli(['analyze', 'bot', '--json', '--format', 'junit']).code).toBe(2);
    expect(cli(['analyze']).code).toBe(2);
    expect(cli(['analyze', 'bot', '--all']).code).toBe(2);
  });
});
