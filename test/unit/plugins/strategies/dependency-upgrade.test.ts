import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import dependencyUpgrade, {
  INSTALL_ARGS,
  isBreaking,
  parseVersion,
  upgradedRange,
} from '../../../../src/plugins/strategies/dependency-upgrade.js';
import { runTool } from '../../../../src/core/runner/run-tool.js';
import { tempDir } from '../../../helpers/cli.js';
import { npmEnv, startRegistry, type LocalRegistry } from '../../../helpers/npm-registry.js';
import {
  apply,
  makeApplyContext,
  makeStrategyContext,
  opportunity,
  plan,
} from '../../../helpers/strategy-context.js';

describe('versions', () => {
  it('parses versions and the start of ranges', () => {
    expect(parseVersion('1.2.3')).toEqual([1, 2, 3]);
    expect(parseVersion('^1.2.3')).toEqual([1, 2, 3]);
    expect(parseVersion('~0.4')).toEqual([0, 4, 0]);
    expect(parseVersion('>=2.x')).toEqual([2, 0, 0]);
    expect(parseVersion('latest')).toBeNull();
    expect(parseVersion(null)).toBeNull();
  });

  it.each([
    ['1.2.3', '1.9.0', false],
    ['1.2.3', '1.2.4', false],
    ['^1.2.3', '2.0.0', true],
    ['0.4.1', '0.4.9', false],
    ['0.4.1', '0.5.0', true],
    ['0.0.1', '0.0.2', true],
    [null, '1.0.0', true],
    ['github:a/b', '1.0.0', true],
  ] as const)('%s → %s breaking: %s', (from, to, expected) => {
    expect(isBreaking(from, to)).toBe(expected);
  });

  it('keeps the range style', () => {
    expect(upgradedRange('1.2.3', '2.0.0')).toBe('2.0.0');
    expect(upgradedRange('=1.2.3', '2.0.0')).toBe('2.0.0');
    expect(upgradedRange('~1.2.3', '1.4.0')).toBe('~1.4.0');
    expect(upgradedRange('^1.2.3', '2.0.0')).toBe('^2.0.0');
    expect(upgradedRange('>=1', '2.0.0')).toBe('^2.0.0');
  });
});

describe('kv1nt/dependency-upgrade plan', () => {
  const ctx = () => makeStrategyContext({ agent: { path: '/agents/a' } });
  const upgrade = (evidence: Record<string, unknown>) =>
    opportunity('tool_upgrade', {
      evidence: {
        declared: '^1.0.0',
        current: '1.0.0',
        wanted: '1.0.0',
        dependencyType: 'dependencies',
        ...evidence,
      },
    });

  it('one low-risk action for a minor upgrade, medium for a major one', async () => {
    expect(await plan(dependencyUpgrade, upgrade({ package: 'left-pad', latest: '1.3.0' }), ctx())).toEqual([
      {
        type: 'dependency_upgrade',
        description: 'Upgrade left-pad from 1.0.0 to 1.3.0',
        risk: 'low',
        expectedChange: expect.stringContaining('left-pad → 1.3.0') as string,
        target: 'dependency:left-pad',
        package: 'left-pad',
        from: '1.0.0',
        to: '1.3.0',
        dependencyType: 'dependencies',
      },
    ]);
    const [major] = await plan(dependencyUpgrade, upgrade({ package: '@scope/x', latest: '2.0.0' }), ctx());
    expect(major).toMatchObject({ risk: 'medium', description: expect.stringContaining('major') as string });
  });

  it('compares with the declared range when nothing is installed', async () => {
    const [action] = await plan(
      dependencyUpgrade,
      upgrade({ package: 'x', current: null, declared: '~1.1.0', latest: '1.4.0' }),
      ctx(),
    );
    expect(action).toMatchObject({ from: '~1.1.0', risk: 'low' });
  });

  it('refuses names and versions that are not npm ones (never an option)', async () => {
    const context = ctx();
    for (const evidence of [
      { package: '--global', latest: '1.0.0' },
      { package: 'x', latest: '--ignore-scripts' },
      { package: 'x', latest: 'latest' },
      { package: 'Bad Name', latest: '1.0.0' },
    ]) {
      expect(await plan(dependencyUpgrade, upgrade(evidence), context)).toEqual([]);
    }
    expect(context.warnings).toHaveLength(4);
  });
});

/**
 * A real npm registry on 127.0.0.1 serving packuments and tarballs made with `npm pack`, so the
 * upgrade runs the real npm, hermetically (private cache and HOME).
 */
describe('kv1nt/dependency-upgrade apply (local registry)', () => {
  let local: LocalRegistry;
  let registry: string;
  let home: string;
  const publish = (name: string, version: string) => local.publish(name, version);

  beforeAll(async () => {
    local = await startRegistry();
    registry = local.url;
  });

  afterAll(() => local.close());

  beforeEach(() => {
    home = tempDir();
    for (const [key, value] of Object.entries(npmEnv(home))) vi.stubEnv(key, value);
    return () => vi.unstubAllEnvs();
  });

  /** An agent with `deps` installed from the local registry, and a sandbox copy of it. */
  async function installedAgent(
    manifest: Record<string, unknown>,
  ): Promise<{ agent: string; sandbox: string }> {
    const agent = tempDir({
      'package.json': `${JSON.stringify({ name: 'agent', version: '1.0.0', private: true, ...manifest }, null, 2)}\n`,
      '.npmrc': `registry=${registry}\n`,
    });
    // Asynchronous: the registry answers from this very process.
    const install = await runTool('npm', ['install', '--no-audit', '--no-fund'], agent, 60_000);
    expect(install.exitCode, install.stderr).toBe(0);
    const sandbox = tempDir();
    fs.cpSync(agent, sandbox, { recursive: true, verbatimSymlinks: true });
    return { agent, sandbox };
  }

  /** An apply context that records every command the strategy runs. */
  function countingContext(sandbox: string) {
    const base = makeApplyContext(sandbox);
    const calls: string[][] = [];
    const ctx = Object.freeze({
      ...base,
      run: (command: string, args: readonly string[], options?: { cwd?: string; timeoutMs?: number }) => {
        calls.push([command, ...args]);
        return base.run(command, args, options);
      },
    });
    return { ctx, calls };
  }

  /** The parts of package.json, package-lock.json and an installed package.json the tests read. */
  interface NpmJson {
    version?: string;
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
    packages: Record<string, { version: string; dev?: boolean }>;
  }
  const read = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as NpmJson;

  it('upgrades a caret dependency: package.json, lockfile and node_modules follow', async () => {
    publish('fake-dep', '1.0.0');
    const { agent, sandbox } = await installedAgent({ dependencies: { 'fake-dep': '^1.0.0' } });
    const agentBefore = fs.readFileSync(path.join(agent, 'package-lock.json'), 'utf8');
    publish('fake-dep', '2.0.0');
    const [action] = await plan(
      dependencyUpgrade,
      opportunity('tool_upgrade', {
        evidence: {
          package: 'fake-dep',
          declared: '^1.0.0',
          current: '1.0.0',
          latest: '2.0.0',
          dependencyType: 'dependencies',
        },
      }),
      makeStrategyContext({ agent: { path: agent } }),
    );
    expect(action).toMatchObject({ risk: 'medium', to: '2.0.0' });
    await apply(dependencyUpgrade, action!, makeApplyContext(sandbox, { agent: { path: agent } }));
    expect(read(path.join(sandbox, 'package.json')).dependencies).toEqual({ 'fake-dep': '^2.0.0' });
    expect(read(path.join(sandbox, 'package-lock.json')).packages['node_modules/fake-dep']?.version).toBe(
      '2.0.0',
    );
    expect(read(path.join(sandbox, 'node_modules/fake-dep/package.json')).version).toBe('2.0.0');
    // The real agent folder is not touched.
    expect(fs.readFileSync(path.join(agent, 'package-lock.json'), 'utf8')).toBe(agentBefore);
    expect(read(path.join(agent, 'node_modules/fake-dep/package.json')).version).toBe('1.0.0');
  }, 60_000);

  it('keeps an exact dev dependency exact and in devDependencies', async () => {
    publish('fake-dev', '1.0.0');
    const { sandbox } = await installedAgent({ devDependencies: { 'fake-dev': '1.0.0' } });
    publish('fake-dev', '1.1.0');
    const action = {
      type: 'dependency_upgrade',
      description: 'x',
      package: 'fake-dev',
      from: '1.0.0',
      to: '1.1.0',
      dependencyType: 'devDependencies',
    };
    await apply(dependencyUpgrade, action, makeApplyContext(sandbox));
    const manifest = read(path.join(sandbox, 'package.json'));
    expect(manifest.devDependencies).toEqual({ 'fake-dev': '1.1.0' });
    expect(manifest.dependencies).toBeUndefined();
    const locked = read(path.join(sandbox, 'package-lock.json')).packages['node_modules/fake-dev'];
    expect(locked).toMatchObject({ version: '1.1.0', dev: true });
    expect(read(path.join(sandbox, 'node_modules/fake-dev/package.json')).version).toBe('1.1.0');
  }, 60_000);

  it("fails with npm's error when the version cannot be installed", async () => {
    publish('fake-gone', '1.0.0');
    const { sandbox } = await installedAgent({ dependencies: { 'fake-gone': '^1.0.0' } });
    const action = { type: 'dependency_upgrade', description: 'x', package: 'fake-gone', to: '9.9.9' };
    await expect(apply(dependencyUpgrade, action, makeApplyContext(sandbox))).rejects.toThrow(
      /npm install \(fake-gone@9\.9\.9\) failed \(exit \d+\): [\s\S]*(ETARGET|No matching version)/,
    );
  }, 60_000);

  it('a batch of upgrades costs one offline-first npm install; every package follows', async () => {
    publish('fake-a', '1.0.0');
    publish('fake-b', '1.0.0');
    publish('fake-c', '1.0.0');
    const { sandbox } = await installedAgent({
      dependencies: { 'fake-a': '^1.0.0', 'fake-b': '~1.0.0' },
      devDependencies: { 'fake-c': '1.0.0' },
    });
    publish('fake-a', '2.0.0');
    publish('fake-b', '1.1.0');
    publish('fake-c', '1.2.0');
    // npm's cache knows the new versions (as after a first try of them): nothing is asked again.
    for (const pkg of ['fake-a', 'fake-b', 'fake-c'])
      await runTool('npm', ['view', pkg, 'versions'], sandbox, 60_000);
    const { ctx, calls } = countingContext(sandbox);
    const upgrade = (pkg: string, to: string, dependencyType: string) => ({
      type: 'dependency_upgrade',
      description: 'x',
      package: pkg,
      to,
      dependencyType,
    });
    await dependencyUpgrade.applyBatch(
      [
        upgrade('fake-a', '2.0.0', 'dependencies'),
        upgrade('fake-b', '1.1.0', 'dependencies'),
        upgrade('fake-c', '1.2.0', 'devDependencies'),
      ],
      sandbox,
      ctx,
    );
    expect(calls).toEqual([['npm', ...INSTALL_ARGS]]);
    expect(INSTALL_ARGS).toEqual(['install', '--prefer-offline', '--no-audit', '--no-fund']);
    const manifest = read(path.join(sandbox, 'package.json'));
    expect(manifest.dependencies).toEqual({ 'fake-a': '^2.0.0', 'fake-b': '~1.1.0' });
    expect(manifest.devDependencies).toEqual({ 'fake-c': '1.2.0' });
    const lock = read(path.join(sandbox, 'package-lock.json')).packages;
    expect(['fake-a', 'fake-b', 'fake-c'].map((p) => lock[`node_modules/${p}`]?.version)).toEqual([
      '2.0.0',
      '1.1.0',
      '1.2.0',
    ]);
    for (const [pkg, version] of [
      ['fake-a', '2.0.0'],
      ['fake-b', '1.1.0'],
      ['fake-c', '1.2.0'],
    ])
      expect(read(path.join(sandbox, 'node_modules', pkg!, 'package.json')).version).toBe(version);
  }, 60_000);

  it('a packument cached before the release: the offline-first install asks the registry once more', async () => {
    publish('fake-late', '1.0.0');
    const { sandbox } = await installedAgent({ dependencies: { 'fake-late': '^1.0.0' } });
    publish('fake-late', '1.1.0');
    const { ctx, calls } = countingContext(sandbox);
    const action = { type: 'dependency_upgrade', description: 'x', package: 'fake-late', to: '1.1.0' };
    await dependencyUpgrade.apply(action, sandbox, ctx);
    expect(calls).toEqual([
      ['npm', ...INSTALL_ARGS],
      ['npm', 'install', '--prefer-online', '--no-audit', '--no-fund'],
    ]);
    expect(read(path.join(sandbox, 'node_modules/fake-late/package.json')).version).toBe('1.1.0');
  }, 60_000);

  it('refuses an action whose package or version is not an npm one', async () => {
    const sandbox = tempDir({ 'package.json': '{}' });
    const ctx = makeApplyContext(sandbox);
    await expect(
      apply(
        dependencyUpgrade,
        { type: 'dependency_upgrade', description: 'x', package: '-g', to: '1.0.0' },
        ctx,
      ),
    ).rejects.toThrow(/Not an npm package name/);
    await expect(
      apply(
        dependencyUpgrade,
        { type: 'dependency_upgrade', description: 'x', package: 'a', to: 'file:..' },
        ctx,
      ),
    ).rejects.toThrow(/Not a version/);
  });
});
