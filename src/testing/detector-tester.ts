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

export interface DetectorTests {
  valid?: ValidCase[];
  invalid?: InvalidCase[];
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
    describe(detector.id, () => {
      describe('valid', () => {
        (tests.valid ?? []).forEach((testCase, index) => {
          it(testCase.name ?? `valid #${index + 1}`, async () => {
            await this.check(detector, testCase);
          });
        });
      });
      describe('invalid', () => {
        (tests.invalid ?? []).forEach((testCase, index) => {
          it(testCase.name ?? `invalid #${index + 1}`, async () => {
            await this.check(detector, testCase);
          });
        });
      });
    });
  }

  /**
   * Runs one case and asserts on it (an AssertionError on a mismatch): usable without any test
   * framework. A case without `findings` is valid: it must give none. Returns the findings.
   */
  async check(detector: Detector, testCase: ValidCase | InvalidCase): Promise<Finding[]> {
    const set = collectPlugins([
      { source: 'test', plugin: { apiVersion: API_VERSION, name: 'tested plugin', detectors: [detector] } },
    ]);
    if (set.warnings.length > 0) assert.fail(`invalid detector: ${set.warnings[0]!.error}`);
    const ctx = createDetectorContext(merge(this.options.defaults ?? {}, testCase.ctx ?? {}));
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_PLUGIN_LIMIT_MS;
    const findings = checkFindings(
      await withTimeout(
        Promise.resolve().then(() => detector.detect(ctx)),
        timeoutMs,
        `${detector.id} timed out after ${timeoutMs} ms`,
      ),
    );
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
