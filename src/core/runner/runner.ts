import type { ToolResult } from '../sdk/types.js';
import { runTestCommand, type TestCommandOptions, type TestRun } from './run-tests.js';
import { runTool } from './run-tool.js';

export type { RunResult, RunStatus } from './run-result.js';
export type { TestCommandOptions, TestRun } from './run-tests.js';

/**
 * The process runner the engines are given (passed in, so a unit test can hand them a fake one):
 * an agent's test or approval command with a log and a bounded tail, or a tool with its output
 * captured. Every run is marked and killed whole (process-tree.ts); none throws.
 * `kv1nt run`'s foreground run is run-command.ts, used by that command alone.
 */
export interface ProcessRunner {
  runTests(command: string, options: TestCommandOptions): Promise<TestRun>;
  runTool(command: string, args: readonly string[], cwd: string, timeoutMs: number): Promise<ToolResult>;
}

/** The real runner: processes on this machine. */
export const processRunner: ProcessRunner = { runTests: runTestCommand, runTool };
