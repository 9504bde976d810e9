import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Agent } from '../agents/registry.js';
import type { FeedbackEntry, FeedbackInput } from '../feedback/types.js';
import { runTestCommand } from '../sandbox/run-tests.js';

const DEFAULT_TEST_TIMEOUT_MS = 600_000;

/**
 * Starts the background worker that runs the agents' tests for `commit`, and returns at once: the
 * worker is detached from git's process group with no stdio, so the commit never waits for it.
 */
export function startTestRecorder(
  entry: { node: string; bin: string },
  commit: string,
  agents: string[],
  cwd: string,
): number | undefined {
  const args = [entry.bin, 'hooks', 'record-tests', commit, ...agents.flatMap((a) => ['--agent', a])];
  const child = spawn(entry.node, args, { cwd, detached: true, stdio: 'ignore', env: process.env });
  child.unref();
  return child.pid;
}

export interface CommitTestOutcome {
  agentId: string;
  entry: FeedbackEntry | null;
  /** The agent is not declared (no folder, no test command): nothing was run. */
  skipped?: string;
}

/**
 * Runs each agent's test command in its folder and records the outcome as `success` / `failure`
 * feedback of source `test`, operation `commit-<short sha>`. runTestCommand scrubs GIT_DIR and the
 * other variables the hook exported, so a test's own git commands act on the agent's repository.
 */
export async function recordCommitTests(
  core: {
    dataDir: string;
    findAgent(id: string): Promise<Agent | undefined>;
    record(input: FeedbackInput): Promise<FeedbackEntry>;
  },
  agentIds: readonly string[],
  commit: string,
): Promise<CommitTestOutcome[]> {
  const outcomes: CommitTestOutcome[] = [];
  const short = commit.slice(0, 12);
  for (const agentId of agentIds) {
    const agent = await core.findAgent(agentId);
    if (!agent) {
      outcomes.push({ agentId, entry: null, skipped: 'not declared: no test command' });
      continue;
    }
    const logFile = path.join(core.dataDir, 'hooks', 'logs', `${agentId}-${short}.log`);
    const run = await runTestCommand(agent.test, {
      cwd: agent.path,
      timeoutMs: agent.testTimeoutMs ?? DEFAULT_TEST_TIMEOUT_MS,
      logFile,
    });
    const passed = run.exitCode === 0 && !run.timedOut;
    const durationMs = Math.round(run.durationMs);
    const details = {
      hook: 'post-commit',
      commit,
      command: agent.test,
      exitCode: run.exitCode,
      signal: run.signal,
      timedOut: run.timedOut,
      durationMs,
      logFile: run.logFile,
      ...(run.error ? { error: run.error } : {}),
    };
    const entry = await core.record({
      agentId,
      operationId: `commit-${short}`,
      type: passed ? 'success' : 'failure',
      source: 'test',
      durationMs,
      details,
      ...(passed
        ? {}
        : {
            errorType: run.timedOut
              ? 'test_timeout'
              : run.exitCode !== null
                ? `exit_${run.exitCode}`
                : (run.signal ?? 'spawn_error'),
            message:
              `tests of commit ${short} failed: ${lastLine(run.outputTail) || run.error || 'no output'}`.slice(
                0,
                1000,
              ),
          }),
    });
    outcomes.push({ agentId, entry });
  }
  return outcomes;
}

/** Best effort: the worker has no terminal, so its trouble goes to a log in the data dir. */
export function logWorkerError(dataDir: string, message: string): void {
  try {
    const file = path.join(dataDir, 'hooks', 'errors.log');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.appendFileSync(file, `${new Date().toISOString()} ${message}\n`);
  } catch {
    // Nowhere left to report to.
  }
}

function lastLine(text: string): string {
  return text.trimEnd().split('\n').pop()?.trim() ?? '';
}
