import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  configPluginCandidates,
  oclifPluginCandidates,
  withoutDuplicates,
} from '../../../src/core/plugins/discover.js';
import { loadCandidates } from '../../../src/core/plugins/load-plugins.js';
import { collectPlugins } from '../../../src/core/plugins/validate-plugin.js';
import { tempDir } from '../../helpers/cli.js';

const module = (name: string) =>
  `export default { apiVersion: 1, name: '${name}', detectors: [{ id: '${name}/d', type: 'code_smell', description: '', detect: () => [] }] };`;

describe('configPluginCandidates', () => {
  it('resolves paths from the config file and package names from node_modules above it', async () => {
    const dir = tempDir({
      'project/plugins/local.mjs': module('local'),
      'node_modules/kv1nt-plugin-pkg/package.json': JSON.stringify({
        name: 'kv1nt-plugin-pkg',
        version: '2.3.4',
        type: 'module',
        exports: { '.': { import: './lib/main.js' } },
      }),
      'node_modules/kv1nt-plugin-pkg/lib/main.js': module('pkg'),
      'node_modules/@acme/kv1nt-tools/package.json': JSON.stringify({
        name: '@acme/kv1nt-tools',
        version: '0.1.0',
        type: 'module',
        main: 'index.js',
        kv1nt: { plugin: './plugin.js' },
      }),
      'node_modules/@acme/kv1nt-tools/plugin.js': module('acme'),
    });
    const candidates = configPluginCandidates(
      {
        file: path.join(dir, 'project', '.kv1ntrc.json'),
        config: {
          plugins: ['./plugins/local.mjs', 'kv1nt-plugin-pkg', '@acme/kv1nt-tools', 'nope', './gone.js'],
        },
      },
      '/',
    );
    // Found, not loaded: no plugin object yet, only where its module is.
    expect(candidates.map((c) => c.plugin)).toEqual([undefined, undefined, undefined, undefined, undefined]);
    const set = collectPlugins(await loadCandidates(candidates, 10_000));
    expect(set.plugins.map((p) => [p.name, p.source, p.location, p.version])).toEqual([
      ['local', 'config', './plugins/local.mjs', undefined],
      ['pkg', 'config', 'kv1nt-plugin-pkg', '2.3.4'],
      ['acme', 'config', '@acme/kv1nt-tools', '0.1.0'],
    ]);
    expect(set.detectors.every((d) => d.modulePath !== undefined)).toBe(true);
    expect(set.warnings.map((w) => w.plugin)).toEqual(['nope', './gone.js']);
    expect(set.warnings[0]!.error).toMatch(/could not be loaded: package nope is not installed/);
  });
});

describe('configPluginCandidates with a folder', () => {
  it("reads a plugin folder's package.json for its module, and says what a folder without one needs", async () => {
    const dir = tempDir({
      'plugins/acme/package.json': JSON.stringify({
        name: 'kv1nt-plugin-acme',
        version: '1.2.0',
        type: 'module',
        kv1nt: { plugin: './lib/plugin.js' },
      }),
      'plugins/acme/lib/plugin.js': module('acme'),
      'plugins/bare/index.mjs': module('bare'),
    });
    const candidates = configPluginCandidates(
      {
        file: path.join(dir, '.kv1ntrc.json'),
        config: {
          plugins: ['./plugins/acme', `file:${path.join(dir, 'plugins', 'acme')}`, './plugins/bare'],
        },
      },
      '/',
    );
    expect(candidates[0]).toMatchObject({
      modulePath: path.join(dir, 'plugins', 'acme', 'lib', 'plugin.js'),
      version: '1.2.0',
    });
    const set = collectPlugins(withoutDuplicates(await loadCandidates(candidates, 10_000)));
    expect(set.plugins.map((p) => [p.name, p.location, p.version])).toEqual([
      ['acme', './plugins/acme', '1.2.0'],
    ]);
    expect(set.warnings).toEqual([
      {
        plugin: './plugins/bare',
        error: `could not be loaded: ${path.join(dir, 'plugins', 'bare')} is a folder without a package.json: name the plugin's module file, or give the folder a package.json with "kv1nt": {"plugin": "<module>"}`,
      },
    ]);
  });
});

describe('oclifPluginCandidates', () => {
  it('takes only packages that declare "kv1nt": {"plugin"}', () => {
    const dir = tempDir({ 'a/index.mjs': module('a') });
    const candidates = oclifPluginCandidates([
      {
        name: 'kv1nt-a',
        root: path.join(dir, 'a'),
        version: '1.0.0',
        type: 'link',
        pjson: { kv1nt: { plugin: './index.mjs' } },
      },
      { name: 'commands-only', root: path.join(dir, 'b'), version: '1.0.0', type: 'user', pjson: {} },
    ]);
    expect(candidates).toHaveLength(1);
    expect(candidates[0]).toMatchObject({
      source: 'link',
      label: 'kv1nt-a',
      package: 'kv1nt-a',
      version: '1.0.0',
    });
    expect(withoutDuplicates([...candidates, ...candidates])).toHaveLength(1);
  });
});
