import { expect } from 'vitest';
import type { AgentInfo, ToolResult } from '../../../../src/core/sdk/types.js';
import guardianCommand from '../../../../src/plugins/detectors/guardian-command.js';
import type { DetectorContextInput } from '../../../../src/testing/index.js';
import { DetectorTester, exactly, runsNothing, type Check } from '../../../helpers/detector-cases.js';

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

/** The lint-bot agent whose guardian answers `result`. */
function guardian(result: Partial<ToolResult>, more: DetectorContextInput = {}): DetectorContextInput {
  return { agent: AGENT, run: () => result, ...more };
}

/** The guardian ran, once. */
const ranOnce: Check = (_findings, ctx) => expect(ctx.runCalls).toHaveLength(1);

const eslintJson = (messages: Message[]) => JSON.stringify([eslintFile('/a/x.js', messages)]);

const sevenRules: Message[] = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].flatMap((rule, i) =>
  Array.from({ length: 7 - i }, (): Message => [`rule-${rule}`, 1]),
);

const quietOutputs: Array<[name: string, stdout: string]> = [
  ['ESLint JSON with 0 problems', JSON.stringify([eslintFile('/a/x.js', []), eslintFile('/a/y.js', [])])],
  ['ESLint JSON for no files', '[]'],
  ['non-JSON output', 'All checks passed.\n'],
  ['no output', ''],
];

const notRun: Array<[name: string, agent: Partial<AgentInfo>]> = [
  ['no guardian configured', { path: '/agents/lint-bot' }],
  ['an empty guardian', { path: '/agents/lint-bot', guardian: '' }],
  ['no agent folder', { guardian: GUARDIAN }],
];

new DetectorTester().run(guardianCommand, {
  valid: [
    {
      name: 'runs the guardian through sh in the agent folder, with the tool time limit',
      ctx: guardian({ stdout: '[]' }, { thresholds: { toolTimeoutMs: 1234 } }),
      check: (_findings, ctx) =>
        expect(ctx.runCalls).toEqual([
          { command: 'sh', args: ['-c', GUARDIAN], options: { timeoutMs: 1234 } },
        ]),
    },
    ...quietOutputs.map(([name, stdout]) => ({
      name: `no finding for ${name} with exit 0`,
      ctx: guardian({ exitCode: 0, stdout }),
      check: ranOnce,
    })),
    ...notRun.map(([name, agent]) => ({
      name: `no finding and no run for ${name}`,
      ctx: { agent },
      check: runsNothing,
    })),
  ],
  invalid: [
    {
      // ESLint exits 1 when it finds errors: the JSON is what counts.
      name: 'ESLint JSON with problems: counts and the most frequent rules',
      ctx: guardian({
        exitCode: 1,
        stdout: JSON.stringify([
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
        ]),
      }),
      ...exactly([
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
      ]),
    },
    {
      name: 'keeps the top 5 rules only',
      ctx: guardian({ exitCode: 0, stdout: eslintJson(sevenRules) }),
      findings: [
        {
          title: 'The guardian reports 28 problem(s) in 1 file(s)',
          evidence: {
            problems: 28,
            errors: 0,
            warnings: 28,
            topRules: { 'rule-a': 7, 'rule-b': 6, 'rule-c': 5, 'rule-d': 4, 'rule-e': 3 },
          },
        },
      ],
      check: ([finding]) => expect(Object.keys(finding?.evidence?.topRules as object)).toHaveLength(5),
    },
    {
      name: 'counts rule ids that are Object.prototype names like any other',
      ctx: guardian({
        exitCode: 1,
        stdout: eslintJson([
          ['constructor', 1],
          ['constructor', 1],
          ['toString', 2],
        ]),
      }),
      findings: [{ evidence: { topRules: { constructor: 2, toString: 1 } } }],
    },
    {
      name: 'non-JSON output with exit 1 is a finding with the tail of the output',
      ctx: {
        agent: { path: '/agents/lint-bot', guardian: './check.sh' },
        run: () => ({ exitCode: 1, stdout: 'checking…\n', stderr: 'src/a.js: 3 style errors\n' }),
      },
      ...exactly([
        {
          title: 'The guardian command fails (exit 1)',
          description: '`./check.sh` exited with 1: checking…\nsrc/a.js: 3 style errors',
          evidence: { command: './check.sh', exitCode: 1 },
          subject: 'guardian-command',
        },
      ]),
    },
    {
      name: 'keeps the last 500 characters of a long failing output',
      ctx: guardian({ exitCode: 2, stdout: `${'x'.repeat(1000)}END` }),
      findings: [
        {
          title: 'The guardian command fails (exit 2)',
          description: `\`${GUARDIAN}\` exited with 2: ${'x'.repeat(497)}END`,
        },
      ],
    },
    {
      name: 'throws on a run error (the host reports a warning)',
      ctx: guardian({ exitCode: null, error: 'spawn sh ENOENT' }),
      error: `the guardian command "${GUARDIAN}" could not run: spawn sh ENOENT`,
      warnings: [],
    },
    {
      name: 'throws on a time-out (the host reports a warning)',
      ctx: guardian({ exitCode: null, timedOut: true, stdout: '[' }),
      error: `the guardian command "${GUARDIAN}" could not run: timed out`,
      warnings: [],
    },
  ],
});
