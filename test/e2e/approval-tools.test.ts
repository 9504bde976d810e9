import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { snapshot, type CliResult } from '../helpers/cli.js';
import { project, readConfig, testWhen, treeHash, type ResultJson } from '../helpers/agent-project.js';

interface DiffJson {
  resultId: string;
  agentId: string;
  status: string;
  rolledBackAt: string | null;
  files: Array<{
    path: string;
    actionIds: string[];
    transactionId: string;
    change: string;
    state: string;
    diff: string | null;
    note: string | null;
  }>;
}

const sha256 = expect.stringMatching(/^[0-9a-f]{64}$/) as unknown;

/** The id with its tag and one more digit than two ids of the same millisecond would share. */
const prefixOf = (id: string) => id.slice(0, 'res_'.length + 12);

describe('ids by unique prefix', () => {
  it('rollback, approve, optimize --plan and opportunities dismiss take a unique prefix, with or without the tag', () => {
    const { bot, cli } = project(testWhen('t >= 1000'));
    const pending = keepWhatPasses(cli, []);
    expect(pending.status).toBe('pending_approval');
    const planPrefix = pending.planId.slice('plan_'.length, 'plan_'.length + 14);
    expect(cli(['approve', planPrefix, '--json']).json()).toMatchObject({
      id: pending.planId,
      status: 'approved',
    });
    const carried = cli(['optimize', 'bot', '--plan', `plan_${planPrefix}`, '--json']);
    expect(carried.code, carried.stderr).toBe(0);
    const result = carried.json<ResultJson>();
    expect(result).toMatchObject({ planId: pending.planId, status: 'applied' });

    const undo = cli(['rollback', prefixOf(result.id).slice('res_'.length), '--json']);
    expect(undo.code, undo.stdout).toBe(0);
    expect(undo.json()).toMatchObject({ resultId: result.id, status: 'rolled_back' });
    expect(readConfig(bot).timeoutMs).toBe(2000);

    const [opportunity] = cli(['opportunities', 'bot', '--json']).json<{
      opportunities: Array<{ id: string }>;
    }>().opportunities;
    const dismissed = cli(['opportunities', 'dismiss', opportunity!.id.slice(0, 10), '--json']);
    expect(dismissed.json()).toMatchObject({ id: opportunity!.id, status: 'dismissed' });
  });

  it('an ambiguous prefix is refused with exit 2, naming the candidates, and nothing is written', () => {
    const { data, cli } = project(testWhen('t >= 1000'));
    const first = keepWhatPasses(cli, []);
    const second = keepWhatPasses(cli, []);
    // Both plans begin with the same creation time digits: "plan_0" fits both.
    const shared = commonPrefix(first.planId, second.planId);
    expect(shared.length).toBeGreaterThanOrEqual('plan_'.length + 4);
    const before = snapshot(data);
    const refused = cli(['approve', shared, '--json']);
    expect(refused.code).toBe(2);
    expect(refused.json()).toEqual({
      error: {
        code: 'ID_AMBIGUOUS',
        message: `${shared} fits 2 plan ids: ${[first.planId, second.planId].sort().join(', ')}.`,
        suggestions: ['Type more characters of the id, up to the whole of it.'],
        ref: 'docs/optimization.md#ids-by-prefix',
        candidates: [first.planId, second.planId].sort(),
      },
    });
    const short = cli(['rollback', 'res_01']);
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/"res_01" is too short for a optimization result id|too short/);
    expect(snapshot(data)).toEqual(before);
  });
});

describe('kv1nt rollback --last <agent>', () => {
  it("rolls back the agent's most recent kept result, then the one before, then says there is none", () => {
    const { bot, cli } = project(testWhen('t >= 1000'));
    const original = treeHash(bot);
    const first = keepWhatPasses(cli);
    expect(first.status).toBe('applied');
    const afterFirst = treeHash(bot);
    // A second change on top: a file edited by hand, then a run that keeps nothing new.
    const nothing = keepWhatPasses(cli);
    expect(nothing.actions.filter((a) => a.status === 'applied')).toEqual([]);

    const undo = cli(['rollback', '--last', 'bot', '--json']);
    expect(undo.code, undo.stdout).toBe(0);
    expect(undo.json()).toMatchObject({
      resultId: first.id,
      status: 'rolled_back',
      restored: ['config.json'],
    });
    expect(treeHash(bot)).toBe(original);
    expect(afterFirst).not.toBe(original);

    const none = cli(['rollback', '--last', 'bot', '--json']);
    expect(none.code).toBe(2);
    expect(none.json()).toMatchObject({
      error: {
        code: 'RESULT_NOT_FOUND',
        message:
          'Agent bot has no kept optimization result to roll back: none of its results has a change still in its folder.',
      },
    });
    expect(cli(['rollback', '--last', 'nobody', '--json']).json()).toMatchObject({
      error: { code: 'AGENT_NOT_FOUND' },
    });
    expect(cli(['rollback', '--json']).json()).toMatchObject({
      error: { code: 'INVALID_INPUT', message: 'Give a result id or --last <agent> (not both).' },
    });
    expect(cli(['rollback', first.id, '--last', 'bot']).code).toBe(2);
  });
});

describe('kv1nt history <resultId> [--diff]', () => {
  it('shows one result by its id, and with --diff a unified diff of each file it changed', () => {
    const { bot, cli } = project(testWhen('t >= 1000'));
    const result = keepWhatPasses(cli);
    const tuned = result.actions.find((a) => a.type === 'param_tuning')!;
    expect(tuned.status).toBe('applied');
    const kept = readConfig(bot).timeoutMs;
    const mode = fs.statSync(path.join(bot, 'config.json')).mode & 0o7777;

    const one = cli(['history', prefixOf(result.id), '--json']);
    expect(one.code, one.stderr).toBe(0);
    expect(one.json()).toMatchObject({ id: result.id, status: 'applied' });

    const run = cli(['history', prefixOf(result.id), '--diff', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const diff = run.json<DiffJson>();
    expect(diff).toEqual({
      resultId: result.id,
      agentId: 'bot',
      status: 'applied',
      rolledBackAt: null,
      files: [
        {
          path: 'config.json',
          actionIds: [tuned.id],
          transactionId: tuned.transactionId,
          change: 'modified',
          before: { kind: 'file', hash: sha256, mode },
          after: { kind: 'file', hash: sha256, mode },
          state: 'kept',
          diff: expect.any(String) as unknown,
          note: null,
        },
      ],
    });
    expect(diff.files[0]!.diff!.split('\n')).toEqual([
      'diff --git a/config.json b/config.json',
      expect.stringMatching(/^index [0-9a-f]+\.\.[0-9a-f]+ 100(644|664)$/),
      '--- a/config.json',
      '+++ b/config.json',
      '@@ -1,4 +1,4 @@',
      ' {',
      '-  "timeoutMs": 2000,',
      `+  "timeoutMs": ${kept},`,
      '   "model": "small"',
      ' }',
    ]);

    const human = cli(['history', result.id, '--diff']);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(`modified config.json  (${tuned.id}, kept)`);
    expect(human.stdout).toContain(`+  "timeoutMs": ${kept},`);

    // Rolled back, the diff is still there, marked as such.
    expect(cli(['rollback', result.id]).code).toBe(0);
    const after = cli(['history', result.id, '--diff', '--json']).json<DiffJson>();
    expect(after.rolledBackAt).not.toBeNull();
    expect(after.files.map((f) => [f.path, f.state])).toEqual([['config.json', 'rolled_back']]);
  });

  it('shows a new file as added against /dev/null, and a result that kept nothing as such', () => {
    // The longer time limit breaks the tests; the learnings file is new and kept.
    const { bot, cli } = project(testWhen('t <= 2000'), { learningsFile: 'LEARNINGS.md' });
    expect(cli(['patterns', 'bot']).code).toBe(0);
    expect(cli(['learnings', 'bot']).code).toBe(0);
    const result = keepWhatPasses(cli);
    const written = result.actions.find((a) => a.type === 'write_learnings')!;
    expect(written).toMatchObject({ status: 'applied', changes: ['LEARNINGS.md'] });
    const diff = cli(['history', result.id, '--diff', '--json']).json<DiffJson>();
    expect(diff.files.map((f) => [f.path, f.change, f.actionIds])).toEqual([
      ['LEARNINGS.md', 'added', [written.id]],
    ]);
    const lines = diff.files[0]!.diff!.split('\n');
    expect(lines.slice(0, 4)).toEqual([
      'diff --git a/LEARNINGS.md b/LEARNINGS.md',
      'new file mode 100644',
      expect.stringMatching(/^index 0+\.\.[0-9a-f]+$/),
      '--- /dev/null',
    ]);
    expect(lines[4]).toBe('+++ b/LEARNINGS.md');
    expect(lines.slice(6).join('\n')).toBe(
      fs
        .readFileSync(path.join(bot, 'LEARNINGS.md'), 'utf8')
        .trimEnd()
        .split('\n')
        .map((line) => `+${line}`)
        .join('\n'),
    );

    // A run whose every action failed its tests changed nothing.
    const rolled = keepWhatPasses(cli);
    expect(rolled.actions.every((a) => a.status !== 'applied')).toBe(true);
    const none = cli(['history', rolled.id, '--diff']);
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('It changed no file: no action of it was kept.');
  });
});

/** `optimize bot --strategy conservative --yes --json` (`approval` [] leaves HIGH actions pending). */
function keepWhatPasses(cli: (args: string[]) => CliResult, approval = ['--yes']): ResultJson {
  return cli(['optimize', 'bot', '--strategy', 'conservative', ...approval, '--json']).json<ResultJson>();
}

function commonPrefix(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return a.slice(0, i);
}
