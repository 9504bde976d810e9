import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { kv1nt, tempDir } from './cli.js';

/*
 * A project for the optimization tests: agent `bot` with a config.json holding a timeoutMs param
 * in [1000, 5000], six recorded timeouts (so error_pattern, HIGH, asks for a longer timeout) and a
 * test command whose verdict each test chooses.
 */

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();

/** Six timeouts: error_pattern (HIGH) "Recurring error: timeout", which param tuning answers. */
export const TIMEOUTS = Array.from({ length: 6 }, (_, i) =>
  JSON.stringify({
    agentId: 'bot',
    operationId: `call-${i}`,
    type: 'failure',
    errorType: 'timeout',
    message: `upstream timed out after ${2000 + i} ms`,
    durationMs: 2000 + i,
    timestamp: hoursAgo(i + 1),
  }),
).join('\n');

export interface ActionJson {
  id: string;
  transactionId?: string | null;
  type: string;
  opportunityId: string;
  description: string;
  status: string;
  changes: string[];
  candidate?: unknown;
  attempts: Array<{ candidate: unknown; status: string }>;
  test: { exitCode: number | null; durationMs: number; timedOut: boolean; outputTail: string } | null;
}
export interface ResultJson {
  id: string;
  planId: string;
  agentId: string;
  strategy: string;
  policy: string;
  status: string;
  actions: ActionJson[];
  baseline: { passed: boolean; timedOut: boolean } | null;
  startedAt: string;
  finishedAt: string;
}

/**
 * A project with agent `bot`: a config.json with a timeoutMs param in [1000, 5000], and a test
 * command (test.js) whose verdict the test chooses.
 */
export function project(
  testJs: string,
  agent: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
) {
  return projectIn(tempDir(), testJs, agent, extra);
}

export function projectIn(
  dir: string,
  testJs: string,
  agent: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
) {
  const files: Record<string, string> = {
    '.kv1ntrc.json': JSON.stringify({
      agents: {
        bot: {
          path: './bot',
          test: 'node test.js',
          testTimeoutMs: 20_000,
          params: { timeoutMs: { file: 'config.json', key: 'timeoutMs', min: 1000, max: 5000, step: 1 } },
          ...agent,
        },
      },
      ...extra,
    }),
    'bot/config.json': '{\n  "timeoutMs": 2000,\n  "model": "small"\n}\n',
    'bot/test.js': testJs,
    'bot/README.md': '# bot\n',
    'bot/lib/link-target.txt': 'inside\n',
    'history.jsonl': `${TIMEOUTS}\n`,
  };
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  fs.symlinkSync('lib/link-target.txt', path.join(dir, 'bot', 'relative-link'));
  const data = path.join(dir, 'data');
  const cli = (args: string[], env: Record<string, string | undefined> = {}) =>
    kv1nt(data, args, { cwd: dir, env });
  expect(cli(['feedback', 'import', 'history.jsonl']).code).toBe(0);
  expect(cli(['analyze', 'bot']).code).toBe(0);
  return { dir, data, bot: path.join(dir, 'bot'), cli };
}

export const readConfig = (bot: string) =>
  JSON.parse(fs.readFileSync(path.join(bot, 'config.json'), 'utf8')) as { timeoutMs: number };

/** Passes when config.json's timeoutMs satisfies `condition` (a JS expression over `t`). */
export const testWhen = (condition: string) =>
  `const t = JSON.parse(require('fs').readFileSync('config.json', 'utf8')).timeoutMs;\n` +
  `console.log('timeoutMs is', t);\nprocess.exit((${condition}) ? 0 : 1);\n`;

export function treeHash(dir: string): string {
  const hash = createHash('sha256');
  for (const entry of fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .sort((a, b) => path.join(a.parentPath, a.name).localeCompare(path.join(b.parentPath, b.name)))) {
    const file = path.join(entry.parentPath, entry.name);
    const stat = fs.lstatSync(file);
    hash.update(`${path.relative(dir, file)}\0${stat.mode}\0`);
    if (entry.isSymbolicLink()) hash.update(fs.readlinkSync(file));
    else if (entry.isFile()) hash.update(fs.readFileSync(file));
  }
  return hash.digest('hex');
}

/**
 * A project whose plan has two actions — tune timeoutMs (config.json), write the learnings into
 * LEARNINGS.md — with patterns, learnings and an analysis stored; `test` is the agent's command.
 */
export function learningsProject(testJs: string, test = 'node test.js') {
  const p = project(testJs, { learningsFile: 'LEARNINGS.md', test });
  fs.writeFileSync(path.join(p.bot, 'LEARNINGS.md'), '# Notes\n');
  for (const step of ['patterns', 'learnings', 'analyze']) expect(p.cli([step, 'bot']).code).toBe(0);
  return p;
}

/**
 * A folder with agent `bot` for engine tests through Kv1ntCore: config.json's timeoutMs (1000) a
 * param in [100, 10 000], and a test command that always passes. `agent` adds to its config.
 */
export function passingBotDir(agent: Record<string, unknown> = {}): string {
  return tempDir({
    'bot/config.json': '{\n  "timeoutMs": 1000\n}\n',
    'bot/test.js': 'process.exit(0);\n',
    '.kv1ntrc.json': JSON.stringify({
      agents: {
        bot: {
          path: './bot',
          test: 'node test.js',
          params: { timeoutMs: { file: 'config.json', key: 'timeoutMs', min: 100, max: 10_000, step: 1 } },
          ...agent,
        },
      },
    }),
  });
}
