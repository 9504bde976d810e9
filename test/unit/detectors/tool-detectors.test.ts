// Detector tests, grouped a few detectors per file to keep vitest's per-file start-up cost low.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ToolResult } from '../../../src/core/sdk/types.js';
import guardianCommand from '../../../src/plugins/detectors/guardian-command.js';
import npmAudit from '../../../src/plugins/detectors/npm-audit.js';
import toolUpgrade from '../../../src/plugins/detectors/tool-upgrade.js';
import { tempDir } from '../../helpers/cli.js';
import { detect, makeContext, toolResult, type ContextOverrides } from '../../helpers/detector-context.js';

describe('kv1nt/guardian-command', () => {
  const GUARDIAN = 'npx eslint . -f json';
  const AGENT = { path: '/agents/lint-bot', guardian: GUARDIAN };

  type Message = [ruleId: string | null, severity: 1 | 2];

  /** One file of `eslint -f json` output, as ESLint 9 writes it. */
  function eslintFile(filePath: string, messages: Message[]) {
    return {
      filePath,
      messages: messages.map(([ruleId, severity], i) => ({
        ruleId,
        severity,
        message: ruleId === null ? 'Parsing error: Unexpected token )' : `problem ${i} reported by ${ruleId}`,
        line: i + 1,
        column: 1,
        ...(ruleId === null ? { fatal: true } : { nodeType: 'Identifier', messageId: 'x' }),
      })),
      suppressedMessages: [],
      errorCount: messages.filter(([, s]) => s === 2).length,
      fatalErrorCount: messages.filter(([r]) => r === null).length,
      warningCount: messages.filter(([, s]) => s === 1).length,
      fixableErrorCount: 0,
      fixableWarningCount: 0,
      usedDeprecatedRules: [],
    };
  }

  function context(result: ToolResult, overrides: ContextOverrides = {}) {
    return makeContext({ agent: AGENT, run: () => result, ...overrides });
  }

  it('runs the guardian through sh in the agent folder, with the tool time limit', async () => {
    const ctx = context(toolResult({ stdout: '[]' }), { thresholds: { toolTimeoutMs: 1234 } });
    await detect(guardianCommand, ctx);
    expect(ctx.runCalls).toEqual([{ command: 'sh', args: ['-c', GUARDIAN], options: { timeoutMs: 1234 } }]);
  });

  it.each([
    {
      case: 'ESLint JSON with 0 problems',
      stdout: JSON.stringify([eslintFile('/a/x.js', []), eslintFile('/a/y.js', [])]),
    },
    { case: 'ESLint JSON for no files', stdout: '[]' },
    { case: 'non-JSON output', stdout: 'All checks passed.\n' },
    { case: 'no output', stdout: '' },
  ])('no finding for $case with exit 0', async ({ stdout }) => {
    const ctx = context(toolResult({ exitCode: 0, stdout }));
    expect(await detect(guardianCommand, ctx)).toEqual([]);
    expect(ctx.runCalls).toHaveLength(1);
  });

  it('ESLint JSON with problems: counts and the most frequent rules', async () => {
    const stdout = JSON.stringify([
      eslintFile('/agents/lint-bot/src/index.js', [
        ['no-unused-vars', 2],
        ['no-unused-vars', 2],
        ['semi', 1],
        ['no-unused-vars', 1],
      ]),
      eslintFile('/agents/lint-bot/src/clean.js', []),
      eslintFile('/agents/lint-bot/src/broken.js', [
        [null, 2],
        ['no-undef', 2],
        ['no-undef', 2],
      ]),
    ]);
    // ESLint exits 1 when it finds errors: the JSON is what counts.
    const ctx = context(toolResult({ exitCode: 1, stdout }));
    expect(await detect(guardianCommand, ctx)).toEqual([
      {
        title: 'The guardian reports 7 problem(s) in 2 file(s)',
        description:
          '`npx eslint . -f json` found 7 problem(s); most frequent: no-unused-vars (3), no-undef (2), semi (1), unknown (1).',
        evidence: {
          command: GUARDIAN,
          problems: 7,
          errors: 5,
          warnings: 2,
          topRules: { 'no-unused-vars': 3, 'no-undef': 2, semi: 1, unknown: 1 },
        },
        subject: 'guardian-command',
      },
    ]);
  });

  it('keeps the top 5 rules only', async () => {
    const messages: Message[] = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].flatMap((rule, i) =>
      Array.from({ length: 7 - i }, (): Message => [`rule-${rule}`, 1]),
    );
    const ctx = context(
      toolResult({ exitCode: 0, stdout: JSON.stringify([eslintFile('/a/x.js', messages)]) }),
    );
    const [finding] = await detect(guardianCommand, ctx);
    expect(finding).toMatchObject({
      title: 'The guardian reports 28 problem(s) in 1 file(s)',
      evidence: {
        problems: 28,
        errors: 0,
        warnings: 28,
        topRules: { 'rule-a': 7, 'rule-b': 6, 'rule-c': 5, 'rule-d': 4, 'rule-e': 3 },
      },
    });
    expect(Object.keys((finding?.evidence as { topRules: object }).topRules)).toHaveLength(5);
  });

  it('counts rule ids that are Object.prototype names like any other', async () => {
    const messages: Message[] = [
      ['constructor', 1],
      ['constructor', 1],
      ['toString', 2],
    ];
    const ctx = context(
      toolResult({ exitCode: 1, stdout: JSON.stringify([eslintFile('/a/x.js', messages)]) }),
    );
    const [finding] = await detect(guardianCommand, ctx);
    expect(finding?.evidence?.topRules).toEqual({ constructor: 2, toString: 1 });
  });

  it('non-JSON output with exit 1 is a finding with the tail of the output', async () => {
    const ctx = makeContext({
      agent: { path: '/agents/lint-bot', guardian: './check.sh' },
      run: () => toolResult({ exitCode: 1, stdout: 'checking…\n', stderr: 'src/a.js: 3 style errors\n' }),
    });
    expect(await detect(guardianCommand, ctx)).toEqual([
      {
        title: 'The guardian command fails (exit 1)',
        description: '`./check.sh` exited with 1: checking…\nsrc/a.js: 3 style errors',
        evidence: { command: './check.sh', exitCode: 1 },
        subject: 'guardian-command',
      },
    ]);
  });

  it('keeps the last 500 characters of a long failing output', async () => {
    const stdout = `${'x'.repeat(1000)}END`;
    const [finding] = await detect(guardianCommand, context(toolResult({ exitCode: 2, stdout })));
    expect(finding?.title).toBe('The guardian command fails (exit 2)');
    expect(finding?.description).toBe(`\`${GUARDIAN}\` exited with 2: ${'x'.repeat(497)}END`);
  });

  it.each([
    {
      case: 'a run error',
      result: toolResult({ exitCode: null, error: 'spawn sh ENOENT' }),
      message: `the guardian command "${GUARDIAN}" could not run: spawn sh ENOENT`,
    },
    {
      case: 'a time-out',
      result: toolResult({ exitCode: null, timedOut: true, stdout: '[' }),
      message: `the guardian command "${GUARDIAN}" could not run: timed out`,
    },
  ])('throws on $case (the host reports a warning)', async ({ result, message }) => {
    const ctx = context(result);
    await expect(detect(guardianCommand, ctx)).rejects.toThrow(message);
    expect(ctx.warnings).toEqual([]);
  });

  it.each([
    { case: 'no guardian configured', agent: { path: '/agents/lint-bot' } },
    { case: 'an empty guardian', agent: { path: '/agents/lint-bot', guardian: '' } },
    { case: 'no agent folder', agent: { guardian: GUARDIAN } },
  ])('no finding and no run for $case', async ({ agent }) => {
    const ctx = makeContext({ agent });
    expect(await detect(guardianCommand, ctx)).toEqual([]);
    expect(ctx.runCalls).toEqual([]);
  });
});

describe('kv1nt/npm-audit', () => {
  type Level = 'info' | 'low' | 'moderate' | 'high' | 'critical';

  const ADVISORIES: Record<string, { severity: Level; title: string; url: string; range: string }> = {
    minimist: {
      severity: 'critical',
      title: 'Prototype Pollution in minimist',
      url: 'https://github.com/advisories/GHSA-xvch-5gv4-984h',
      range: '<0.2.4',
    },
    semver: {
      severity: 'high',
      title: 'semver vulnerable to Regular Expression Denial of Service',
      url: 'https://github.com/advisories/GHSA-c2qf-rxjj-qqgw',
      range: '>=7.0.0 <7.5.2',
    },
    postcss: {
      severity: 'moderate',
      title: 'PostCSS line return parsing error',
      url: 'https://github.com/advisories/GHSA-7fh5-64p2-3v2j',
      range: '<8.4.31',
    },
    'brace-expansion': {
      severity: 'low',
      title: 'brace-expansion Regular Expression Denial of Service vulnerability',
      url: 'https://github.com/advisories/GHSA-v6h2-p8h4-qcjw',
      range: '>=1.0.0 <=1.1.11',
    },
  };

  /** `npm audit --json` (auditReportVersion 2, npm ≥ 7) for the given vulnerable packages. */
  function auditJson(names: Array<keyof typeof ADVISORIES>): string {
    const counts: Record<Level | 'total', number> = {
      info: 0,
      low: 0,
      moderate: 0,
      high: 0,
      critical: 0,
      total: 0,
    };
    const vulnerabilities: Record<string, unknown> = {};
    names.forEach((name, i) => {
      const advisory = ADVISORIES[name]!;
      counts[advisory.severity]++;
      counts.total++;
      vulnerabilities[name] = {
        name,
        severity: advisory.severity,
        isDirect: true,
        via: [
          {
            source: 1_096_000 + i,
            name,
            dependency: name,
            title: advisory.title,
            url: advisory.url,
            severity: advisory.severity,
            cwe: ['CWE-1333'],
            cvss: { score: 7.5, vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H' },
            range: advisory.range,
          },
        ],
        effects: [],
        range: advisory.range,
        nodes: [`node_modules/${name}`],
        fixAvailable: true,
      };
    });
    return JSON.stringify(
      {
        auditReportVersion: 2,
        vulnerabilities,
        metadata: {
          vulnerabilities: counts,
          dependencies: { prod: 12, dev: 3, optional: 0, peer: 0, peerOptional: 0, total: 14 },
        },
      },
      null,
      2,
    );
  }

  function agentDir(): string {
    return tempDir({
      'package.json': JSON.stringify({ name: 'audit-agent', version: '1.0.0' }),
      'package-lock.json': JSON.stringify({ name: 'audit-agent', lockfileVersion: 3, packages: {} }),
    });
  }

  function context(result: ToolResult) {
    return makeContext({ agent: { path: agentDir() }, run: () => result });
  }

  it('runs npm audit --json with the tool time limit; 0 vulnerabilities → no finding', async () => {
    const ctx = makeContext({
      agent: { path: agentDir() },
      thresholds: { toolTimeoutMs: 4321 },
      run: () => toolResult({ exitCode: 0, stdout: auditJson([]) }),
    });
    expect(await detect(npmAudit, ctx)).toEqual([]);
    expect(ctx.runCalls).toEqual([
      { command: 'npm', args: ['audit', '--json'], options: { timeoutMs: 4321 } },
    ]);
  });

  it('moderate only → HIGH, with the whole finding', async () => {
    // npm audit exits 1 when it finds something.
    const findings = await detect(
      npmAudit,
      context(toolResult({ exitCode: 1, stdout: auditJson(['postcss']) })),
    );
    expect(findings).toEqual([
      {
        title: 'npm audit: 1 vulnerable package(s)',
        description:
          'npm audit reports 0 critical, 0 high, 1 moderate and 0 low vulnerabilities: postcss (moderate).',
        severity: 'HIGH',
        evidence: {
          counts: { info: 0, low: 0, moderate: 1, high: 0, critical: 0, total: 1 },
          packages: [{ name: 'postcss', severity: 'moderate' }],
        },
        subject: 'npm-audit',
      },
    ]);
  });

  it.each([
    {
      case: 'high',
      names: ['semver', 'postcss'],
      severity: 'CRITICAL',
      counts: '0 critical, 1 high, 1 moderate and 0 low',
    },
    {
      case: 'critical',
      names: ['minimist', 'brace-expansion'],
      severity: 'CRITICAL',
      counts: '1 critical, 0 high, 0 moderate and 1 low',
    },
    {
      case: 'low only',
      names: ['brace-expansion'],
      severity: 'MEDIUM',
      counts: '0 critical, 0 high, 0 moderate and 1 low',
    },
  ] as const)('$case → $severity', async ({ names, severity, counts }) => {
    const findings = await detect(
      npmAudit,
      context(toolResult({ exitCode: 1, stdout: auditJson([...names]) })),
    );
    expect(findings).toEqual([
      {
        title: `npm audit: ${names.length} vulnerable package(s)`,
        description: `npm audit reports ${counts} vulnerabilities: ${names.map((n) => `${n} (${ADVISORIES[n]!.severity})`).join(', ')}.`,
        severity,
        evidence: {
          counts: expect.objectContaining({ total: names.length }) as unknown,
          packages: names.map((name) => ({ name, severity: ADVISORIES[name]!.severity })),
        },
        subject: 'npm-audit',
      },
    ]);
  });

  it('info-level advisories alone are no finding', async () => {
    const stdout = JSON.stringify({
      auditReportVersion: 2,
      vulnerabilities: {},
      metadata: { vulnerabilities: { info: 2, low: 0, moderate: 0, high: 0, critical: 0, total: 2 } },
    });
    expect(await detect(npmAudit, context(toolResult({ stdout })))).toEqual([]);
  });

  it('names at most 8 packages in the description but keeps them all in the evidence', async () => {
    const vulnerabilities = Object.fromEntries(
      Array.from({ length: 10 }, (_, i) => [`pkg-${i}`, { name: `pkg-${i}`, severity: 'low', via: [] }]),
    );
    const stdout = JSON.stringify({
      auditReportVersion: 2,
      vulnerabilities,
      metadata: { vulnerabilities: { info: 0, low: 10, moderate: 0, high: 0, critical: 0, total: 10 } },
    });
    const [finding] = await detect(npmAudit, context(toolResult({ exitCode: 1, stdout })));
    expect(finding?.description).toContain('pkg-7 (low).');
    expect(finding?.description).not.toContain('pkg-8');
    expect((finding?.evidence as { packages: unknown[] }).packages).toHaveLength(10);
  });

  it.each([
    {
      case: 'unparsable output',
      result: toolResult({ exitCode: 1, stdout: 'npm error code ENOTFOUND\n' }),
      message: 'npm audit gave no report (exit 1); is the registry reachable?',
    },
    {
      case: 'no output after a time-out',
      result: toolResult({ exitCode: null, timedOut: true }),
      message: 'npm audit gave no report (timed out); is the registry reachable?',
    },
    {
      case: 'npm not installed',
      result: toolResult({ exitCode: null, error: 'spawn npm ENOENT' }),
      message: 'npm audit gave no report (spawn npm ENOENT); is the registry reachable?',
    },
    {
      case: 'a JSON error report (offline)',
      result: toolResult({
        exitCode: 1,
        stdout: JSON.stringify({
          message:
            'request to https://registry.npmjs.org/-/npm/v1/security/advisories/bulk failed, reason: getaddrinfo ENOTFOUND registry.npmjs.org',
          error: { code: 'ENOTFOUND', summary: 'request failed' },
        }),
        stderr: 'npm error audit endpoint returned an error\n',
      }),
      message: 'npm audit failed: npm error audit endpoint returned an error',
    },
  ])('throws on $case', async ({ result, message }) => {
    await expect(detect(npmAudit, context(result))).rejects.toThrow(message);
  });

  it.each([
    { case: 'no package-lock.json', path: () => tempDir({ 'package.json': '{"name":"x"}' }) },
    { case: 'no agent folder', path: () => undefined },
  ])('no finding and no run with $case', async ({ path }) => {
    const folder = path();
    const ctx = makeContext({ agent: folder === undefined ? {} : { path: folder } });
    expect(await detect(npmAudit, ctx)).toEqual([]);
    expect(ctx.runCalls).toEqual([]);
  });
});

describe('kv1nt/tool-upgrade', () => {
  const MANIFEST = {
    name: 'upgrade-agent',
    version: '1.0.0',
    dependencies: { chalk: '^4.1.0', lodash: '^4.17.0', semver: '^7.0.0', 'left-pad': '^1.3.0' },
    devDependencies: { typescript: '~5.3.0' },
    optionalDependencies: { fsevents: '^2.3.0' },
  };

  /** One entry of `npm outdated --json --long` (npm 10). */
  function entry(
    dir: string,
    name: string,
    type: string,
    versions: { current?: string; wanted: string; latest: string },
  ) {
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

  function agentDir(manifest: object = MANIFEST): string {
    return tempDir({ 'package.json': JSON.stringify(manifest, null, 2) });
  }

  function context(dir: string, result: ToolResult) {
    return makeContext({ agent: { path: dir }, run: () => result });
  }

  it('one finding per outdated declared package, keyed by its name', async () => {
    const dir = agentDir();
    const stdout = JSON.stringify(
      {
        chalk: entry(dir, 'chalk', 'dependencies', { current: '4.1.2', wanted: '4.1.2', latest: '5.3.0' }),
        lodash: entry(dir, 'lodash', 'dependencies', {
          current: '4.17.20',
          wanted: '4.17.21',
          latest: '4.17.21',
        }),
        // Installed at the latest, but outside the declared range: nothing newer to take.
        semver: entry(dir, 'semver', 'dependencies', { current: '7.6.3', wanted: '7.6.3', latest: '7.6.3' }),
        'left-pad': entry(dir, 'left-pad', 'dependencies', { wanted: '1.3.0', latest: '1.3.0' }),
        typescript: entry(dir, 'typescript', 'devDependencies', {
          current: '5.3.2',
          wanted: '5.3.3',
          latest: '5.6.3',
        }),
        // Not declared in package.json (e.g. a workspace's or a transitive dependency).
        ms: entry(dir, 'ms', 'dependencies', { current: '2.0.0', wanted: '2.0.0', latest: '2.1.3' }),
      },
      null,
      2,
    );
    // npm outdated exits 1 when something is outdated.
    const ctx = makeContext({
      agent: { path: dir },
      thresholds: { toolTimeoutMs: 2500 },
      run: () => toolResult({ exitCode: 1, stdout }),
    });
    const findings = await detect(toolUpgrade, ctx);
    expect(ctx.runCalls).toEqual([
      { command: 'npm', args: ['outdated', '--json', '--long'], options: { timeoutMs: 2500 } },
    ]);
    expect(findings).toEqual([
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
    ]);
    // The type's default severity (LOW) comes from the host.
    for (const finding of findings) expect(finding).not.toHaveProperty('severity');
  });

  it('takes the first entry when npm lists a package at several locations', async () => {
    const dir = agentDir();
    const stdout = JSON.stringify({
      fsevents: [
        entry(dir, 'fsevents', 'optionalDependencies', {
          current: '2.3.2',
          wanted: '2.3.3',
          latest: '2.3.3',
        }),
        entry(dir, 'fsevents', 'optionalDependencies', {
          current: '2.3.3',
          wanted: '2.3.3',
          latest: '2.3.3',
        }),
      ],
    });
    expect(await detect(toolUpgrade, context(dir, toolResult({ exitCode: 1, stdout })))).toEqual([
      expect.objectContaining({ title: 'fsevents 2.3.2 → 2.3.3', subject: 'fsevents' }),
    ]);
  });

  it.each([
    { case: 'nothing outdated (exit 0, no output)', result: toolResult({ exitCode: 0, stdout: '' }) },
    { case: 'nothing outdated (exit 0, {})', result: toolResult({ exitCode: 0, stdout: '{}\n' }) },
  ])('no finding for $case', async ({ result }) => {
    expect(await detect(toolUpgrade, context(agentDir(), result))).toEqual([]);
  });

  it('a fresh clone without node_modules: a warning says to run npm install there', async () => {
    const dir = agentDir();
    const ctx = context(dir, toolResult({ exitCode: 0, stdout: '' }));
    expect(await detect(toolUpgrade, ctx)).toEqual([]);
    expect(ctx.warnings).toEqual([
      `the dependencies of the agent are not installed (no node_modules in ${dir}): run \`npm install\` there, so that tool_upgrade compares what is installed with the latest versions`,
    ]);
    fs.mkdirSync(path.join(dir, 'node_modules'));
    const installed = context(dir, toolResult({ exitCode: 0, stdout: '' }));
    expect(await detect(toolUpgrade, installed)).toEqual([]);
    expect(installed.warnings).toEqual([]);
  });

  it('current == latest → no finding', async () => {
    const dir = agentDir();
    const stdout = JSON.stringify({
      chalk: entry(dir, 'chalk', 'dependencies', { current: '5.3.0', wanted: '4.1.2', latest: '5.3.0' }),
    });
    expect(await detect(toolUpgrade, context(dir, toolResult({ exitCode: 1, stdout })))).toEqual([]);
  });

  it('a package that package.json does not declare is ignored', async () => {
    const dir = agentDir();
    const stdout = JSON.stringify({
      ms: entry(dir, 'ms', 'dependencies', { current: '2.0.0', wanted: '2.0.0', latest: '2.1.3' }),
      debug: entry(dir, 'debug', 'dependencies', { current: '2.6.9', wanted: '2.6.9', latest: '4.3.7' }),
    });
    expect(await detect(toolUpgrade, context(dir, toolResult({ exitCode: 1, stdout })))).toEqual([]);
  });

  it.each([
    {
      case: 'offline, no output',
      result: toolResult({
        exitCode: 1,
        stderr:
          'npm error code ENOTFOUND\nnpm error network request to https://registry.npmjs.org/chalk failed, reason: getaddrinfo ENOTFOUND registry.npmjs.org\n',
      }),
      message: 'npm outdated gave no report (exit 1): npm error code ENOTFOUND',
    },
    {
      case: 'non-JSON output',
      result: toolResult({
        exitCode: 1,
        stdout: 'npm error code EAI_AGAIN\n',
        stderr: 'npm error network\n',
      }),
      message: 'npm outdated gave no report (exit 1): npm error network',
    },
    {
      case: 'npm not installed',
      result: toolResult({ exitCode: null, error: 'spawn npm ENOENT' }),
      message: 'npm outdated gave no report (spawn npm ENOENT)',
    },
    {
      case: 'a time-out',
      result: toolResult({ exitCode: null, timedOut: true, stdout: '{"chalk": {"curr' }),
      message: 'npm outdated gave no report (timed out)',
    },
    {
      case: "npm's JSON error report (offline)",
      result: toolResult({
        exitCode: 1,
        stdout: JSON.stringify({
          error: {
            code: 'ENOTFOUND',
            summary:
              'request to https://registry.npmjs.org/chalk failed, reason: getaddrinfo ENOTFOUND registry.npmjs.org',
            detail: 'This is a problem related to network connectivity.',
          },
        }),
      }),
      message: 'npm outdated failed: {"code":"ENOTFOUND"',
    },
  ])('throws on $case', async ({ result, message }) => {
    await expect(detect(toolUpgrade, context(agentDir(), result))).rejects.toThrow(message);
  });

  it.each([
    { case: 'no package.json', dir: () => tempDir({ 'index.js': '' }) },
    { case: 'no dependencies', dir: () => agentDir({ name: 'bare', version: '1.0.0' }) },
    {
      case: 'empty dependency lists',
      dir: () => agentDir({ name: 'bare', dependencies: {}, devDependencies: {} }),
    },
    { case: 'no agent folder', dir: () => undefined },
  ])('no finding and no run with $case', async ({ dir }) => {
    const folder = dir();
    const ctx = makeContext({ agent: folder === undefined ? {} : { path: folder } });
    expect(await detect(toolUpgrade, ctx)).toEqual([]);
    expect(ctx.runCalls).toEqual([]);
  });

  // Regression: `'error' in outdated` took a dependency named "error" for npm's own error report.
  it('reports an outdated dependency named "error"', async () => {
    const dir = agentDir({ name: 'x', dependencies: { error: '^7.0.0' } });
    const stdout = JSON.stringify({
      error: entry(dir, 'error', 'dependencies', { current: '7.0.2', wanted: '7.2.1', latest: '10.4.0' }),
    });
    expect(await detect(toolUpgrade, context(dir, toolResult({ exitCode: 1, stdout })))).toEqual([
      expect.objectContaining({ subject: 'error', title: 'error 7.0.2 → 10.4.0' }),
    ]);
  });
});
