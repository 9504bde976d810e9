import { scrubbedEnv } from '../sandbox/run-tests.js';
import type { ToolResult } from '../sdk/types.js';
import { killTree, markedEnv, newRunId, track } from './process-tree.js';

/**
 * Runs a tool (npm, a guardian command) in `cwd` for a detector or a strategy: no stdin, output
 * captured, a time limit after which the tool's whole process tree is killed; what it leaves
 * running when it exits is killed too, and so is the tree if kv1nt is interrupted meanwhile.
 * Never throws: failures are in the result.
 */
export async function runTool(
  command: string,
  args: readonly string[],
  cwd: string,
  timeoutMs: number,
): Promise<ToolResult> {
  const { execa } = await import('execa');
  // A tool run for an agent must act on the agent's repo, not on a git hook's.
  const runId = newRunId();
  const env = markedEnv(scrubbedEnv(process.env), runId);
  const child = execa(command, args, {
    cwd,
    env,
    extendEnv: false,
    stdin: 'ignore',
    reject: false,
    detached: true,
    maxBuffer: 32 * 1024 * 1024,
  });
  const tree = { pid: child.pid, runId };
  const untrack = track(tree);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killTree(tree, 'SIGKILL');
  }, timeoutMs);
  const result = await child.finally(() => {
    clearTimeout(timer);
    killTree(tree, 'SIGKILL');
    untrack();
  });
  const base = {
    exitCode: result.exitCode ?? null,
    stdout: String(result.stdout ?? ''),
    stderr: String(result.stderr ?? ''),
    timedOut,
  };
  if (result.exitCode === undefined && !timedOut)
    return { ...base, error: result.shortMessage ?? `could not run ${command}` };
  return base;
}
