import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kv1nt, tempDir } from '../helpers/cli.js';

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
const jsonl = (lines: object[]) => lines.map((line) => JSON.stringify(line)).join('\n');

/** A project folder with a config declaring `agents`, and a data dir inside it. */
function project(agents: Record<string, object>, files: Record<string, string> = {}) {
  const config = {
    agents: Object.fromEntries(
      Object.entries(agents).map(([id, agent]) => [id, { path: `./agents/${id}`, test: 'true', ...agent }]),
    ),
  };
  const dir = tempDir({
    '.kv1ntrc.json': JSON.stringify(config),
    ...Object.fromEntries(Object.keys(agents).map((id) => [`agents/${id}/.keep`, ''])),
    ...files,
  });
  const data = path.join(dir, 'data');
  const cli = (args: string[], env: Record<string, string | undefined> = {}) =>
    kv1nt(data, args, { cwd: dir, env });
  return { dir, data, cli };
}

interface Analysis {
  healthScore: number | null;
  healthTrend: string;
  components: Record<string, number | null>;
  opportunities: Array<Record<string, unknown>>;
  warnings: Array<{ plugin: string; component?: string; error: string }>;
  [key: string]: unknown;
}

function textbook(agentId: string) {
  return [
    ...Array.from({ length: 8 }, (_, i) => ({
      agentId,
      operationId: `ok-${i}`,
      type: 'success',
      durationMs: 400,
      timestamp: hoursAgo(i + 1),
    })),
    {
      agentId,
      operationId: 'f-1',
      type: 'failure',
      errorType: 'timeout',
      durationMs: 400,
      timestamp: hoursAgo(2),
    },
    {
      agentId,
      operationId: 'f-2',
      type: 'failure',
      errorType: 'parse',
      durationMs: 400,
      timestamp: hoursAgo(3),
    },
    { agentId, operationId: 'q', type: 'quality_score', score: 0.9, timestamp: hoursAgo(1) },
  ];
}

describe('kv1nt analyze', () => {
  it('scores the textbook case 87.0 with the contract shape, and stores a metrics and a health row', () => {
    const { cli, data } = project({ textbook: { slaMs: 500 } });
    expect(kv1nt(data, ['feedback', 'import', '-'], { input: jsonl(textbook('textbook')) }).code).toBe(0);
    const result = cli(['analyze', 'textbook', '--json']);
    expect(result.code).toBe(0);
    const body = result.json<Analysis>();
    expect(Object.keys(body).sort()).toEqual([
      'agentId',
      'analyzedAt',
      'components',
      'healthScore',
      'healthTrend',
      'metrics',
      'opportunities',
      'sampleSize',
      'sinceOptimization',
      'trendChange',
      'trendPValue',
      'trendSlopePerDay',
      'verifications',
      'warnings',
      'windowDays',
    ]);
    expect(body).toMatchObject({
      agentId: 'textbook',
      windowDays: 7,
      sampleSize: 11,
      healthScore: 87,
      healthTrend: 'insufficient_data',
      components: { successRate: 0.8, errorRate: 0.2, responseTimeScore: 1, codeQuality: 0.9 },
      metrics: {
        successes: 8,
        failures: 2,
        // Durations of the 8 successful operations: the failures' are left out.
        duration: { mean: 400, count: 8, slaMs: 500 },
        quality: { mean: 0.9, count: 1 },
      },
      opportunities: [],
      warnings: [],
    });
    cli(['analyze', 'textbook']);
    const store = JSON.parse(fs.readFileSync(path.join(data, 'optimization/store.json'), 'utf8')) as Record<
      string,
      unknown[]
    >;
    expect(store.performanceMetrics).toHaveLength(2);
    expect(store.healthHistory).toHaveLength(2);
    expect(store.healthHistory![0]).toMatchObject({
      agentId: 'textbook',
      healthScore: 87,
      healthTrend: 'insufficient_data',
    });
    expect(cli(['status', '--json']).json()).toMatchObject({
      optimization: { healthChecks: 2, lastAnalysisAt: expect.any(String) as unknown },
    });
  });

  it('renormalises without durations or quality: 4 successes and 1 failure → 80.0; no data → null', () => {
    const { cli, data } = project({ nobody: {} });
    kv1nt(data, ['feedback', 'import', '-'], {
      input: jsonl([
        ...Array.from({ length: 4 }, (_, i) => ({ agentId: 'r', operationId: `${i}`, type: 'success' })),
        { agentId: 'r', operationId: 'f', type: 'failure' },
      ]),
    });
    expect(cli(['analyze', 'r', '--json']).json()).toMatchObject({
      healthScore: 80,
      components: { successRate: 0.8, errorRate: 0.2, responseTimeScore: null, codeQuality: null },
    });
    expect(cli(['analyze', 'nobody', '--json']).json()).toMatchObject({
      healthScore: null,
      healthTrend: 'insufficient_data',
      sampleSize: 0,
      components: { successRate: null, errorRate: null, responseTimeScore: null, codeQuality: null },
    });
    expect(cli(['analyze', 'nobody']).stdout).toMatch(/no health score/);
  });

  it('--fail-under exits 1 below the score, 0 at or above it, 2 when out of range', () => {
    const { cli, data } = project({ 'no-data': {} });
    kv1nt(data, ['feedback', 'import', '-'], {
      input: jsonl([
        ...Array.from({ length: 4 }, (_, i) => ({ agentId: 'r', operationId: `${i}`, type: 'success' })),
        { agentId: 'r', operationId: 'f', type: 'failure' },
      ]),
    });
    expect(cli(['analyze', 'r', '--fail-under', '80.1']).code).toBe(1);
    expect(cli(['analyze', 'r', '--fail-under', '80', '--json']).code).toBe(0);
    expect(cli(['analyze', 'r', '--fail-under', '101']).code).toBe(2);
    expect(cli(['analyze', 'r', '--fail-under', 'high']).code).toBe(2);
    expect(cli(['analyze', 'no-data', '--fail-under', '99']).code).toBe(0);
    expect(cli(['analyze', '../x']).code).toBe(2);
  });

  it('finds opportunities, updates them on a later run, and resolves the ones that are gone', () => {
    const { cli, data } = project({ busy: { slaMs: 100 } });
    kv1nt(data, ['feedback', 'import', '-'], {
      input: jsonl([
        ...Array.from({ length: 3 }, (_, i) => ({
          agentId: 'busy',
          operationId: `t-${i}`,
          type: 'failure',
          errorType: 'timeout',
          timestamp: hoursAgo(30 + i),
        })),
        ...Array.from({ length: 4 }, (_, i) => ({
          agentId: 'busy',
          operationId: `s-${i}`,
          type: 'success',
          durationMs: 250,
          metrics: { memoryMb: 900, cpuPercent: 20 },
          timestamp: hoursAgo(1 + i),
        })),
        { agentId: 'busy', operationId: 'q', type: 'quality_score', score: 0.5, timestamp: hoursAgo(1) },
        {
          agentId: 'busy',
          operationId: 'g',
          type: 'quality_score',
          score: 0.6,
          source: 'guardian',
          timestamp: hoursAgo(1),
        },
        { agentId: 'busy', operationId: 'sec', type: 'security', score: 0.3, timestamp: hoursAgo(2) },
      ]),
    });
    const first = cli(['analyze', 'busy', '--json']).json<Analysis>();
    const types = first.opportunities.map((o) => `${String(o.type)}/${String(o.severity)}`);
    expect(types).toEqual([
      'security_vulnerability/CRITICAL',
      'error_pattern/HIGH',
      'quality_issues/HIGH',
      'code_smell/MEDIUM',
      'performance_degradation/MEDIUM',
      'resource_inefficiency/MEDIUM',
    ]);
    for (const opportunity of first.opportunities) {
      expect(opportunity).toMatchObject({
        id: expect.stringMatching(/^opp_/) as unknown,
        agentId: 'busy',
        title: expect.any(String) as unknown,
        description: expect.any(String) as unknown,
        evidence: expect.any(Object) as unknown,
        detector: expect.stringMatching(/^kv1nt\//) as unknown,
        status: 'open',
      });
    }
    const errorPattern = first.opportunities.find((o) => o.type === 'error_pattern')!;
    expect(errorPattern).toMatchObject({ evidence: { errorType: 'timeout', count: 3 }, occurrences: 1 });

    const second = cli(['analyze', 'busy', '--json']).json<Analysis>();
    expect(second.opportunities.map((o) => o.id)).toEqual(first.opportunities.map((o) => o.id));
    expect(second.opportunities.find((o) => o.id === errorPattern.id)).toMatchObject({ occurrences: 2 });

    // Over the last day the timeouts (30 h ago) are outside the window: that finding is resolved.
    const third = cli(['analyze', 'busy', '--days', '1', '--json']).json<Analysis>();
    expect(third.opportunities.map((o) => o.id)).not.toContain(errorPattern.id);
    const resolved = cli(['opportunities', 'busy', '--status', 'resolved', '--json']).json<{
      opportunities: Array<Record<string, unknown>>;
    }>();
    expect(resolved.opportunities).toEqual([
      expect.objectContaining({
        id: errorPattern.id,
        status: 'resolved',
        resolvedAt: expect.any(String) as unknown,
      }),
    ]);
    const all = cli(['opportunities', '--status', 'all', '--json']).json<{ opportunities: unknown[] }>();
    expect(all.opportunities).toHaveLength(6);
    expect(cli(['opportunities', 'busy']).stdout).toMatch(/CRITICAL\s+security_vulnerability/);
    expect(cli(['opportunities', '--status', 'bogus']).code).toBe(2);
    expect(
      cli(['optimization', 'opportunities', 'busy', '--json']).json<{ opportunities: unknown[] }>()
        .opportunities,
    ).toHaveLength(5);
  });

  it('tool_upgrade asks npm in the agent folder; an unreachable registry is a warning, not a failure', () => {
    const npmFixture = (body: string) => `#!/usr/bin/env node\n${body}\n`;
    const { cli, data, dir } = project(
      { deps: {} },
      {
        'agents/deps/package.json': JSON.stringify({
          name: 'deps',
          dependencies: { 'left-pad': '^1.0.0', lodash: '^4.0.0' },
        }),
        'agents/deps/node_modules/left-pad/package.json': '{"name": "left-pad", "version": "1.0.0"}',
        'bin-ok/npm': npmFixture(
          `if (process.argv[2] !== 'outdated' || process.cwd() !== ${JSON.stringify('__AGENT__')}) process.exit(9);
           console.log(JSON.stringify({ 'left-pad': { current: '1.0.0', wanted: '1.3.0', latest: '1.3.0', type: 'dependencies' }, lodash: { current: '4.17.21', wanted: '4.17.21', latest: '4.17.21' } }));
           process.exit(1);`,
        ),
        'bin-offline/npm': npmFixture(`console.error('npm error code ENOTFOUND'); process.exit(1);`),
      },
    );
    const agentDir = fs.realpathSync(path.join(dir, 'agents/deps'));
    fs.writeFileSync(
      path.join(dir, 'bin-ok/npm'),
      fs.readFileSync(path.join(dir, 'bin-ok/npm'), 'utf8').replace('__AGENT__', agentDir),
    );
    fs.chmodSync(path.join(dir, 'bin-ok/npm'), 0o755);
    fs.chmodSync(path.join(dir, 'bin-offline/npm'), 0o755);
    kv1nt(data, ['feedback', 'success', 'deps', 'op']);
    const online = cli(['analyze', 'deps', '--json'], {
      PATH: `${path.join(dir, 'bin-ok')}:${process.env.PATH ?? ''}`,
    }).json<Analysis>();
    expect(online.warnings).toEqual([]);
    expect(online.opportunities).toEqual([
      expect.objectContaining({
        type: 'tool_upgrade',
        severity: 'LOW',
        title: 'left-pad 1.0.0 → 1.3.0',
        evidence: expect.objectContaining({ package: 'left-pad', latest: '1.3.0' }) as unknown,
      }),
    ]);
    const offline = cli(['analyze', 'deps', '--json'], {
      PATH: `${path.join(dir, 'bin-offline')}:${process.env.PATH ?? ''}`,
    });
    expect(offline.code).toBe(0);
    const body = offline.json<Analysis>();
    expect(body.warnings).toEqual([
      {
        plugin: 'kv1nt-builtin',
        component: 'kv1nt/tool-upgrade',
        error: expect.stringMatching(/npm outdated gave no report.*ENOTFOUND/) as unknown,
      },
    ]);
    // The earlier finding is not resolved by a run that could not look.
    expect(body.opportunities.map((o) => o.type)).toEqual(['tool_upgrade']);
    // A fresh clone, dependencies not installed: the analysis says to install them.
    fs.rmSync(path.join(agentDir, 'node_modules'), { recursive: true });
    const fresh = cli(['analyze', 'deps', '--json'], {
      PATH: `${path.join(dir, 'bin-ok')}:${process.env.PATH ?? ''}`,
    }).json<Analysis>();
    expect(fresh.warnings).toEqual([
      {
        plugin: 'kv1nt-builtin',
        component: 'kv1nt/tool-upgrade',
        error: expect.stringMatching(
          /not installed \(no node_modules in .*\): run `npm install` there/,
        ) as unknown,
      },
    ]);
  });

  it('code_smell from the agent guardian command (ESLint JSON)', () => {
    const report = [
      {
        filePath: 'a.js',
        errorCount: 2,
        warningCount: 1,
        messages: [{ ruleId: 'no-unused-vars' }, { ruleId: 'no-unused-vars' }, { ruleId: 'eqeqeq' }],
      },
    ];
    const { cli, data } = project(
      { linted: { guardian: 'node lint.js' } },
      { 'agents/linted/lint.js': `console.log(${JSON.stringify(JSON.stringify(report))}); process.exit(1);` },
    );
    kv1nt(data, ['feedback', 'success', 'linted', 'op']);
    const body = cli(['analyze', 'linted', '--json']).json<Analysis>();
    expect(body.opportunities).toEqual([
      expect.objectContaining({
        type: 'code_smell',
        detector: 'kv1nt/guardian-command',
        title: 'The guardian reports 3 problem(s) in 1 file(s)',
        evidence: expect.objectContaining({
          problems: 3,
          topRules: { 'no-unused-vars': 2, eqeqeq: 1 },
        }) as unknown,
      }),
    ]);
  });
});

describe('kv1nt health', () => {
  it('shows score, trend, components and a chart of the history, without storing anything', () => {
    const { cli, data } = project({});
    const lines = [];
    for (let day = 6; day >= 0; day--) {
      const successes = 10 - day;
      for (let i = 0; i < 10; i++)
        lines.push({
          agentId: 'h',
          operationId: `${day}-${i}`,
          type: i < successes ? 'success' : 'failure',
          timestamp: hoursAgo(day * 24 + 1),
        });
    }
    kv1nt(data, ['feedback', 'import', '-'], { input: jsonl(lines) });
    const report = cli(['health', 'h', '--json']).json<{
      healthScore: number;
      healthTrend: string;
      history: unknown[];
      trendSlopePerDay: number;
      trendPValue: number;
      trendChange: number;
    }>();
    expect(report).toMatchObject({ agentId: 'h', windowDays: 7, sampleSize: 70, healthTrend: 'improving' });
    expect(report.history).toHaveLength(7);
    expect(report.trendSlopePerDay).toBeGreaterThan(1);
    // Seven rising days: the exact Mann–Kendall p is 2/7! = 0.0004; 40 → 100 over six days.
    expect(report.trendPValue).toBeCloseTo(2 / 5040, 10);
    expect(report.trendChange).toBe(60);
    const human = cli(['health', 'h']);
    expect(human.stdout).toMatch(/trend improving/);
    expect(human.stdout).toMatch(/history\s+[▁▂▃▄▅▆▇█]{7}/);
    expect(fs.existsSync(path.join(data, 'optimization/store.json'))).toBe(false);
  });
});
