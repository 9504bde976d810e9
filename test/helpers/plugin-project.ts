import path from 'node:path';
import { expect } from 'vitest';
import { kv1nt, kv1ntAsync, tempDir } from './cli.js';

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();

export interface Warning {
  plugin: string;
  component?: string;
  error: string;
}
export interface Analysis {
  healthScore: number | null;
  opportunities: Array<{ detector: string; type: string; title: string; status: string; evidence: unknown }>;
  warnings: Warning[];
}
export interface PluginsReport {
  plugins: Array<{
    name: string;
    source: string;
    version?: string;
    package?: string;
    isolated: boolean;
    detectors: string[];
    location?: string;
  }>;
  warnings: Warning[];
}

/** A plugin module (ESM, plain JavaScript) with one detector whose body is `detect`. */
export const plugin = (name: string, detect: string, extra = '') => `
export default {
  apiVersion: 1,
  name: ${JSON.stringify(name)},
  ${extra}
  detectors: [{
    id: '${name}/detector',
    type: 'code_smell',
    description: 'test detector of ${name}',
    detect(ctx) { ${detect} },
  }],
};
`;

/**
 * A project with agent `a1` (3 Timeout failures: the built-in error_pattern fires; `deploy` both
 * succeeds and fails: the example's flaky-operations fires), the given config and files, private
 * KV1NT_HOME (`<dir>/home`) and private oclif data/cache/config folders (where `plugins
 * install|link` write). npm, which `plugins install` runs, is offline and its registry a closed
 * loopback port: nothing reaches the network.
 */
export function pluginProject(config: Record<string, unknown> = {}, files: Record<string, string> = {}) {
  const dir = tempDir({
    '.kv1ntrc.json': JSON.stringify({ agents: { a1: { path: './agent', test: 'true' } }, ...config }),
    'agent/.keep': '',
    ...files,
  });
  const home = path.join(dir, 'home');
  const env = {
    KV1NT_DATA_DIR: path.join(dir, 'oclif-data'),
    KV1NT_CACHE_DIR: path.join(dir, 'oclif-cache'),
    KV1NT_CONFIG_DIR: path.join(dir, 'oclif-config'),
    XDG_DATA_HOME: path.join(dir, 'xdg-data'),
    XDG_CACHE_HOME: path.join(dir, 'xdg-cache'),
    XDG_CONFIG_HOME: path.join(dir, 'xdg-config'),
    npm_config_cache: path.join(dir, 'npm-cache'),
    npm_config_offline: 'true',
    npm_config_registry: 'http://127.0.0.1:9/',
    npm_config_update_notifier: 'false',
  };
  const cli = (args: string[]) => kv1nt(home, args, { cwd: dir, env });
  // For long tests: vitest's worker keeps answering while the command runs.
  const cliAsync = (args: string[]) => kv1ntAsync(home, args, { cwd: dir, env });
  const entries = [
    ...['deploy', 'deploy', 'deploy'].map((op, i) => ({
      operationId: op,
      type: 'success',
      timestamp: hoursAgo(i + 1),
    })),
    ...['deploy', 'deploy', 'deploy'].map((op, i) => ({
      operationId: op,
      type: 'failure',
      errorType: 'Timeout',
      timestamp: hoursAgo(i + 1),
    })),
  ];
  const input = entries.map((e) => JSON.stringify({ agentId: 'a1', ...e })).join('\n');
  const result = kv1nt(home, ['feedback', 'import', '-', '--json'], { cwd: dir, env, input });
  expect(result.code, result.stderr).toBe(0);
  return { dir, home, env, cli, cliAsync };
}
