import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { snapshot } from '../helpers/cli.js';
import { project, readConfig, testWhen, type ResultJson } from '../helpers/agent-project.js';
import { KEY, runOnPty } from '../helpers/pty-keys.js';

type HistoryJson = { results: Array<ResultJson & { approval: { source: string; detail: string } | null }> };

/**
 * Agent `bot` with two planned actions: act_1 tunes timeoutMs (HIGH: needs approval), act_2 writes
 * the learnings into LEARNINGS.md (LOW). Its tests always pass.
 */
function twoActions(extra: Record<string, unknown> = {}) {
  const p = project(testWhen('true'), { learningsFile: 'LEARNINGS.md' }, extra);
  expect(p.cli(['patterns', 'bot']).code).toBe(0);
  expect(p.cli(['learnings', 'bot']).code).toBe(0);
  const optimizeOnPty = (steps: Parameters<typeof runOnPty>[2]['steps']) =>
    runOnPty(p.data, ['optimize', 'bot', '--strategy', 'comprehensive', '-i'], { cwd: p.dir, steps });
  const lastResult = () => p.cli(['history', 'bot', '--json']).json<HistoryJson>().results[0]!;
  const statuses = (result: ResultJson) => Object.fromEntries(result.actions.map((a) => [a.type, a.status]));
  return { ...p, optimizeOnPty, lastResult, statuses };
}

const CHECKLIST =
  /Which actions should be tried\?[\s\S]*write_learnings|Which actions should be tried\?[\s\S]*LEARNINGS\.md/;

describe('kv1nt optimize -i: a checklist of the planned actions', () => {
  it('shows risk, budget and approval of each action, and runs only the ticked ones: a ticked HIGH one is approved', async () => {
    const { bot, optimizeOnPty, lastResult, statuses, cli } = twoActions();
    // Cursor on act_1 (HIGH, unticked): tick it; down to act_2 (LOW, ticked): untick it; enter.
    const run = await optimizeOnPty([
      { waitFor: CHECKLIST, send: KEY.space },
      { waitFor: /◉/, send: KEY.down },
      { waitFor: /❯/, send: KEY.space },
      { waitFor: /◯[^◉]*$/, send: KEY.enter },
    ]);
    expect(run.code, run.screen).toBe(0);
    const screen = withoutEscapes(run.screen);
    expect(screen).toMatch(
      /\[HIGH, needs approval\] risk low, ≤ 6 test runs, changes param:timeoutMs: Raise timeoutMs/,
    );
    expect(screen).toMatch(/\[LOW\] risk low, 1 test run, changes file:LEARNINGS\.md#kv1nt-learnings: Write/);
    expect(screen).toContain('What was not chosen or approved waits with the plan: kv1nt approve');

    const result = lastResult();
    expect(statuses(result)).toEqual({ param_tuning: 'applied', write_learnings: 'pending_approval' });
    expect(result.status).toBe('partially_applied');
    expect(result.approval).toEqual({
      approved: true,
      source: 'prompt',
      detail: 'approved by choosing it in the checklist (-i)',
    });
    expect(readConfig(bot).timeoutMs).toBeGreaterThan(2000);
    expect(fs.existsSync(path.join(bot, 'LEARNINGS.md'))).toBe(false);

    // What was left out waits with the plan: approve it and carry it out later.
    expect(cli(['approve', result.planId]).code).toBe(0);
    const rest = cli(['optimize', 'bot', '--plan', result.planId, '--json']).json<ResultJson>();
    expect(statuses(rest)).toEqual({ write_learnings: 'applied' });
    expect(fs.existsSync(path.join(bot, 'LEARNINGS.md'))).toBe(true);
  });

  it('enter at once runs what is ticked at first (LOW and MEDIUM); HIGH and CRITICAL wait for approval', async () => {
    const { bot, optimizeOnPty, lastResult, statuses } = twoActions();
    const run = await optimizeOnPty([{ waitFor: CHECKLIST, send: KEY.enter }]);
    expect(run.code, run.screen).toBe(0);
    const result = lastResult();
    expect(statuses(result)).toEqual({ param_tuning: 'pending_approval', write_learnings: 'applied' });
    expect(result.approval).toBeNull();
    expect(readConfig(bot).timeoutMs).toBe(2000);
    expect(fs.existsSync(path.join(bot, 'LEARNINGS.md'))).toBe(true);
  });

  it("keeps the approval rules: the config's approval command still decides a ticked HIGH action", async () => {
    const { bot, optimizeOnPty, lastResult, statuses } = twoActions({
      approval: { command: 'node -e "process.exit(3)"' },
    });
    const run = await optimizeOnPty([
      { waitFor: CHECKLIST, send: KEY.space },
      { waitFor: /◉[^◯]*◉/, send: KEY.enter },
    ]);
    expect(run.code, run.screen).toBe(0);
    const result = lastResult();
    expect(statuses(result)).toEqual({ param_tuning: 'pending_approval', write_learnings: 'applied' });
    expect(result.approval).toMatchObject({ approved: false, source: 'command' });
    expect(readConfig(bot).timeoutMs).toBe(2000);
  });

  it('Ctrl-C in the checklist runs nothing: every action waits with the plan', async () => {
    const { bot, optimizeOnPty, lastResult, statuses } = twoActions();
    const run = await optimizeOnPty([{ waitFor: CHECKLIST, send: KEY.ctrlC }]);
    expect(run.code, run.screen).toBe(0);
    expect(withoutEscapes(run.screen)).toContain('Nothing chosen: the plan waits for approval.');
    const result = lastResult();
    expect(statuses(result)).toEqual({
      param_tuning: 'pending_approval',
      write_learnings: 'pending_approval',
    });
    expect(result.baseline).toBeNull();
    expect(readConfig(bot).timeoutMs).toBe(2000);
    expect(fs.existsSync(path.join(bot, 'LEARNINGS.md'))).toBe(false);
  });

  it('refuses without a terminal (exit 2), pointing to --yes, approve and the approval command; nothing is written', () => {
    const { data, cli } = twoActions();
    const before = snapshot(data);
    const run = cli(['optimize', 'bot', '-i']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      [
        'Error: -i (--interactive) shows a checklist on a terminal, and stdin or stderr is not one.',
        '  → Approve without a terminal: kv1nt optimize bot --yes',
        '  → Or: kv1nt approve <planId>, then kv1nt optimize <agent> --plan <planId>',
        "  → Or let a program decide: the config's approval.command.",
        '',
      ].join('\n'),
    );
    expect(snapshot(data)).toEqual(before);
  });
});

/** The screen's text without the cursor moves and erases of the terminal. */
function withoutEscapes(screen: string): string {
  return screen.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g'), '');
}
