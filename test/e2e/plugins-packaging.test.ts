import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { plugin, pluginProject, type Analysis, type PluginsReport } from '../helpers/plugin-project.js';

/*
 * Plugin packages on disk (issue 11, item 15): tarballs and folders install, a config entry may
 * name a folder, a package without "oclif" is refused with what to add, and the name `kv1nt
 * plugins` shows is the one `plugins uninstall` takes. npm is offline, its registry a closed port.
 */

const EXAMPLE = path.join(ROOT, 'examples', 'kv1nt-plugin-example');

/** `npm pack` of `folder` into `into`; returns the tarball's path. */
function pack(folder: string, into: string, env: Record<string, string>): string {
  const run = spawnSync('npm', ['pack', folder, '--pack-destination', into, '--json'], {
    cwd: into,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  expect(run.status, run.stderr).toBe(0);
  const packed = JSON.parse(run.stdout) as Array<{ filename: string }>;
  return path.join(into, packed[0]!.filename);
}

/** oclif's error output as one line (it wraps long messages, each line starting with ›). */
const oneLine = (text: string) => text.replace(/\s*\n\s*›\s*/g, ' ').trim();

/** A plugin package without the "oclif" key that oclif's plugin manager requires. */
const NO_OCLIF = {
  'no-oclif/package.json': JSON.stringify({
    name: 'kv1nt-plugin-no-oclif',
    version: '0.1.0',
    type: 'module',
    kv1nt: { plugin: './plugin.js' },
  }),
  'no-oclif/plugin.js': plugin('no-oclif', 'return [];'),
};

describe('kv1nt plugins install of a tarball made with npm pack', () => {
  it('installs ./x.tgz and /abs/x.tgz offline; the listed package is what uninstall takes', async () => {
    const { dir, env, cliAsync: cli } = pluginProject();
    const tarball = pack(EXAMPLE, dir, env);

    const relative = await cli(['plugins', 'install', `./${path.basename(tarball)}`]);
    expect(relative.code, relative.stderr).toBe(0);
    const listed = (await cli(['plugins', '--json'])).json<PluginsReport>();
    expect(listed.plugins.find((p) => p.name === 'example')).toMatchObject({
      source: 'user',
      package: 'kv1nt-plugin-example',
      version: '1.0.0',
      detectors: ['example/flaky-operations', 'example/slow-outliers'],
    });
    expect((await cli(['plugins'])).stdout).toMatch(
      /example\s+kv1nt-plugin-example\s+installed\s+1\.0\.0\s+2 detectors/,
    );
    const analysis = (await cli(['analyze', 'a1', '--json'])).json<Analysis>();
    expect(analysis.opportunities.map((o) => o.detector)).toContain('example/flaky-operations');

    const uninstall = await cli(['plugins', 'uninstall', 'kv1nt-plugin-example']);
    expect(uninstall.code, uninstall.stderr).toBe(0);
    expect((await cli(['plugins', '--json'])).json<PluginsReport>().plugins.map((p) => p.name)).toEqual([
      'kv1nt-builtin',
    ]);

    const absolute = await cli(['plugins', 'install', tarball]);
    expect(absolute.code, absolute.stderr).toBe(0);
    expect((await cli(['plugins', '--json'])).json<PluginsReport>().plugins.map((p) => p.package)).toEqual([
      undefined,
      'kv1nt-plugin-example',
    ]);
  });

  it('refuses a path that does not exist at once, instead of trying GitHub', async () => {
    const { cliAsync: cli } = pluginProject();
    const run = await cli(['plugins', 'install', './nowhere-1.0.0.tgz']);
    expect(run.code).toBe(2);
    expect(oneLine(run.stderr)).toMatch(
      /\.\/nowhere-1\.0\.0\.tgz: there is no file or folder .*nowhere-1\.0\.0\.tgz/,
    );
  });
});

describe('a package without "oclif": {}', () => {
  it('is refused by install (folder or tarball) and link, saying what to add', async () => {
    const { dir, env, cliAsync: cli } = pluginProject({}, NO_OCLIF);
    const tarball = pack(path.join(dir, 'no-oclif'), dir, env);
    for (const args of [
      ['plugins', 'install', './no-oclif'],
      ['plugins', 'install', tarball],
      ['plugins', 'link', './no-oclif', '--no-install'],
    ]) {
      const run = await cli(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(oneLine(run.stderr)).toContain(
        'its package.json has no "oclif" key, which kv1nt plugins install and link require. Add "oclif": {} to the package.json of kv1nt-plugin-no-oclif',
      );
    }
    expect((await cli(['plugins', '--json'])).json<PluginsReport>().plugins.map((p) => p.name)).toEqual([
      'kv1nt-builtin',
    ]);
    expect(fs.existsSync(path.join(dir, 'oclif-data', 'node_modules', 'kv1nt-plugin-no-oclif'))).toBe(false);
  });
});

describe("a config's plugins entry naming a plugin package's folder", () => {
  it("loads the module its package.json's kv1nt.plugin names", async () => {
    // It used to fail with "Directory import … is not supported".
    const { cliAsync: cli } = pluginProject({ plugins: ['./no-oclif', EXAMPLE] }, NO_OCLIF);
    const run = await cli(['analyze', 'a1', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const analysis = run.json<Analysis>();
    expect(analysis.warnings).toEqual([]);
    expect(analysis.opportunities.map((o) => o.detector)).toContain('example/flaky-operations');
    const listed = (await cli(['plugins', '--json'])).json<PluginsReport>();
    expect(listed.plugins.map((p) => [p.name, p.source, p.version])).toEqual([
      ['kv1nt-builtin', 'builtin', '0.1.0'],
      ['no-oclif', 'config', '0.1.0'],
      ['example', 'config', '1.0.0'],
    ]);
  });
});
