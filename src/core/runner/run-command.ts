import { constants } from 'node:os';
import { holdFatalSignals } from '../fatal-exit.js';
import { startMarked } from './spawn.js';

export interface CommandOutcome {
  /** The exit code to pass on: the command's own, 128+n for a signal, 127 when it could not start. */
  exitCode: number;
  signal: string | null;
  durationMs: number;
  /** exit_<code>, the signal name, or spawn_error. */
  errorType: string;
  message: string | null;
}

/**
 * Runs a user's command in the foreground with its streams passed through, for `kv1nt run`.
 * It shares kv1nt's process group, so Ctrl-C reaches it; kv1nt waits and reports the outcome.
 */
export async function runAndMeasure(
  command: readonly string[],
  options: { stdoutToStderr?: boolean } = {},
): Promise<CommandOutcome> {
  const [file, ...args] = command as [string, ...string[]];
  const { child, startedAt: started } = await startMarked(
    file,
    args,
    {
      stdin: 'inherit',
      // fd 2: with --json, stdout must carry only kv1nt's JSON document.
      stdout: options.stdoutToStderr ? 2 : 'inherit',
      stderr: 'inherit',
      reject: false,
    },
    // Marked like every process kv1nt starts (process-tree.ts), but in kv1nt's own process group
    // and not killed afterwards: the user's command may start something meant to outlive it.
    { env: process.env, group: false },
  );
  // Like `time` or `npm run`: a signal ends the child, and kv1nt lives on to record that outcome.
  // Ctrl-C already reaches the child through the terminal's process group; others are forwarded.
  const forward = (signal: NodeJS.Signals) => {
    if (signal !== 'SIGINT') child.kill(signal);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const release = holdFatalSignals(signals);
  for (const signal of signals) process.on(signal, forward);
  const result = await child.finally(() => {
    for (const signal of signals) process.off(signal, forward);
    release();
  });
  const durationMs = Math.round(performance.now() - started);
  if (result.signal) {
    const number = constants.signals[result.signal] ?? 0;
    return {
      exitCode: 128 + number,
      signal: result.signal,
      durationMs,
      errorType: result.signal,
      message: `terminated by ${result.signal}`,
    };
  }
  if (result.exitCode === undefined) {
    return {
      exitCode: 127,
      signal: null,
      durationMs,
      errorType: 'spawn_error',
      message: result.shortMessage ?? `could not start ${file}`,
    };
  }
  return {
    exitCode: result.exitCode,
    signal: null,
    durationMs,
    errorType: `exit_${result.exitCode}`,
    message: result.exitCode === 0 ? null : `exited with code ${result.exitCode}`,
  };
}
