import { describe, expect, it } from 'vitest';
import { projectIn, testWhen } from '../helpers/agent-project.js';
import { kv1nt, tempDir } from '../helpers/cli.js';
import { kv1ntOnTerminal, type Screen } from '../helpers/pty.js';

/** oclif's spinner frames (cli-spinners' dots2): none may stay on a finished screen. */
const SPINNER = /[⣾⣽⣻⢿⡿⣟⣯⣷]/;
/** A progress line: `label...`, then its outcome once the step is over. */
const PROGRESS = /\.\.\.( |$)/;

/**
 * Asserts the screen a person sees at the end: no spinner frame, no step left open, no progress
 * line wrapped, and each table (from its heading, `tables`, to the next blank line) within the width.
 */
function expectClean(screen: Screen, tables: RegExp[] = []) {
  const shown = screen.lines.join('\n');
  expect(screen.lines.filter((line) => SPINNER.test(line))).toEqual([]);
  expect(screen.lines.filter((line) => /\.\.\.$/.test(line))).toEqual([]);
  const overflow = (y: number) => screen.wrapped[y + 1] === true;
  expect(
    screen.lines.filter((line, y) => PROGRESS.test(line) && overflow(y)),
    shown,
  ).toEqual([]);
  for (const heading of tables) {
    const start = screen.lines.findIndex((line) => heading.test(line));
    expect(start, `no table ${heading}\n${shown}`).toBeGreaterThanOrEqual(0);
    const length = screen.lines.slice(start).findIndex((line) => line === '');
    const rows = screen.lines.slice(start, length === -1 ? undefined : start + length);
    expect(rows.length).toBeGreaterThan(1);
    expect(
      rows.filter((_, i) => overflow(start + i)),
      shown,
    ).toEqual([]);
  }
}

/** `bot` with a long-winded recurring error (a pattern description wider than 80 columns). */
function longProject() {
  const dir = tempDir();
  const { data } = projectIn(dir, `${testWhen('t >= 1000')}`);
  const message = `upstream gateway of the enrichment service timed out while streaming the response body ${'x'.repeat(60)}`;
  const input = Array.from({ length: 6 }, (_, i) =>
    JSON.stringify({
      agentId: 'bot',
      operationId: `long-${i}`,
      type: 'failure',
      errorType: 'gateway_timeout_while_streaming_the_response_body_of_the_enrichment_service',
      message,
      timestamp: new Date(Date.now() - (i + 1) * 3_600_000).toISOString(),
    }),
  ).join('\n');
  expect(kv1nt(data, ['feedback', 'import', '-'], { cwd: dir, input }).code).toBe(0);
  return { dir, data };
}

describe('output on an 80-column terminal', () => {
  it('optimize shows each step and test run, and leaves no stale progress line', async () => {
    const { dir, data } = longProject();
    const screen = await kv1ntOnTerminal(data, ['optimize', 'bot', '--strategy', 'conservative', '--yes'], {
      cwd: dir,
    });
    expect(screen.code, screen.lines.join('\n')).toBe(0);
    expectClean(screen);
    const applied = screen.lines.findIndex((line) => line.startsWith('  ✔ applied '));
    expect(screen.wrapped[applied + 1]).toBe(false);
    // The spinner drew the baseline and the test runs while they ran (then erased them)…
    expect(screen.raw).toMatch(/Baseline: running the tests on an unchanged copy\.\.\./);
    expect(screen.raw).toMatch(/\[1\/\d+\] running the tests \(.+\) — /);
    // …and each action's outcome stays, once.
    const outcomes = screen.lines.filter((line) =>
      /\.\.\. (✔ applied|✘ rolled back|✘ failed|· no change)/.test(line),
    );
    expect(outcomes.length).toBeGreaterThan(0);
    expect(new Set(outcomes).size).toBe(outcomes.length);
    expect(screen.lines).toContain('Status: applied.');
  });

  it('patterns, opportunities, status, history and learnings fit 80 columns; --wide does not cut', async () => {
    const { dir, data } = longProject();
    const on = (args: string[]) => kv1ntOnTerminal(data, args, { cwd: dir });
    const patterns = await on(['patterns', 'bot']);
    expect(patterns.code).toBe(0);
    expectClean(patterns, [/^agent +type +description/]);
    expect(patterns.lines.some((line) => line.endsWith('…') || /… /.test(line))).toBe(true);
    expect(patterns.lines.some((line) => /\d+ (min|h) ago/.test(line))).toBe(true);
    expect(patterns.lines.some((line) => /^Detecting the patterns of bot\.\.\. done$/.test(line))).toBe(true);

    const tables: Array<[string[], RegExp[]]> = [
      [['analyze', 'bot'], [/^severity +type +title/]],
      [['opportunities'], [/^agent +severity +type/]],
      [['status'], [/^agent +declared/, /^store +file/]],
      [['learnings', 'bot'], [/^type +impact +title/]],
    ];
    for (const [args, headings] of tables) {
      const screen = await on(args);
      expect(screen.code, `${args.join(' ')}\n${screen.lines.join('\n')}`).toBe(0);
      expectClean(screen, headings);
    }
    expect((await on(['optimize', 'bot', '--yes'])).code).toBe(0);
    expectClean(await on(['history', 'bot']), [/^result +st/]);
    // A severity is coloured on a terminal (NO_COLOR unset)…
    // eslint-disable-next-line no-control-regex -- the colour sequences on the screen
    expect((await on(['opportunities'])).raw).toMatch(/\x1b\[\d+m(HIGH|CRITICAL|MEDIUM|LOW)\x1b\[\d+m/);
    // …and --wide prints the whole description, wrapping as the terminal must.
    const wide = await on(['patterns', 'bot', '--wide']);
    expect(wide.wrapped.some(Boolean)).toBe(true);
  });

  it('piped, the output is whole and plain: no colour, one progress line per step on stderr', () => {
    const { dir, data } = longProject();
    const run = kv1nt(data, ['patterns', 'bot'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('x'.repeat(60));
    // eslint-disable-next-line no-control-regex -- the colour sequences on the screen
    expect(run.stdout).not.toMatch(/\x1b\[/);
    expect(run.stderr).toBe('Detecting the patterns of bot...\n');
    expect(kv1nt(data, ['patterns', 'bot', '--json'], { cwd: dir }).stderr).toBe('');
  });

  it('health --plot draws the history on several lines with the minHealth line, within 80 columns', async () => {
    const { dir, data } = longProject();
    for (let i = 0; i < 3; i++) expect(kv1nt(data, ['analyze', 'bot'], { cwd: dir }).code).toBe(0);
    const screen = await kv1ntOnTerminal(data, ['health', 'bot', '--plot'], { cwd: dir });
    expect(screen.code).toBe(0);
    expectClean(screen);
    const chart = screen.lines.filter((line) => /^ +\d+ ┤/.test(line));
    expect(chart).toHaveLength(10);
    expect(chart.filter((line) => / minHealth \d+$/.test(line))).toHaveLength(1);
  });
});
