import { expect } from 'vitest';
import type { ToolResult } from '../../../../src/core/sdk/types.js';
import npmAudit from '../../../../src/plugins/detectors/npm-audit.js';
import type { DetectorContextInput } from '../../../../src/testing/index.js';
import { DetectorTester, agentFolder, exactly, runsNothing } from '../../../helpers/detector-cases.js';

type Level = 'info' | 'low' | 'moderate' | 'high' | 'critical';
type Name = 'minimist' | 'semver' | 'postcss' | 'brace-expansion';

const ADVISORIES: Record<Name, { severity: Level; title: string; url: string; range: string }> = {
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

/** The `metadata.vulnerabilities` counts of the given vulnerable packages. */
function countsOf(names: Name[]): Record<Level | 'total', number> {
  const counts = { info: 0, low: 0, moderate: 0, high: 0, critical: 0, total: 0 };
  for (const name of names) {
    counts[ADVISORIES[name].severity]++;
    counts.total++;
  }
  return counts;
}

/** `npm audit --json` (auditReportVersion 2, npm ≥ 7) for the given vulnerable packages. */
function auditJson(names: Name[]): string {
  const vulnerabilities: Record<string, unknown> = {};
  names.forEach((name, i) => {
    const advisory = ADVISORIES[name];
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
        vulnerabilities: countsOf(names),
        dependencies: { prod: 12, dev: 3, optional: 0, peer: 0, peerOptional: 0, total: 14 },
      },
    },
    null,
    2,
  );
}

const agentPath = agentFolder({
  'package.json': JSON.stringify({ name: 'audit-agent', version: '1.0.0' }),
  'package-lock.json': JSON.stringify({ name: 'audit-agent', lockfileVersion: 3, packages: {} }),
});

/** An agent with a lockfile, whose `npm audit` answers `result`. */
function audited(result: Partial<ToolResult>): DetectorContextInput {
  return { agent: { path: agentPath }, run: () => result };
}

const bySeverity: Array<[name: string, names: Name[], severity: 'CRITICAL' | 'MEDIUM', counts: string]> = [
  ['high → CRITICAL', ['semver', 'postcss'], 'CRITICAL', '0 critical, 1 high, 1 moderate and 0 low'],
  [
    'critical → CRITICAL',
    ['minimist', 'brace-expansion'],
    'CRITICAL',
    '1 critical, 0 high, 0 moderate and 1 low',
  ],
  ['low only → MEDIUM', ['brace-expansion'], 'MEDIUM', '0 critical, 0 high, 0 moderate and 1 low'],
];

const noReport: Array<[name: string, result: Partial<ToolResult>, error: string]> = [
  [
    'unparsable output',
    { exitCode: 1, stdout: 'npm error code ENOTFOUND\n' },
    'npm audit gave no report (exit 1); is the registry reachable?',
  ],
  [
    'no output after a time-out',
    { exitCode: null, timedOut: true },
    'npm audit gave no report (timed out); is the registry reachable?',
  ],
  [
    'npm not installed',
    { exitCode: null, error: 'spawn npm ENOENT' },
    'npm audit gave no report (spawn npm ENOENT); is the registry reachable?',
  ],
  [
    'a JSON error report (offline)',
    {
      exitCode: 1,
      stdout: JSON.stringify({
        message:
          'request to https://registry.npmjs.org/-/npm/v1/security/advisories/bulk failed, reason: getaddrinfo ENOTFOUND registry.npmjs.org',
        error: { code: 'ENOTFOUND', summary: 'request failed' },
      }),
      stderr: 'npm error audit endpoint returned an error\n',
    },
    'npm audit failed: npm error audit endpoint returned an error',
  ],
];

/** `npm audit --json` for 10 packages with a low advisory each. */
const tenLow = JSON.stringify({
  auditReportVersion: 2,
  vulnerabilities: Object.fromEntries(
    Array.from({ length: 10 }, (_, i) => [`pkg-${i}`, { name: `pkg-${i}`, severity: 'low', via: [] }]),
  ),
  metadata: { vulnerabilities: { info: 0, low: 10, moderate: 0, high: 0, critical: 0, total: 10 } },
});

new DetectorTester().run(npmAudit, {
  valid: [
    {
      name: 'runs npm audit --json with the tool time limit; 0 vulnerabilities → no finding',
      ctx: { ...audited({ exitCode: 0, stdout: auditJson([]) }), thresholds: { toolTimeoutMs: 4321 } },
      check: (_findings, ctx) =>
        expect(ctx.runCalls).toEqual([
          { command: 'npm', args: ['audit', '--json'], options: { timeoutMs: 4321 } },
        ]),
    },
    {
      name: 'info-level advisories alone are no finding',
      ctx: audited({
        stdout: JSON.stringify({
          auditReportVersion: 2,
          vulnerabilities: {},
          metadata: { vulnerabilities: { info: 2, low: 0, moderate: 0, high: 0, critical: 0, total: 2 } },
        }),
      }),
    },
    {
      name: 'no finding and no run with no package-lock.json',
      ctx: { agent: { path: agentFolder({ 'package.json': '{"name":"x"}' }) } },
      check: runsNothing,
    },
    { name: 'no finding and no run with no agent folder', check: runsNothing },
  ],
  invalid: [
    {
      // npm audit exits 1 when it finds something.
      name: 'moderate only → HIGH, with the whole finding',
      ctx: audited({ exitCode: 1, stdout: auditJson(['postcss']) }),
      ...exactly([
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
      ]),
    },
    ...bySeverity.map(([name, names, severity, counts]) => ({
      name,
      ctx: audited({ exitCode: 1, stdout: auditJson(names) }),
      ...exactly([
        {
          title: `npm audit: ${names.length} vulnerable package(s)`,
          description: `npm audit reports ${counts} vulnerabilities: ${names.map((n) => `${n} (${ADVISORIES[n].severity})`).join(', ')}.`,
          severity,
          evidence: {
            counts: countsOf(names),
            packages: names.map((n) => ({ name: n, severity: ADVISORIES[n].severity })),
          },
          subject: 'npm-audit',
        },
      ]),
    })),
    {
      name: 'names at most 8 packages in the description but keeps them all in the evidence',
      ctx: audited({ exitCode: 1, stdout: tenLow }),
      findings: [{ description: /pkg-7 \(low\)\./ }],
      check: ([finding]) => {
        expect(finding?.description).not.toContain('pkg-8');
        expect(finding?.evidence?.packages).toHaveLength(10);
      },
    },
    ...noReport.map(([name, result, error]) => ({ name: `throws on ${name}`, ctx: audited(result), error })),
  ],
});
