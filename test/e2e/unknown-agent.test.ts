import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kv1nt, snapshot, tempDir } from '../helpers/cli.js';

/** A project declaring `summarizer` (no feedback yet) and a data dir holding feedback of `recorder`. */
function project() {
  const dir = tempDir({
    '.kv1ntrc.json': JSON.stringify({
      agents: { summarizer: { path: './agents/summarizer', test: 'true' } },
    }),
    'agents/summarizer/.keep': '',
  });
  const data = path.join(dir, 'data');
  const cli = (args: string[]) => kv1nt(data, args, { cwd: dir });
  expect(cli(['feedback', 'success', 'recorder', 'op-1']).code).toBe(0);
  // Folds the log into the aggregates (a derived cache), so that "nothing written" compares stores.
  expect(cli(['summary', 'recorder']).code).toBe(0);
  return { dir, data, cli };
}

interface ErrorJson {
  error: { code: string; message: string; suggestions: string[]; didYouMean?: string | null };
}

describe('a command that reads an agent refuses an unknown one', () => {
  it('a typo in a CI gate exits 2 with AGENT_NOT_FOUND and a did-you-mean, and stores nothing', () => {
    const { data, cli } = project();
    const before = snapshot(data);
    const typo = cli(['analyze', 'sumarizer', '--fail-under', '70', '--json']);
    expect(typo.code).toBe(2);
    const { error } = typo.json<ErrorJson>();
    expect(error).toMatchObject({ code: 'AGENT_NOT_FOUND', didYouMean: 'summarizer' });
    expect(error.message).toMatch(/sumarizer/);
    expect(error.suggestions[0]).toMatch(/Did you mean summarizer\?/);
    expect(snapshot(data)).toEqual(before);
    const human = cli(['analyze', 'sumarizer']);
    expect(human.code).toBe(2);
    expect(human.stderr).toMatch(/Did you mean summarizer\?/);
  });

  it.each(
    [
      ['analyze'],
      ['health'],
      ['summary'],
      ['stats'],
      ['feedback', 'stats'],
      ['optimization', 'stats'],
      ['patterns'],
      ['learnings'],
      ['opportunities'],
      ['history'],
      ['optimize'],
      ['cycle'],
      ['verify'],
    ].map((command) => [command.join(' '), command] as const),
  )('%s recordr (a typo of recorder)', (_name, command) => {
    const { data, cli } = project();
    const before = snapshot(data);
    const run = cli([...command, 'recordr', '--json']);
    expect(run.code, run.stdout).toBe(2);
    expect(run.json<ErrorJson>().error).toMatchObject({ code: 'AGENT_NOT_FOUND', didYouMean: 'recorder' });
    expect(snapshot(data)).toEqual(before);
  });

  it('no suggestion when nothing known is close', () => {
    const { cli } = project();
    const { error } = cli(['summary', 'zzzzzzzzzz', '--json']).json<ErrorJson>();
    expect(error.code).toBe('AGENT_NOT_FOUND');
    expect(error.didYouMean).toBeNull();
    expect(error.suggestions.join('\n')).not.toMatch(/Did you mean/);
  });

  it('a declared agent without feedback, and an undeclared one with feedback, are known', () => {
    const { cli } = project();
    expect(cli(['analyze', 'summarizer', '--json']).code).toBe(0);
    expect(cli(['summary', 'recorder', '--json']).json()).toMatchObject({ agentId: 'recorder', total: 1 });
    expect(cli(['stats', 'recorder', '--json']).code).toBe(0);
    expect(cli(['history', 'summarizer', '--json']).code).toBe(0);
  });

  it('recording feedback for a new agent stays allowed, and makes it known', () => {
    const { cli } = project();
    expect(cli(['health', 'newbie', '--json']).code).toBe(2);
    expect(cli(['feedback', 'failure', 'newbie', 'op', '--error-type', 'boom']).code).toBe(0);
    expect(cli(['health', 'newbie', '--json']).code).toBe(0);
    expect(cli(['analyze', 'newbie', '--json']).json()).toMatchObject({ agentId: 'newbie' });
  });
});

describe('analyze --fail-on-no-data', () => {
  it('exits 1 when there is no score to judge; without it, no data passes', () => {
    const { cli } = project();
    expect(cli(['analyze', 'summarizer', '--fail-under', '70']).code).toBe(0);
    const strict = cli(['analyze', 'summarizer', '--fail-under', '70', '--fail-on-no-data']);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/summarizer has no health score .*--fail-on-no-data/);
    const json = cli(['analyze', 'summarizer', '--fail-on-no-data', '--json']);
    expect(json.code).toBe(1);
    expect(json.json()).toMatchObject({ agentId: 'summarizer', healthScore: null });
    // With data, the score decides as before.
    expect(cli(['analyze', 'recorder', '--fail-under', '70', '--fail-on-no-data']).code).toBe(0);
  });
});
