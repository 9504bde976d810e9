import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kv1nt, snapshot, tempDir } from '../helpers/cli.js';
import { timeoutHistory } from '../helpers/feedback-entry.js';
import { plugin, pluginProject } from '../helpers/plugin-project.js';

interface Opp {
  id: string;
  type: string;
  severity: string;
  status: string;
  dismissal?: { reason: string | null; severity: string } | null;
}

/** Twenty timeouts and ten successes of `bot` over the last day: an error pattern and more. */
function analyzed() {
  const dir = tempDir();
  const data = path.join(dir, 'data');
  const lines = timeoutHistory('bot', 20, 10);
  const file = path.join(dir, 'history.jsonl');
  fs.writeFileSync(file, lines.map((line) => JSON.stringify(line)).join('\n'));
  const cli = (args: string[]) => kv1nt(data, args);
  expect(cli(['feedback', 'import', file]).code).toBe(0);
  expect(cli(['patterns', 'bot']).code).toBe(0);
  expect(cli(['analyze', 'bot']).code).toBe(0);
  const list = (...flags: string[]) =>
    cli(['opportunities', ...flags, '--json']).json<{ opportunities: Opp[] }>().opportunities;
  return { data, cli, list };
}

describe('kv1nt opportunities dismiss', () => {
  it('keeps a dismissed finding out of the open list through later analyses, with its reason', () => {
    const { cli, list } = analyzed();
    const errors = list('--type', 'error_pattern');
    expect(errors.map((o) => [o.type, o.severity, o.status])).toEqual([['error_pattern', 'HIGH', 'open']]);
    const id = errors[0]!.id;
    const dismissed = cli(['opportunities', 'dismiss', id, '--reason', 'the upstream times out by contract']);
    expect(dismissed.code).toBe(0);
    expect(dismissed.stdout).toContain(`Dismissed ${id} (HIGH error_pattern)`);
    // The next analysis finds it again at the same severity: it stays dismissed, not reopened.
    expect(cli(['analyze', 'bot']).code).toBe(0);
    expect(list().map((o) => o.id)).not.toContain(id);
    const [kept, ...rest] = list('--status', 'dismissed');
    expect(rest).toEqual([]);
    expect(kept).toMatchObject({ id, status: 'dismissed' });
    expect(kept!.dismissal).toMatchObject({ reason: 'the upstream times out by contract', severity: 'HIGH' });
    // The filters combine: HIGH alone holds only the dismissed one now.
    expect(list('--status', 'all', '--severity', 'HIGH').map((o) => o.id)).toEqual([id]);
    expect(list('--severity', 'HIGH')).toEqual([]);
  });

  it('refuses an unknown id with exit 2 and writes nothing', () => {
    const { data, cli } = analyzed();
    const before = snapshot(data);
    const run = cli(['opportunities', 'dismiss', 'opp_00000000000000000000', '--json']);
    expect(run.code).toBe(2);
    expect(run.json()).toMatchObject({ error: { code: 'OPPORTUNITY_NOT_FOUND' } });
    expect(snapshot(data)).toEqual(before);
  });
});

describe('an opportunity whose detector is gone', () => {
  it('is closed as detector_gone by the next analyze, but not while a plugin fails to load', async () => {
    const smell = plugin('acme', "return [{ title: 'a smell', description: 'found by acme' }];");
    const config = { agents: { a1: { path: './agent', test: 'true' } } };
    const { dir, cliAsync: cli } = pluginProject({ plugins: ['./acme.mjs'] }, { 'acme.mjs': smell });
    const byAcme = async (status: string) =>
      (await cli(['opportunities', 'a1', '--status', status, '--json']))
        .json<{ opportunities: Array<{ detector: string }> }>()
        .opportunities.filter((o) => o.detector === 'acme/detector');
    expect((await cli(['analyze', 'a1'])).code).toBe(0);
    expect(await byAcme('open')).toHaveLength(1);
    // The config now names a plugin that cannot load: kv1nt cannot tell gone from broken.
    const rc = path.join(dir, '.kv1ntrc.json');
    fs.writeFileSync(rc, JSON.stringify({ ...config, plugins: ['./missing.mjs'] }));
    expect((await cli(['analyze', 'a1'])).code).toBe(0);
    expect(await byAcme('open')).toHaveLength(1);
    // Removed for good: its opportunity is closed, not left open forever.
    fs.writeFileSync(rc, JSON.stringify(config));
    expect((await cli(['analyze', 'a1'])).code).toBe(0);
    expect(await byAcme('open')).toHaveLength(0);
    expect(await byAcme('detector_gone')).toHaveLength(1);
  });
});
