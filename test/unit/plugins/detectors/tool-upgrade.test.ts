import path from 'node:path';
import { expect } from 'vitest';
import type { ToolResult } from '../../../../src/core/sdk/types.js';
import toolUpgrade from '../../../../src/plugins/detectors/tool-upgrade.js';
import type { DetectorContextInput } from '../../../../src/testing/index.js';
import { DetectorTester, agentFolder, exactly, runsNothing } from '../../../helpers/detector-cases.js';

const MANIFEST = {
  name: 'upgrade-agent',
  version: '1.0.0',
  dependencies: { chalk: '^4.1.0', lodash: '^4.17.0', semver: '^7.0.0', 'left-pad': '^1.3.0' },
  devDependencies: { typescript: '~5.3.0' },
  optionalDependencies: { fsevents: '^2.3.0' },
};

/** An agent folder with this package.json (no node_modules unless `installed`). */
function agentDir(manifest: object = MANIFEST, installed = false): string {
  return agentFolder({
    'package.json': JSON.stringify(manifest, null, 2),
    ...(installed ? { 'node_modules/.package-lock.json': '{}' } : {}),
  });
}

const dir = agentDir();

/** One entry of `npm outdated --json --long` (npm 10) for a package of `dir`. */
function entry(name: string, type: string, versions: { current?: string; wanted: string; latest: string }) {
  return {
    ...(versions.current === undefined ? {} : { current: versions.current }),
    wanted: versions.wanted,
    latest: versions.latest,
    dependent: 'upgrade-agent',
    location: versions.current === undefined ? '' : path.join(dir, 'node_modules', name),
    type,
    homepage: `https://www.npmjs.com/package/${name}`,
  };
}

/** The agent in `folder`, whose `npm outdated` answers `result`. */
function outdated(result: Partial<ToolResult>, folder = dir): DetectorContextInput {
  return { agent: { path: folder }, run: () => result };
}

const notInstalledWarning = `the dependencies of the agent are not installed (no node_modules in ${dir}): run \`npm install\` there, so that tool_upgrade compares what is installed with the latest versions`;

const noReport: Array<[name: string, result: Partial<ToolResult>, error: string | RegExp]> = [
  [
    'offline, no output',
    {
      exitCode: 1,
      stderr:
        'npm error code ENOTFOUND\nnpm error network request to https://registry.npmjs.org/chalk failed, reason: getaddrinfo ENOTFOUND registry.npmjs.org\n',
    },
    /^npm outdated gave no report \(exit 1\): npm error code ENOTFOUND/,
  ],
  [
    'non-JSON output',
    { exitCode: 1, stdout: 'npm error code EAI_AGAIN\n', stderr: 'npm error network\n' },
    /^npm outdated gave no report \(exit 1\): npm error network/,
  ],
  [
    'npm not installed',
    { exitCode: null, error: 'spawn npm ENOENT' },
    /^npm outdated gave no report \(spawn npm ENOENT\)/,
  ],
  [
    'a time-out',
    { exitCode: null, timedOut: true, stdout: '{"chalk": {"curr' },
    /^npm outdated gave no report \(timed out\)/,
  ],
  [
    "npm's JSON error report (offline)",
    {
      exitCode: 1,
      stdout: JSON.stringify({
        error: {
          code: 'ENOTFOUND',
          summary:
            'request to https://registry.npmjs.org/chalk failed, reason: getaddrinfo ENOTFOUND registry.npmjs.org',
          detail: 'This is a problem related to network connectivity.',
        },
      }),
    },
    /^npm outdated failed: \{"code":"ENOTFOUND"/,
  ],
];

const notRun: Array<[name: string, folder: string | undefined]> = [
  ['no package.json', agentFolder({ 'index.js': '' })],
  ['no dependencies', agentDir({ name: 'bare', version: '1.0.0' })],
  ['empty dependency lists', agentDir({ name: 'bare', dependencies: {}, devDependencies: {} })],
  ['no agent folder', undefined],
];

new DetectorTester().run(toolUpgrade, {
  valid: [
    {
      name: 'no finding for nothing outdated (exit 0, no output)',
      ctx: outdated({ exitCode: 0, stdout: '' }),
    },
    { name: 'no finding for nothing outdated (exit 0, {})', ctx: outdated({ exitCode: 0, stdout: '{}\n' }) },
    {
      name: 'a fresh clone without node_modules: a warning says to run npm install there',
      ctx: outdated({ exitCode: 0, stdout: '' }),
      warnings: [notInstalledWarning],
    },
    {
      name: 'with node_modules installed: no warning',
      ctx: outdated({ exitCode: 0, stdout: '' }, agentDir(MANIFEST, true)),
      warnings: [],
    },
    {
      name: 'current == latest → no finding',
      ctx: outdated({
        exitCode: 1,
        stdout: JSON.stringify({
          chalk: entry('chalk', 'dependencies', { current: '5.3.0', wanted: '4.1.2', latest: '5.3.0' }),
        }),
      }),
    },
    {
      name: 'a package that package.json does not declare is ignored',
      ctx: outdated({
        exitCode: 1,
        stdout: JSON.stringify({
          ms: entry('ms', 'dependencies', { current: '2.0.0', wanted: '2.0.0', latest: '2.1.3' }),
          debug: entry('debug', 'dependencies', { current: '2.6.9', wanted: '2.6.9', latest: '4.3.7' }),
        }),
      }),
    },
    ...notRun.map(([name, folder]) => ({
      name: `no finding and no run with ${name}`,
      ctx: { agent: folder === undefined ? {} : { path: folder } },
      check: runsNothing,
    })),
  ],
  invalid: [
    {
      // npm outdated exits 1 when something is outdated; the type's default severity (LOW) comes from the host.
      name: 'one finding per outdated declared package, keyed by its name',
      ctx: {
        ...outdated({
          exitCode: 1,
          stdout: JSON.stringify(
            {
              chalk: entry('chalk', 'dependencies', { current: '4.1.2', wanted: '4.1.2', latest: '5.3.0' }),
              lodash: entry('lodash', 'dependencies', {
                current: '4.17.20',
                wanted: '4.17.21',
                latest: '4.17.21',
              }),
              // Installed at the latest, but outside the declared range: nothing newer to take.
              semver: entry('semver', 'dependencies', { current: '7.6.3', wanted: '7.6.3', latest: '7.6.3' }),
              'left-pad': entry('left-pad', 'dependencies', { wanted: '1.3.0', latest: '1.3.0' }),
              typescript: entry('typescript', 'devDependencies', {
                current: '5.3.2',
                wanted: '5.3.3',
                latest: '5.6.3',
              }),
              // Not declared in package.json (e.g. a workspace's or a transitive dependency).
              ms: entry('ms', 'dependencies', { current: '2.0.0', wanted: '2.0.0', latest: '2.1.3' }),
            },
            null,
            2,
          ),
        }),
        thresholds: { toolTimeoutMs: 2500 },
      },
      ...exactly(
        [
          {
            title: 'chalk 4.1.2 → 5.3.0',
            description:
              'The agent declares chalk@^4.1.0; 4.1.2 is installed, the latest is 5.3.0 (4.1.2 within the declared range).',
            evidence: {
              package: 'chalk',
              declared: '^4.1.0',
              current: '4.1.2',
              wanted: '4.1.2',
              latest: '5.3.0',
              dependencyType: 'dependencies',
            },
            subject: 'chalk',
          },
          {
            title: 'lodash 4.17.20 → 4.17.21',
            description: 'The agent declares lodash@^4.17.0; 4.17.20 is installed, the latest is 4.17.21.',
            evidence: {
              package: 'lodash',
              declared: '^4.17.0',
              current: '4.17.20',
              wanted: '4.17.21',
              latest: '4.17.21',
              dependencyType: 'dependencies',
            },
            subject: 'lodash',
          },
          {
            title: 'left-pad (not installed) → 1.3.0',
            description: 'The agent declares left-pad@^1.3.0; it is not installed, the latest is 1.3.0.',
            evidence: {
              package: 'left-pad',
              declared: '^1.3.0',
              current: null,
              wanted: '1.3.0',
              latest: '1.3.0',
              dependencyType: 'dependencies',
            },
            subject: 'left-pad',
          },
          {
            title: 'typescript 5.3.2 → 5.6.3',
            description:
              'The agent declares typescript@~5.3.0; 5.3.2 is installed, the latest is 5.6.3 (5.3.3 within the declared range).',
            evidence: {
              package: 'typescript',
              declared: '~5.3.0',
              current: '5.3.2',
              wanted: '5.3.3',
              latest: '5.6.3',
              dependencyType: 'devDependencies',
            },
            subject: 'typescript',
          },
        ],
        (_findings, ctx) =>
          expect(ctx.runCalls).toEqual([
            { command: 'npm', args: ['outdated', '--json', '--long'], options: { timeoutMs: 2500 } },
          ]),
      ),
    },
    {
      name: 'takes the first entry when npm lists a package at several locations',
      ctx: outdated({
        exitCode: 1,
        stdout: JSON.stringify({
          fsevents: [
            entry('fsevents', 'optionalDependencies', { current: '2.3.2', wanted: '2.3.3', latest: '2.3.3' }),
            entry('fsevents', 'optionalDependencies', { current: '2.3.3', wanted: '2.3.3', latest: '2.3.3' }),
          ],
        }),
      }),
      findings: [{ title: 'fsevents 2.3.2 → 2.3.3', subject: 'fsevents' }],
    },
    // Regression: `'error' in outdated` took a dependency named "error" for npm's own error report.
    {
      name: 'reports an outdated dependency named "error"',
      ctx: outdated(
        {
          exitCode: 1,
          stdout: JSON.stringify({
            error: entry('error', 'dependencies', { current: '7.0.2', wanted: '7.2.1', latest: '10.4.0' }),
          }),
        },
        agentDir({ name: 'x', dependencies: { error: '^7.0.0' } }),
      ),
      findings: [{ subject: 'error', title: 'error 7.0.2 → 10.4.0' }],
    },
    ...noReport.map(([name, result, error]) => ({ name: `throws on ${name}`, ctx: outdated(result), error })),
  ],
});
