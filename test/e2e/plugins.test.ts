import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, kv1nt, tempDir } from '../helpers/cli.js';
import {
  plugin,
  pluginProject,
  type Analysis,
  type PluginsReport,
  type Warning,
} from '../helpers/plugin-project.js';

const EXAMPLE = path.join(ROOT, 'examples', 'kv1nt-plugin-example');
describe('plugins from the config', () => {
  it('a plain-JS plugin module contributes an opportunity to analyze', async () => {
    const { cliAsync: cli } = pluginProject(
      { plugins: ['./plugins/acme.mjs'] },
      {
        'plugins/acme.mjs': plugin(
          'acme',
          `return [{ title: 'Acme smell for ' + ctx.agent.id, description: 'seen ' + ctx.feedback.length + ' entries', severity: 'LOW' }];`,
        ),
      },
    );
    const run = await cli(['analyze', 'a1', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const analysis = run.json<Analysis>();
    expect(analysis.warnings).toEqual([]);
    const acme = analysis.opportunities.find((o) => o.detector === 'acme/detector');
    expect(acme).toMatchObject({ type: 'code_smell', title: 'Acme smell for a1', status: 'open' });
    expect(analysis.opportunities.some((o) => o.detector === 'kv1nt/error-pattern')).toBe(true);

    const listed = (await cli(['plugins', '--json'])).json<PluginsReport>();
    expect(listed.plugins.map((p) => [p.name, p.source])).toEqual([
      ['kv1nt-builtin', 'builtin'],
      ['acme', 'config'],
    ]);
    expect(listed.plugins[1]).toMatchObject({
      location: './plugins/acme.mjs',
      isolated: true,
      detectors: ['acme/detector'],
    });
    expect((await cli(['plugins'])).stdout).toMatch(
      /acme\s+\.\/plugins\/acme\.mjs\s+config\s+—\s+1 detector/,
    );
  });

  it("a plugin detector reading ctx.feedback gets the agent's window of the log, oldest first", async () => {
    const {
      cliAsync: cli,
      home,
      dir,
      env,
    } = pluginProject(
      { plugins: ['./plugins/reader.mjs'] },
      {
        'plugins/reader.mjs': plugin(
          'reader',
          `const seen = ctx.feedback.map((e) => [e.operationId, e.type, e.agentId]);
           return [{ title: 'read ' + seen.length, description: '', evidence: { seen, frozen: Object.isFrozen(ctx.feedback) && Object.isFrozen(ctx.feedback[0]) } }];`,
        ),
      },
    );
    // Beside the project's 6 entries of a1 (1–3 h ago): a newer one, one of another agent, and
    // one of a1 from before the 7-day window — in another segment (an import writes its own).
    const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();
    const input = [
      { agentId: 'a1', operationId: 'newest', type: 'success', timestamp: daysAgo(0.01) },
      { agentId: 'a2', operationId: 'other-agent', type: 'success', timestamp: daysAgo(1) },
      { agentId: 'a1', operationId: 'too-old', type: 'success', timestamp: daysAgo(8) },
    ]
      .map((e) => JSON.stringify(e))
      .join('\n');
    expect(kv1nt(home, ['feedback', 'import', '-'], { cwd: dir, env, input }).code).toBe(0);

    const run = await cli(['analyze', 'a1', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const analysis = run.json<Analysis>();
    expect(analysis.warnings).toEqual([]);
    const reader = analysis.opportunities.find((o) => o.detector === 'reader/detector');
    expect(reader).toMatchObject({ title: 'read 7' });
    const { seen, frozen } = reader?.evidence as { seen: string[][]; frozen: boolean };
    expect(frozen).toBe(true);
    // The project's six (three successes and three failures of deploy, 3 h to 1 h ago), then the newest.
    expect(
      seen
        .slice(0, 6)
        .map(([op, type, agent]) => `${op} ${type} ${agent}`)
        .sort(),
    ).toEqual([...Array<string>(3).fill('deploy failure a1'), ...Array<string>(3).fill('deploy success a1')]);
    expect(seen[6]).toEqual(['newest', 'success', 'a1']);
  });

  it('gives each plugin its own options from pluginOptions, and warns of options for no plugin', async () => {
    const { cliAsync: cli } = pluginProject(
      {
        plugins: ['./plugins/acme.mjs', './plugins/other.mjs'],
        pluginOptions: { acme: { label: 'from the config', limit: 2 }, acne: { label: 'a typo' } },
      },
      {
        'plugins/acme.mjs': plugin(
          'acme',
          `return [{ title: 'Acme ' + ctx.options.label + ' ' + ctx.options.limit, description: '' }];`,
        ),
        'plugins/other.mjs': plugin(
          'other',
          `return [{ title: 'Other sees ' + JSON.stringify(ctx.options), description: '' }];`,
        ),
      },
    );
    const run = await cli(['analyze', 'a1', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const { opportunities, warnings } = run.json<Analysis>();
    const titles = opportunities.map((o) => o.title);
    expect(titles).toContain('Acme from the config 2');
    expect(titles).toContain('Other sees {}');
    expect(warnings).toEqual([
      {
        plugin: 'acne',
        error: 'pluginOptions.acne names no loaded plugin (loaded: kv1nt-builtin, acme, other)',
      },
    ]);
    // Options are checked as an object per plugin when the config is loaded.
    const bad = tempDir({ '.kv1ntrc.json': JSON.stringify({ pluginOptions: { acme: 3 } }) });
    const refused = kv1nt(path.join(bad, 'home'), ['analyze', 'a1'], { cwd: bad });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/pluginOptions\.acme/);
  });

  it('a throwing, hanging, spinning, incompatible or unloadable plugin is a named warning; analyze still completes', async () => {
    const { cliAsync: cli } = pluginProject(
      {
        plugins: [
          './p/good.mjs',
          './p/thrower.mjs',
          './p/hanger.mjs',
          './p/spinner.mjs',
          './p/mutator.mjs',
          './p/future.mjs',
          './p/broken.mjs',
          './p/absent.mjs',
          'kv1nt-plugin-not-installed',
        ],
        // Limits of the calls; each module loads under the default pluginTimeoutMs.
        pluginTimeouts: { hanger: 3000, spinner: 1500 },
      },
      {
        'p/good.mjs': plugin('good', `return [{ title: 'Good finding', description: 'ok' }];`),
        'p/thrower.mjs': plugin('thrower', `throw new Error('boom from thrower');`),
        'p/hanger.mjs': plugin('hanger', `return new Promise(() => {});`),
        'p/spinner.mjs': plugin('spinner', `while (true) {}`),
        'p/mutator.mjs': plugin('mutator', `ctx.metrics.total = 0; return [];`),
        'p/future.mjs': plugin('future', 'return [];').replace('apiVersion: 1', 'apiVersion: 99'),
        'p/broken.mjs': 'export default {{ not javascript',
      },
    );
    const run = await cli(['analyze', 'a1', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const { opportunities, warnings } = run.json<Analysis>();
    // The rest still ran: the built-ins and the good plugin.
    expect(opportunities.map((o) => o.detector)).toEqual(
      expect.arrayContaining(['good/detector', 'kv1nt/error-pattern']),
    );
    const warningOf = (name: string) => warnings.find((w) => w.plugin === name);
    expect(warningOf('thrower')).toMatchObject({ component: 'thrower/detector', error: 'boom from thrower' });
    expect(warningOf('hanger')).toMatchObject({
      component: 'hanger/detector',
      error: 'timed out after 3000 ms',
    });
    expect(warningOf('spinner')).toMatchObject({
      component: 'spinner/detector',
      error: 'timed out after 1500 ms',
    });
    expect(warningOf('mutator')?.error).toMatch(/read only|read-only|Cannot assign/i);
    expect(warningOf('future')?.error).toMatch(/plugin API version 99.*provides version 1/);
    expect(warningOf('./p/broken.mjs')?.error).toMatch(/could not be loaded/);
    expect(warningOf('./p/absent.mjs')?.error).toMatch(/could not be loaded: .*does not exist/);
    expect(warningOf('kv1nt-plugin-not-installed')?.error).toMatch(/is not installed/);
    // The stuck detectors were cut off at their limits (the two time-outs above), not waited for.
    expect(warnings).toHaveLength(8);

    // Human output names them too, on stderr or stdout, and still exits 0.
    const human = await cli(['analyze', 'a1']);
    expect(human.code).toBe(0);
    expect(`${human.stdout}${human.stderr}`).toMatch(/spinner/);
  });
});

describe('learning generators and strategies of a plugin from a file', () => {
  /** Two generators and three strategies of one plugin; the `spin*` ones never return. */
  const workerPlugin = `
import fs from 'node:fs';
import path from 'node:path';
const spin = () => { while (true) {} };
export default {
  apiVersion: 1,
  name: 'w',
  learningGenerators: [
    { id: 'w/spin-generator', patternTypes: ['failure'], generate: spin },
    {
      id: 'w/generator',
      patternTypes: ['failure'],
      generate(pattern, ctx) {
        ctx.warn('generated in a worker for ' + ctx.agent.id);
        return [{ learningType: 'error_avoidance', title: ctx.options.prefix + ' ' + pattern.description, description: 'seen ' + pattern.frequency + ' times', impactScore: 0.5 }];
      },
    },
  ],
  strategies: [
    { id: 'w/spin-plan', handles: ['error_pattern'], plan: spin, apply() {} },
    {
      id: 'w/writer',
      handles: ['error_pattern'],
      plan: (opportunity) => [{ type: 'note', description: 'note ' + opportunity.subject, risk: 'low' }],
      async apply(action, sandboxDir, ctx) {
        const echoed = await ctx.run('node', ['-e', 'process.stdout.write(process.cwd())']);
        fs.writeFileSync(path.join(sandboxDir, 'NOTE.md'), action.description + ' from ' + path.basename(echoed.stdout) + '\\n');
      },
    },
    {
      id: 'w/spin-apply',
      handles: ['error_pattern'],
      plan: () => [{ type: 'spin', description: 'spins in apply', risk: 'low' }],
      apply: spin,
    },
  ],
};
`;

  it('run in plugin processes: their results arrive, a synchronous loop is cut off at the limit', async () => {
    const { dir, cliAsync: cli } = pluginProject(
      {
        agents: { a1: { path: './agent', test: 'true', testTimeoutMs: 1000 } },
        plugins: ['./w.mjs'],
        pluginTimeouts: { w: 1500 },
        pluginOptions: { w: { prefix: 'Guard against' } },
      },
      { 'w.mjs': workerPlugin },
    );
    expect((await cli(['patterns', 'a1', '--json'])).code).toBe(0);

    const learned = await cli(['learnings', 'a1', '--json']);
    expect(learned.code, learned.stderr).toBe(0);
    const learnings = learned.json<{
      learnings: Array<{ generator: string; title: string }>;
      warnings: Warning[];
    }>();
    const fromWorker = learnings.learnings.filter((l) => l.generator === 'w/generator');
    expect(fromWorker.length).toBeGreaterThan(0);
    // Its options crossed into the worker with the rest of the context.
    for (const learning of fromWorker) expect(learning.title).toMatch(/^Guard against /);
    expect(learnings.warnings).toEqual(
      expect.arrayContaining([
        { plugin: 'w', component: 'w/spin-generator', error: 'timed out after 1500 ms' },
        { plugin: 'w', component: 'w/generator', error: 'generated in a worker for a1' },
      ]),
    );

    expect((await cli(['analyze', 'a1', '--json'])).code).toBe(0);
    const optimized = await cli(['optimize', 'a1', '--strategy', 'comprehensive', '--yes', '--json']);
    expect(optimized.code, optimized.stderr).toBe(0);
    const result = optimized.json<{
      actions: Array<{ strategy?: string; description: string; status: string; error?: string }>;
      warnings: Warning[];
    }>();
    expect(result.warnings).toEqual(
      expect.arrayContaining([{ plugin: 'w', component: 'w/spin-plan', error: 'timed out after 1500 ms' }]),
    );
    const byDescription = (text: string) => result.actions.find((a) => a.description.startsWith(text));
    expect(byDescription('note')).toMatchObject({ status: 'applied' });
    expect(byDescription('spins in apply')?.status).toBe('failed');
    const note = fs.readFileSync(path.join(dir, 'agent', 'NOTE.md'), 'utf8');
    // ctx.run was relayed to kv1nt and ran in the sandbox (`<sandbox>/tree`), not in the agent folder.
    expect(note).toBe('note pattern:Timeout from tree\n');
  });
});

describe('plugins installed through oclif', () => {
  it('`plugins link` adds the example plugin: it is listed and its detector shows up in analyze', async () => {
    const { cliAsync: cli } = pluginProject();
    const link = await cli(['plugins', 'link', EXAMPLE, '--no-install']);
    expect(link.code, link.stderr).toBe(0);

    const listed = (await cli(['plugins', '--json'])).json<PluginsReport>();
    expect(listed.plugins.find((p) => p.name === 'example')).toMatchObject({
      source: 'link',
      version: '1.0.0',
      isolated: true,
      detectors: ['example/flaky-operations', 'example/slow-outliers'],
    });
    expect((await cli(['plugins'])).stdout).toMatch(
      /example\s+kv1nt-plugin-example\s+linked\s+1\.0\.0\s+2 detectors/,
    );

    const analysis = (await cli(['analyze', 'a1', '--json'])).json<Analysis>();
    expect(analysis.warnings).toEqual([]);
    expect(analysis.opportunities.find((o) => o.detector === 'example/flaky-operations')).toMatchObject({
      type: 'error_pattern',
      title: 'Operation deploy is flaky',
    });

    // Unlinked with oclif's own command, by the package the list shows: gone from the list and
    // from the next analysis's run.
    const listedPackage = listed.plugins.find((p) => p.name === 'example')?.package;
    expect(listedPackage).toBe('kv1nt-plugin-example');
    expect((await cli(['plugins', 'uninstall', listedPackage!])).code).toBe(0);
    expect((await cli(['plugins', '--json'])).json<PluginsReport>().plugins.map((p) => p.name)).toEqual([
      'kv1nt-builtin',
    ]);
    expect((await cli(['analyze', 'a1', '--json'])).json<Analysis>().warnings).toEqual([]);
  });

  it('`plugins install <path>` installs the example from its folder, offline', async () => {
    const { dir, cliAsync: cli } = pluginProject();
    // A relative path, as a user would type it (see the plugins:preinstall hook).
    const relative = path.relative(dir, EXAMPLE);
    const install = await cli(['plugins', 'install', relative]);
    expect(install.code, install.stderr).toBe(0);
    expect(fs.existsSync(path.join(dir, 'oclif-data', 'node_modules', 'kv1nt-plugin-example'))).toBe(true);

    const listed = (await cli(['plugins', '--json'])).json<PluginsReport>();
    expect(listed.plugins.find((p) => p.name === 'example')).toMatchObject({
      source: 'user',
      version: '1.0.0',
    });
    const analysis = (await cli(['analyze', 'a1', '--json'])).json<Analysis>();
    expect(analysis.opportunities.map((o) => o.detector)).toContain('example/flaky-operations');
  });

  it('the same plugin linked and listed in the config is loaded once', async () => {
    const { cliAsync: cli } = pluginProject({ plugins: [path.join(EXAMPLE, 'index.js')] });
    expect((await cli(['plugins', 'link', EXAMPLE, '--no-install'])).code).toBe(0);
    const run = await cli(['analyze', 'a1', '--json']);
    expect(run.code).toBe(0);
    expect(run.json<Analysis>().warnings).toEqual([]);
    expect((await cli(['plugins', '--json'])).json<PluginsReport>().plugins.map((p) => p.name)).toEqual([
      'kv1nt-builtin',
      'example',
    ]);
  });

  it('a linked plugin may add oclif commands too: they run, and `kv1nt plugins` lists them', async () => {
    const { dir, cliAsync: cli } = pluginProject(
      {},
      {
        'acme/package.json': JSON.stringify({
          name: 'kv1nt-plugin-acme',
          version: '0.2.0',
          type: 'module',
          kv1nt: { plugin: './plugin.js' },
          oclif: { commands: './commands' },
        }),
        'acme/plugin.js': plugin(
          'acme',
          `return [{ title: 'Acme finding', description: 'from a plugin with commands' }];`,
        ),
        'acme/commands/acme/hello.js': `import { Command } from '@oclif/core';
export default class Hello extends Command {
  static summary = 'Say hello from acme.';
  async run() { this.log('hello from acme'); }
}
`,
      },
    );
    // The plugin's own dependency, as `npm install` would give it.
    fs.mkdirSync(path.join(dir, 'acme', 'node_modules', '@oclif'), { recursive: true });
    fs.symlinkSync(
      path.join(ROOT, 'node_modules', '@oclif', 'core'),
      path.join(dir, 'acme', 'node_modules', '@oclif', 'core'),
      'dir',
    );
    expect((await cli(['plugins', 'link', path.join(dir, 'acme'), '--no-install'])).code).toBe(0);

    const hello = await cli(['acme', 'hello']);
    expect(hello.code, hello.stderr).toBe(0);
    expect(hello.stdout).toBe('hello from acme\n');
    const listed = (await cli(['plugins', '--json'])).json<
      PluginsReport & { plugins: Array<{ commands: string[] }> }
    >();
    expect(listed.plugins.find((p) => p.name === 'acme')).toMatchObject({
      source: 'link',
      version: '0.2.0',
      detectors: ['acme/detector'],
      commands: ['acme hello'],
    });
    const analysis = (await cli(['analyze', 'a1', '--json'])).json<Analysis>();
    expect(analysis.opportunities.map((o) => o.title)).toContain('Acme finding');
  });
});
