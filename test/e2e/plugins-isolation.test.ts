import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { plugin, pluginProject, type Analysis, type Warning } from '../helpers/plugin-project.js';

/*
 * Hostile plugins (issue 11, items 3–5): a plugin's code runs only in plugin processes, which
 * Node's permission model keeps from writing anywhere (but a strategy's sandbox), and what a
 * plugin returns is bounded. Each case names what used to happen.
 */

/** A plugin module whose top level is `top`, with one harmless detector. */
const topLevel = (name: string, top: string) =>
  `${top}\n${plugin(name, `return [{ title: '${name} ran', description: '' }];`)}`;

const warningOf = (warnings: Warning[], plugin: string) => warnings.filter((w) => w.plugin === plugin);

describe("a plugin's top-level code runs in its own process, never in kv1nt's", () => {
  it('process.exit(0) at the top level: the --fail-under gate still prints its JSON and fails', async () => {
    // It used to end kv1nt itself: exit 0 and an empty stdout, a CI gate passing silently.
    const { cliAsync: cli } = pluginProject(
      { plugins: ['./p/exits.mjs', './p/good.mjs'] },
      {
        'p/exits.mjs': topLevel('exits', 'process.exit(0);'),
        'p/good.mjs': topLevel('good', "console.log('printed by good at load');").replace(
          'return [',
          "console.log('printed by good in detect'); return [",
        ),
      },
    );
    const run = await cli(['analyze', 'a1', '--fail-under', '99', '--json']);
    // What a plugin prints reaches kv1nt's stderr; stdout stays one JSON document.
    expect(run.stderr).toContain('printed by good at load\n');
    expect(run.stderr).toContain('printed by good in detect\n');
    expect(run.code, run.stderr).toBe(1);
    const analysis = run.json<Analysis>();
    expect(analysis.healthScore).toBeLessThan(99);
    expect(analysis.opportunities.map((o) => o.title)).toContain('good ran');
    expect(analysis.warnings).toEqual([
      {
        plugin: './p/exits.mjs',
        error: 'could not be loaded: its process ended (exit code 0) before the module was loaded',
      },
    ]);
  });

  it('an endless loop or a never-settling await at the top level: the command completes at the limit', async () => {
    // The loop used to hang every command; the await made kv1nt exit 13 with no output.
    const { cliAsync: cli } = pluginProject(
      { plugins: ['./p/spins.mjs', './p/waits.mjs'], pluginTimeoutMs: 1500 },
      {
        'p/spins.mjs': topLevel('spins', 'while (true) {}'),
        'p/waits.mjs': topLevel('waits', 'await new Promise(() => {});'),
      },
    );
    for (const args of [
      ['analyze', 'a1', '--json'],
      ['plugins', '--json'],
    ]) {
      const run = await cli(args);
      expect(run.code, run.stderr).toBe(0);
      expect(run.json<{ warnings: Warning[] }>().warnings).toEqual([
        { plugin: './p/spins.mjs', error: 'could not be loaded: timed out after 1500 ms' },
        { plugin: './p/waits.mjs', error: 'could not be loaded: timed out after 1500 ms' },
      ]);
    }
  });

  it('a write into the data dir at the top level is refused: no file of the data dir changes', async () => {
    // It used to empty agents.json.
    const { cliAsync: cli, home } = pluginProject(
      { plugins: ['./p/writes.mjs'] },
      {
        'p/writes.mjs': topLevel(
          'writes',
          `import fs from 'node:fs';\nfs.writeFileSync(process.env.KV1NT_HOME + '/agents.json', '');`,
        ),
      },
    );
    expect((await cli(['agents', 'add', 'a2', '--path', './agent', '--test', 'true'])).code).toBe(0);
    const agentsFile = path.join(home, 'agents.json');
    const before = fs.readFileSync(agentsFile);

    const run = await cli(['plugins', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json<{ warnings: Warning[] }>().warnings).toEqual([
      {
        plugin: './p/writes.mjs',
        error: `could not be loaded: Access to this API has been restricted (FileSystemWrite ${agentsFile}): kv1nt runs plugins with read-only file access; only a strategy's apply() may write, inside its sandbox folder`,
      },
    ]);
    expect(fs.readFileSync(agentsFile)).toEqual(before);
    const listed = await cli(['agents', 'list', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('"a2"');
  });
});

describe('plugin code gets no write path to the data dir', () => {
  it("a detector's write into optimization/store.json fails inside the plugin; the stores stay intact", async () => {
    // It used to write garbage there: every later command failed with STORE_CORRUPT.
    const { cliAsync: cli, home } = pluginProject(
      { plugins: ['./p/vandal.mjs'] },
      {
        'p/vandal.mjs': `import fs from 'node:fs';\n${plugin(
          'vandal',
          `fs.writeFileSync(process.env.KV1NT_HOME + '/optimization/store.json', 'garbage'); return [];`,
        )}`,
      },
    );
    expect((await cli(['analyze', 'a1', '--json'])).code).toBe(0);
    const store = path.join(home, 'optimization', 'store.json');
    const run = await cli(['analyze', 'a1', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(warningOf(run.json<Analysis>().warnings, 'vandal')).toEqual([
      {
        plugin: 'vandal',
        component: 'vandal/detector',
        error: `Access to this API has been restricted (FileSystemWrite ${store}): kv1nt runs plugins with read-only file access; only a strategy's apply() may write, inside its sandbox folder`,
      },
    ]);
    expect(() => JSON.parse(fs.readFileSync(store, 'utf8')) as unknown).not.toThrow();
    for (const args of [
      ['opportunities', 'a1', '--json'],
      ['history', 'a1', '--json'],
      ['status', '--json'],
    ]) {
      const later = await cli(args);
      expect(later.code, `${args.join(' ')}: ${later.stderr}`).toBe(0);
    }
  });

  it("a strategy's apply writes in its sandbox, and nowhere else", async () => {
    const strategy = `
import fs from 'node:fs';
import path from 'node:path';
const attempt = (file) => {
  try { fs.writeFileSync(file, 'escaped'); return 'written'; } catch (error) { return error.code; }
};
export default {
  apiVersion: 1,
  name: 'notes',
  strategies: [{
    id: 'notes/writer',
    handles: ['error_pattern'],
    plan: () => [{ type: 'note', description: 'write a note', risk: 'low' }],
    apply(action, sandboxDir, ctx) {
      const agentFolder = attempt(path.join(ctx.agent.path, 'ESCAPED.md'));
      const dataDir = attempt(path.join(process.env.KV1NT_HOME, 'ESCAPED.md'));
      fs.mkdirSync(path.join(sandboxDir, 'notes'), { recursive: true });
      fs.writeFileSync(path.join(sandboxDir, 'notes', 'NOTE.md'), 'agent folder: ' + agentFolder + ', data dir: ' + dataDir + '\\n');
    },
  }],
};
`;
    const {
      dir,
      home,
      cliAsync: cli,
    } = pluginProject({ plugins: ['./notes.mjs'] }, { 'notes.mjs': strategy });
    expect((await cli(['analyze', 'a1', '--json'])).code).toBe(0);
    const optimized = await cli(['optimize', 'a1', '--strategy', 'comprehensive', '--yes', '--json']);
    expect(optimized.code, optimized.stderr).toBe(0);
    const result = optimized.json<{ actions: Array<{ description: string; status: string }> }>();
    expect(result.actions.find((a) => a.description === 'write a note')?.status).toBe('applied');
    // Written in the sandbox, kept into the agent folder by kv1nt; both direct writes refused.
    expect(fs.readFileSync(path.join(dir, 'agent', 'notes', 'NOTE.md'), 'utf8')).toBe(
      'agent folder: ERR_ACCESS_DENIED, data dir: ERR_ACCESS_DENIED\n',
    );
    expect(fs.existsSync(path.join(dir, 'agent', 'ESCAPED.md'))).toBe(false);
    expect(fs.existsSync(path.join(home, 'ESCAPED.md'))).toBe(false);
  });
});

describe('what a plugin returns is bounded', () => {
  it('cyclic evidence, 50 MB of evidence and a million findings become warnings, not a crash', async () => {
    // Each used to crash the command; the million took 4 GB and an abort after 102 s.
    const { cliAsync: cli } = pluginProject(
      { plugins: ['./p/cyclic.mjs', './p/huge.mjs', './p/many.mjs'] },
      {
        'p/cyclic.mjs': plugin(
          'cyclic',
          `const evidence = { n: 1 }; evidence.self = evidence;
           return [{ title: 'cyclic', description: '', evidence }, { title: 'fine', description: '', subject: 'fine' }];`,
        ),
        'p/huge.mjs': plugin(
          'huge',
          `return [{ title: 'huge', description: '', evidence: { blob: 'x'.repeat(50 * 1024 * 1024) } }];`,
        ),
        'p/many.mjs': plugin(
          'many',
          `return Array.from({ length: 1_000_000 }, (_, i) => ({ title: 'finding ' + i, description: '', subject: 's' + (i % 3) }));`,
        ),
      },
    );
    const run = await cli(['analyze', 'a1', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const { opportunities, warnings } = run.json<Analysis>();
    // Detectors run at the same time: their warnings come in any order.
    expect([...warnings].sort((a, b) => a.plugin.localeCompare(b.plugin))).toEqual([
      {
        plugin: 'cyclic',
        component: 'cyclic/detector',
        error: 'finding 0 was left out: its data refers to itself (a cycle), which JSON cannot carry',
      },
      {
        plugin: 'huge',
        component: 'huge/detector',
        error: 'finding 0 was left out: larger than 64 KiB as JSON (limit: 64 KiB per finding)',
      },
      {
        plugin: 'many',
        component: 'many/detector',
        error: 'returned 1000000 findings; only the first 1000 are used (limit: 1000 findings per call)',
      },
    ]);
    const titles = opportunities.map((o) => o.title);
    expect(titles).toContain('fine');
    expect(titles.filter((t) => t.startsWith('finding '))).toHaveLength(3);
    expect(titles).not.toContain('cyclic');
    expect(titles).not.toContain('huge');
  });
});
