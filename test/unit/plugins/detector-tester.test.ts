import { describe, expect, it } from 'vitest';
import { DetectorTester, createDetectorContext } from '../../../src/testing/index.js';
import type { Detector, Finding } from '../../../src/core/sdk/index.js';

const failing: Detector = {
  id: 'acme/failing',
  type: 'error_pattern',
  description: 'fails when failures > 2',
  detect: (ctx) =>
    ctx.metrics.failures > 2
      ? [
          {
            title: `${ctx.metrics.failures} failures`,
            description: 'too many',
            severity: 'HIGH',
            evidence: { failures: ctx.metrics.failures, agent: ctx.agent.id },
          },
        ]
      : [],
};

const tester = new DetectorTester({ timeoutMs: 500 });

describe('DetectorTester.check', () => {
  it('passes a valid case with no finding and an invalid case whose findings match', async () => {
    await expect(tester.check(failing, { ctx: { metrics: { failures: 1 } } })).resolves.toEqual([]);
    const findings = await tester.check(failing, {
      ctx: { metrics: { failures: 3 }, agent: { id: 'bot' } },
      findings: [{ title: /3 failures/, severity: 'HIGH', evidence: { agent: 'bot' } }],
    });
    expect(findings).toHaveLength(1);
  });

  it('fails on a different count, title, severity or evidence', async () => {
    await expect(tester.check(failing, { ctx: { metrics: { failures: 3 } } })).rejects.toThrow(
      /expected 0 finding\(s\), got 1/,
    );
    await expect(tester.check(failing, { ctx: { metrics: { failures: 1 } }, findings: 1 })).rejects.toThrow(
      /expected 1 finding/,
    );
    const ctx = { metrics: { failures: 4 } };
    await expect(tester.check(failing, { ctx, findings: [{ title: '3 failures' }] })).rejects.toThrow(
      /title/,
    );
    await expect(tester.check(failing, { ctx, findings: [{ severity: 'LOW' }] })).rejects.toThrow(/severity/);
    await expect(tester.check(failing, { ctx, findings: [{ evidence: { failures: 3 } }] })).rejects.toThrow(
      /evidence\.failures/,
    );
  });

  it('checks the detector and its findings as the host does', async () => {
    const badType = { ...failing, type: 'nope' } as unknown as Detector;
    await expect(tester.check(badType, {})).rejects.toThrow(/invalid detector: .*type "nope"/);
    const badSeverity: Detector = {
      ...failing,
      detect: () => [{ title: 't', description: 'd', severity: 'BAD' } as unknown as Finding],
    };
    await expect(tester.check(badSeverity, { findings: 1 })).rejects.toThrow(/severity "BAD"/);
    const notArray: Detector = { ...failing, detect: () => null as unknown as Finding[] };
    await expect(tester.check(notArray, {})).rejects.toThrow(/not an array/);
    const slow: Detector = { ...failing, detect: () => new Promise<Finding[]>(() => {}) };
    await expect(tester.check(slow, {})).rejects.toThrow(/timed out after 500 ms/);
  });

  it('gives a frozen context, stubs ctx.run and checks warnings', async () => {
    const mutating: Detector = {
      ...failing,
      detect(ctx) {
        (ctx.metrics as { total: number }).total = 1;
        return [];
      },
    };
    await expect(tester.check(mutating, {})).rejects.toThrow(/read only|Cannot assign/);

    const asking: Detector = {
      ...failing,
      async detect(ctx) {
        const result = await ctx.run('npm', ['outdated', '--json']);
        if (result.exitCode !== 0) ctx.warn(`npm said ${result.stderr}`);
        return [];
      },
    };
    await tester.check(asking, {
      ctx: { run: () => ({ exitCode: 1, stderr: 'offline' }) },
      warnings: ['npm said offline'],
      check: (_findings, ctx) =>
        expect(ctx.runCalls).toEqual([{ command: 'npm', args: ['outdated', '--json'] }]),
    });
    await expect(
      tester.check(asking, { ctx: { run: () => ({ exitCode: 1, stderr: 'x' }) }, warnings: [] }),
    ).rejects.toThrow(/warnings/);
  });

  it('checks the error that detect() must throw (an invalid case with `error`)', async () => {
    const offline: Detector = {
      ...failing,
      detect(ctx) {
        ctx.warn('trying');
        throw new Error('npm outdated gave no report (timed out)');
      },
    };
    const findings = await tester.check(offline, {
      error: 'npm outdated gave no report (timed out)',
      warnings: ['trying'],
      check: (found, ctx) => expect([found, ctx.warnings]).toEqual([[], ['trying']]),
    });
    expect(findings).toEqual([]);
    await tester.check(offline, { error: /no report/ });
    await expect(tester.check(offline, { error: 'npm outdated failed' })).rejects.toThrow(/error/);
    await expect(tester.check(offline, { error: /offline/ })).rejects.toThrow(/error/);
    await expect(tester.check(offline, {})).rejects.toThrow(/no report/);
    await expect(tester.check(failing, { ctx: { metrics: { failures: 3 } }, error: 'x' })).rejects.toThrow(
      /expected detect\(\) to throw "x", it gave 1 finding/,
    );
  });
});

/** What `register` declares through DetectorTester.describe/it: the names, and the test bodies. */
function registrations(register: () => void): { names: string[]; bodies: Array<() => Promise<void>> } {
  const names: string[] = [];
  const bodies: Array<() => Promise<void>> = [];
  DetectorTester.describe = (name, body) => {
    names.push(`describe ${name}`);
    body();
  };
  DetectorTester.it = (name, body) => {
    names.push(`it ${name}`);
    bodies.push(body);
  };
  try {
    register();
  } finally {
    DetectorTester.describe = undefined;
    DetectorTester.it = undefined;
  }
  return { names, bodies };
}

describe('DetectorTester.run', () => {
  it('registers one test per case through the configured describe/it', async () => {
    const { names, bodies } = registrations(() =>
      tester.run(failing, {
        valid: [{ name: 'quiet' }, {}],
        invalid: [{ ctx: { metrics: { failures: 5 } }, findings: [{ title: '5 failures' }] }],
      }),
    );
    expect(names).toEqual([
      'describe acme/failing',
      'describe valid',
      'it quiet',
      'it valid #2',
      'describe invalid',
      'it invalid #1',
    ]);
    for (const body of bodies) await body();
  });

  it('registers no empty group (vitest fails a suite without tests)', () => {
    const { names } = registrations(() => {
      tester.run(failing, { valid: [{ name: 'quiet' }] });
      tester.run(failing, { invalid: [{ name: 'loud', findings: 1 }] });
    });
    expect(names).toEqual([
      'describe acme/failing',
      'describe valid',
      'it quiet',
      'describe acme/failing',
      'describe invalid',
      'it loud',
    ]);
  });
});

describe('createDetectorContext', () => {
  it('fills in defaults: metrics, thresholds, feedback entries', () => {
    const ctx = createDetectorContext({
      feedback: [{ type: 'failure', errorType: 'Timeout' }],
      thresholds: { qualityMin: 0.5 },
    });
    expect(ctx.agent.id).toBe('test-agent');
    expect(ctx.feedback[0]).toMatchObject({
      agentId: 'test-agent',
      operationId: 'op-1',
      type: 'failure',
      score: 0,
      source: 'agent',
    });
    expect(ctx.metrics).toMatchObject({ total: 0, duration: { p95: null }, window: { days: 7 } });
    expect(ctx.config.thresholds).toMatchObject({ qualityMin: 0.5, memoryMbMax: 500 });
    expect(Object.isFrozen(ctx.metrics.duration)).toBe(true);
    expect(ctx.now.toISOString()).toBe('2026-01-15T12:00:00.000Z');
  });

  it('counts the reads of ctx.feedback (a detector may work from the metrics alone)', () => {
    const ctx = createDetectorContext({ feedback: [{ type: 'failure' }] });
    expect(ctx.feedbackReads).toBe(0);
    expect(ctx.feedback).toHaveLength(1);
    expect(ctx.feedback[0]?.type).toBe('failure');
    expect(ctx.feedbackReads).toBe(2);
    expect(Object.isFrozen(ctx.feedback)).toBe(true);
  });
});
