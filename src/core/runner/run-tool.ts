import type { ToolResult } from '../sdk/types.js';
import { killTree } from './process-tree.js';
import { scrubbedEnv, startMarked } from './spawn.js';

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
  // A tool run for an agent must act on the agent's repo, not on a git hook's.
  const run = await startMarked(
    command,
    args,
    { cwd, stdin: 'ignore', reject: false, maxBuffer: 32 * 1024 * 1024 },
    { env: scrubbedEnv(process.env), group: true },
  );
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killTree(run.tree, 'SIGKILL');
  }, timeoutMs);
  const result = await run.child.finally(() => {
    clearTimeout(timer);
    run.finish();
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
