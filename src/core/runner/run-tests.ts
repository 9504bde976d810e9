import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { FirstErrors, failureDigest } from './first-errors.js';
import { TailBuffer, closeLog, drain, openLog, pump } from './output.js';
import { killTree } from './process-tree.js';
import { judgeRun, type RunFacts, type RunResult } from './run-result.js';
import { scrubbedEnv, startMarked, type MarkedRun } from './spawn.js';

/** A test (or approval) command's run. */
export type TestRun = RunResult;

export interface TestCommandOptions {
  cwd: string;
  timeoutMs: number;
  /** Where the whole output goes (its folder is created). Without it only the tail is kept. */
  logFile?: string;
  /** Size of `outputTail` in bytes (default 16 KiB). */
  tailBytes?: number;
  /** The environment to start from (default process.env); it is scrubbed either way. */
  env?: NodeJS.ProcessEnv;
  /** Between SIGTERM and SIGKILL on timeout (default 2000 ms). */
  killGraceMs?: number;
  onOutput?: (chunk: string) => void;
  /** Text given on stdin (e.g. a plan to approve). Without it stdin is closed: a test reading it must not hang. */
  input?: string;
}

const DEFAULT_TAIL_BYTES = 16 * 1024;
const DEFAULT_KILL_GRACE_MS = 2000;
/** After the command exited, how long its output may still take to drain before we cut it. */
const DRAIN_MS = 1000;

/**
 * Runs a shell command line (an agent's `npm test`) in `cwd` in its own process group, with no
 * stdin. Output is streamed, never buffered whole: to `logFile` entirely and to a bounded tail.
 * The run ends when the command exits — not when its output closes, which a background
 * grandchild can hold open forever — and then whatever is left of its process tree is killed: the
 * group, and the descendants that left it (found by their KV1NT_RUN_ID, see process-tree.ts).
 * On timeout the tree gets SIGTERM, then SIGKILL after `killGraceMs`. If kv1nt is interrupted
 * (Ctrl-C, SIGTERM) while it runs, the tree is killed before kv1nt exits.
 *
 * `CI=1` is set unless the environment already says otherwise: test runners then neither watch
 * nor prompt, and skip spinners that bloat the log.
 *
 * Never throws: a command that fails, hangs or cannot start is described in the result.
 */
export async function runTestCommand(command: string, options: TestCommandOptions): Promise<TestRun> {
  const started = performance.now();
  const tail = new TailBuffer(options.tailBytes ?? DEFAULT_TAIL_BYTES);
  const firstErrors = new FirstErrors();
  const logFile = options.logFile ? path.resolve(options.logFile) : null;
  const result = (facts: RunFacts): TestRun => {
    const outcome = judgeRun(facts);
    const skipped = tail.pushed - tail.kept;
    return {
      ...outcome,
      durationMs: performance.now() - started,
      outputTail:
        outcome.status === 'passed'
          ? tail.text()
          : failureDigest(tail.text(), firstErrors.linesBefore(skipped), skipped),
      logFile,
    };
  };

  let log: fs.WriteStream | undefined;
  try {
    if (logFile) {
      await fs.promises.mkdir(path.dirname(logFile), { recursive: true });
      log = await openLog(logFile);
    }
  } catch (error) {
    return result({
      exitCode: null,
      signal: null,
      timedOut: false,
      error: `cannot write the log: ${message(error)}`,
    });
  }

  const execaOptions = {
    shell: true,
    cwd: options.cwd,
    ...(options.input === undefined ? { stdin: 'ignore' as const } : { input: options.input }),
    buffer: false,
    reject: false,
    stripFinalNewline: false,
  };
  let run: MarkedRun<typeof execaOptions> | undefined;
  try {
    const env = scrubbedEnv(options.env ?? process.env);
    if (env.CI === undefined) env.CI = '1';
    run = await startMarked(command, [], execaOptions, { env, group: true });
    const { child, tree: running } = run;
    // With reject: false the promise resolves even on failure; it only tells us about spawn errors.
    const finished = Promise.resolve(child).then(
      (outcome) => ({ how: 'finished' as const, outcome }),
      (error: unknown) => ({ how: 'crashed' as const, error }),
    );
    const exited = new Promise<{ how: 'exited'; code: number | null; signal: string | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ how: 'exited', code, signal })),
    );

    const streams = [child.stdout, child.stderr].filter((s): s is Readable => s !== null && s !== undefined);
    pump(streams, tail, firstErrors, log, options.onOutput);

    let timedOut = false;
    let graceTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      killTree(running, 'SIGTERM');
      graceTimer = setTimeout(
        () => killTree(running, 'SIGKILL'),
        options.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
      );
    }, options.timeoutMs);

    const first = await Promise.race([exited, finished]);
    clearTimeout(timer);
    clearTimeout(graceTimer);
    // Background leftovers (`server &`, a `setsid` daemon) die with the run, and let go of the pipes.
    run.finish();
    await drain(streams, DRAIN_MS);
    for (const stream of streams) stream.destroy();
    if (log) await closeLog(log);

    if (first.how === 'exited') return result({ exitCode: first.code, signal: first.signal, timedOut });
    if (first.how === 'crashed')
      return result({ exitCode: null, signal: null, timedOut, error: message(first.error) });
    const outcome = first.outcome;
    const spawned = outcome.exitCode !== undefined || outcome.signal !== undefined;
    return result({
      exitCode: outcome.exitCode ?? null,
      signal: outcome.signal ?? null,
      timedOut,
      ...(spawned ? {} : { error: outcome.shortMessage ?? `could not run ${command}` }),
    });
  } catch (error) {
    run?.finish();
    if (log) await closeLog(log).catch(() => undefined);
    return result({ exitCode: null, signal: null, timedOut: false, error: message(error) });
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
