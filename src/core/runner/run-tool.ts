import { scrubbedEnv } from '../sandbox/run-tests.js';
import type { ToolResult } from '../sdk/types.js';

/**
 * Runs a tool (npm, a guardian command) in `cwd` for a detector: no stdin, output captured, a
 * time limit after which the tool's whole process group is killed. Never throws: failures are
 * in the result.
 */
export async function runTool(
  command: string,
  args: readonly string[],
  cwd: string,
  timeoutMs: number,
): Promise<ToolResult> {
  const { execa } = await import('execa');
  // A tool run for an agent must act on the agent's repo, not on a git hook's.
  const env = scrubbedEnv(process.env);
  const child = execa(command, args, {
    cwd,
    env,
    extendEnv: false,
    stdin: 'ignore',
    reject: false,
    detached: true,
    maxBuffer: 32 * 1024 * 1024,
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child.pid);
  }, timeoutMs);
  const result = await child.finally(() => clearTimeout(timer));
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

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
