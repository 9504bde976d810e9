/**
 * What a run of a process came to, as one discriminated union (like stryker's dry-run result): an
 * expected outcome (tests failed, a tool timed out) is a value, never an exception.
 */
export type RunStatus = 'passed' | 'failed' | 'timed_out' | 'error';

/** The facts a process leaves behind, before they are judged. */
export interface RunFacts {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  /** The process could not be started or watched (spawn failure, unwritable log). */
  error?: string | undefined;
}

/**
 * The one rule for "it passed": it exited by itself with code 0 in time. A time-out wins over
 * everything else (a command that handles SIGTERM may still exit 0), then a failure to run it.
 */
export function runStatus(facts: RunFacts): RunStatus {
  if (facts.timedOut) return 'timed_out';
  if (facts.error !== undefined) return 'error';
  return facts.exitCode === 0 && facts.signal === null ? 'passed' : 'failed';
}

/** The facts judged: `status` says which of them matter. */
export type RunOutcome =
  | { status: 'passed'; exitCode: 0; signal: null; timedOut: false; error?: undefined }
  | { status: 'failed'; exitCode: number | null; signal: string | null; timedOut: false; error?: undefined }
  | { status: 'timed_out'; exitCode: number | null; signal: string | null; timedOut: true; error?: string }
  | { status: 'error'; exitCode: number | null; signal: string | null; timedOut: false; error: string };

/** A finished run of a test or approval command: its outcome, how long it took, what it printed. */
export type RunResult = RunOutcome & {
  durationMs: number;
  /**
   * The last bytes of stdout+stderr interleaved. When the run did not pass and its output was
   * longer, led by the first failure lines (errors, assertions) that scrolled out of it.
   */
  outputTail: string;
  /** The whole output, when it was written to a file. */
  logFile: string | null;
};

export function judgeRun(facts: RunFacts): RunOutcome {
  const { exitCode, signal, error } = facts;
  switch (runStatus(facts)) {
    case 'timed_out':
      return {
        status: 'timed_out',
        exitCode,
        signal,
        timedOut: true,
        ...(error === undefined ? {} : { error }),
      };
    case 'error':
      return { status: 'error', exitCode, signal, timedOut: false, error: error ?? '' };
    case 'passed':
      return { status: 'passed', exitCode: 0, signal: null, timedOut: false };
    case 'failed':
      return { status: 'failed', exitCode, signal, timedOut: false };
  }
}
