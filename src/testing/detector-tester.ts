/**
 * A table-driven tester for detectors, in the spirit of ESLint's RuleTester: `valid` contexts give
 * no finding, `invalid` ones give the findings listed. Each case becomes one test of the framework
 * in use — `DetectorTester.describe`/`it` when set, else global `describe`/`it` (vitest with
 * globals, jest, mocha), else node:test's — and each check runs the detector as kv1nt does: the
 * plugin is validated, the context is deep-frozen, findings are checked and the time limit applies.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { checkFindings } from '../core/plugins/run-detectors.js';
import { DEFAULT_PLUGIN_LIMIT_MS, withTimeout } from '../core/plugins/invoke.js';
import { collectPlugins } from '../core/plugins/validate-plugin.js';
import { API_VERSION, type Detector, type Finding, type Severity } from '../core/sdk/types.js';
import { createDetectorContext, type DetectorContextInput, type TestDetectorContext } from './context.js';

/** A finding as expected: strings match exactly, regular expressions by test, evidence in part. */
export interface ExpectedFinding {
  title?: string | RegExp;
  description?: string | RegExp;
  severity?: Severity;
  subject?: string | RegExp;
  /** Every key given must deep-equal the finding's; other evidence keys are ignored. */
  evidence?: Record<string, unknown>;
}

export interface ValidCase {
  /** The test's name; defaults to the case's position. */
  name?: string;
  ctx?: DetectorContextInput;
  /** Messages the detector must give to ctx.warn (exactly these, in order); unchecked when absent. */
  warnings?: Array<string | RegExp>;
  /** Called with the findings and the context after the built-in checks, for anything else. */
  check?: (findings: Finding[], ctx: TestDetectorContext) => void | Promise<void>;
}

export interface InvalidCase extends ValidCase {
  /** The findings in order, or only how many. */
  findings: ExpectedFinding[] | number;
}

/** A context the detector must refuse by throwing (the host turns the error into a warning). */
export interface ErrorCase extends ValidCase {
  /** The error's message: a string exactly, a RegExp by test. */
  error: string | RegExp;
}

export interface DetectorTests {
  valid?: ValidCase[];
  invalid?: Array<InvalidCase | ErrorCase>;
}

type Describe = (name: string, body: () => void) => unknown;
type It = (name: string, body: () => Promise<void>) => unknown;

export interface DetectorTesterOptions {
  /** Merged under every case's ctx (agent, config and thresholds key by key). */
  defaults?: DetectorContextInput;
  /** The time limit of one detect() call, as the host's pluginTimeoutMs (default 10000). */
  timeoutMs?: number;
}

export class DetectorTester {
  /** Set to hook into a framework whose describe/it are not globals (e.g. vitest without globals). */
  static describe: Describe | undefined;
  static it: It | undefined;

  constructor(private readonly options: DetectorTesterOptions = {}) {}

  /** Registers one test per case, grouped under the detector's id. */
  run(detector: Detector, tests: DetectorTests): void {
    const { describe, it } = framework();
    // A group only when it has cases: vitest fails a suite without tests.
    const group = (kind: string, cases: Array<ValidCase | InvalidCase | ErrorCase>): void => {
      if (cases.length === 0) return;
      describe(kind, () => {
        cases.forEach((testCase, index) => {
          it(testCase.name ?? `${kind} #${index + 1}`, async () => {
            await this.check(detector, testCase);
          });
        });
      });
    };
    describe(detector.id, () => {
      group('valid', tests.valid ?? []);
      group('invalid', tests.invalid ?? []);
    });
  }

  /**
   * Runs one case and asserts on it (an AssertionError on a mismatch): usable without any test
   * framework. A case without `findings` is valid: it must give none; one with `error` must throw
   * it. Returns the findings.
   */
  async check(detector: Detector, testCase: ValidCase | InvalidCase | ErrorCase): Promise<Finding[]> {
    const set = collectPlugins([
      { source: 'test', plugin: { apiVersion: API_VERSION, name: 'tested plugin', detectors: [detector] } },
    ]);
    if (set.warnings.length > 0) assert.fail(`invalid detector: ${set.warnings[0]!.error}`);
    const ctx = createDetectorContext(merge(this.options.defaults ?? {}, testCase.ctx ?? {}));
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_PLUGIN_LIMIT_MS;
    const detecting = withTimeout(
      Promise.resolve().then(() => detector.detect(ctx)),
      timeoutMs,
      `${detector.id} timed out after ${timeoutMs} ms`,
    );
    const findings =
      'error' in testCase ? await thrown(detecting, testCase.error) : checkFindings(await detecting);
    const expected = 'findings' in testCase ? testCase.findings : 0;
    const count = typeof expected === 'number' ? expected : expected.length;
    assert.equal(
      findings.length,
      count,
      `expected ${count} finding(s), got ${findings.length}: ${JSON.stringify(findings.map((f) => f.title))}`,
    );
    if (typeof expected !== 'number')
      expected.forEach((want, index) => matchFinding(findings[index]!, want, index));
    if (testCase.warnings !== undefined) {
      assert.equal(
        ctx.warnings.length,
        testCase.warnings.length,
        `warnings: ${JSON.stringify(ctx.warnings)}`,
      );
      testCase.warnings.forEach((want, index) => matchText(ctx.warnings[index], want, `warning ${index}`));
    }
    await testCase.check?.(findings, ctx);
    return findings;
  }
}

/** Waits for detect() to throw the error wanted; its findings (none) when it does. */
async function thrown(detecting: Promise<unknown>, want: string | RegExp): Promise<Finding[]> {
  let result: unknown;
  try {
    result = await detecting;
  } catch (error) {
    matchText(error instanceof Error ? error.message : String(error), want, 'error');
    return [];
  }
  const given = Array.isArray(result) ? `${result.length} finding(s)` : JSON.stringify(result);
  return assert.fail(`expected detect() to throw ${JSON.stringify(String(want))}, it gave ${given}`);
}

function matchFinding(finding: Finding, want: ExpectedFinding, index: number): void {
  for (const key of ['title', 'description', 'subject'] as const) {
    const wanted = want[key];
    if (wanted !== undefined) matchText(finding[key], wanted, `finding ${index} ${key}`);
  }
  if (want.severity !== undefined) assert.equal(finding.severity, want.severity, `finding ${index} severity`);
  for (const [key, value] of Object.entries(want.evidence ?? {}))
    assert.deepEqual(finding.evidence?.[key], value, `finding ${index} evidence.${key}`);
}

function matchText(actual: string | undefined, want: string | RegExp, what: string): void {
  if (typeof want === 'string') assert.equal(actual, want, what);
  else assert.match(actual ?? '', want, what);
}

function merge(base: DetectorContextInput, own: DetectorContextInput): DetectorContextInput {
  return {
    ...base,
    ...own,
    agent: { ...base.agent, ...own.agent },
    config: { ...base.config, ...own.config },
    thresholds: { ...base.thresholds, ...own.thresholds },
  };
}

function framework(): { describe: Describe; it: It } {
  const globals = globalThis as { describe?: unknown; it?: unknown };
  const describe =
    DetectorTester.describe ??
    (typeof globals.describe === 'function' ? (globals.describe as Describe) : undefined);
  const it = DetectorTester.it ?? (typeof globals.it === 'function' ? (globals.it as It) : undefined);
  if (describe && it) return { describe, it };
  // node:test, required only when no other framework is there (importing it registers nothing).
  const nodeTest = createRequire(import.meta.url)('node:test') as { describe: Describe; it: It };
  return { describe: describe ?? nodeTest.describe, it: it ?? nodeTest.it };
}
