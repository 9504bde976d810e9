import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { FirstErrors, failureDigest } from './first-errors.js';
import { killTree, markedEnv, newRunId, track, type ProcessTree } from '../runner/process-tree.js';

export interface TestRun {
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  timedOut: boolean;
  /**
   * The last `tailBytes` of stdout+stderr interleaved. When the run failed and its output was
   * longer, led by the first failure lines (errors, assertions) that scrolled out of it.
   */
  outputTail: string;
  logFile: string | null;
  error?: string;
}

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

/**
 * Git variables that a git hook exports (GIT_DIR, GIT_INDEX_FILE… in pre-commit, GIT_QUARANTINE_PATH
 * and the object dirs in pre-receive). A command started from a hook must act on its own folder's
 * repo, not the hook's: with GIT_DIR inherited, a test's `git commit` in a sandbox lands in the
 * user's real repository. GIT_CEILING_DIRECTORIES is kept: it is the user's setting, not a hook's
 * leak, and removing it could only let git wander further up.
 */
const LEAKY_GIT_ENV = [
  'GIT_DIR',
  'GIT_INDEX_FILE',
  'GIT_WORK_TREE',
  'GIT_PREFIX',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR',
  'GIT_QUARANTINE_PATH',
  'GIT_NAMESPACE',
];

const DEFAULT_TAIL_BYTES = 16 * 1024;
const DEFAULT_KILL_GRACE_MS = 2000;
/** After the command exited, how long its output may still take to drain before we cut it. */
const DRAIN_MS = 1000;

/** A copy of `env` (default process.env) without the git variables a hook leaks. */
export function scrubbedEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const copy = { ...env };
  for (const name of LEAKY_GIT_ENV) delete copy[name];
  return copy;
}

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
  const result = (fields: Omit<TestRun, 'durationMs' | 'outputTail' | 'logFile'>): TestRun => {
    const failed =
      fields.exitCode !== 0 || fields.signal !== null || fields.timedOut || fields.error !== undefined;
    const skipped = tail.pushed - tail.kept;
    return {
      ...fields,
      durationMs: performance.now() - started,
      outputTail: failed
        ? failureDigest(tail.text(), firstErrors.linesBefore(skipped), skipped)
        : tail.text(),
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

  let tree: ProcessTree | undefined;
  let untrack = (): void => undefined;
  try {
    const { execa } = await import('execa');
    const runId = newRunId();
    const env = markedEnv(scrubbedEnv(options.env ?? process.env), runId);
    if (env.CI === undefined) env.CI = '1';
    const child = execa(command, {
      shell: true,
      cwd: options.cwd,
      env,
      extendEnv: false,
      detached: true,
      ...(options.input === undefined ? { stdin: 'ignore' as const } : { input: options.input }),
      buffer: false,
      reject: false,
      stripFinalNewline: false,
    });
    tree = { pid: child.pid, runId };
    untrack = track(tree);
    const running = tree;
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
    killTree(running, 'SIGKILL');
    untrack();
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
    if (tree) killTree(tree, 'SIGKILL');
    untrack();
    if (log) await closeLog(log).catch(() => undefined);
    return result({ exitCode: null, signal: null, timedOut: false, error: message(error) });
  }
}

/**
 * Moves the output into the tail, the first failure lines, the log and onOutput; pauses the
 * streams while the log catches up.
 */
function pump(
  streams: readonly Readable[],
  tail: TailBuffer,
  firstErrors: FirstErrors,
  log: fs.WriteStream | undefined,
  onOutput: ((chunk: string) => void) | undefined,
): void {
  let waitingForLog = false;
  for (const stream of streams) {
    const decoder = new StringDecoder('utf8');
    stream.on('data', (chunk: Buffer) => {
      const at = tail.pushed;
      tail.push(chunk);
      if (onOutput || !firstErrors.full()) {
        const text = decoder.write(chunk);
        firstErrors.push(stream, text, at);
        if (onOutput && text) onOutput(text);
      }
      if (log && !log.write(chunk) && !waitingForLog) {
        waitingForLog = true;
        for (const s of streams) s.pause();
        log.once('drain', () => {
          waitingForLog = false;
          for (const s of streams) s.resume();
        });
      }
    });
    stream.on('error', () => undefined); // Destroyed after the run: not an error of the command.
  }
}

/** Waits until every stream ended, at most `ms` (a process outside the group may hold a pipe). */
async function drain(streams: readonly Readable[], ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const ended = streams.map(
    (stream) =>
      new Promise<void>((resolve) => {
        if (stream.readableEnded || stream.destroyed) return resolve();
        stream.once('end', resolve);
        stream.once('close', resolve);
        stream.once('error', () => resolve());
      }),
  );
  await Promise.race([
    Promise.all(ended),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}

async function openLog(file: string): Promise<fs.WriteStream> {
  const log = fs.createWriteStream(file);
  await new Promise<void>((resolve, reject) => {
    log.once('open', () => resolve());
    log.once('error', reject);
  });
  return log;
}

async function closeLog(log: fs.WriteStream): Promise<void> {
  await new Promise<void>((resolve, reject) =>
    log.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The last `size` bytes of everything pushed, decoded at the end. */
class TailBuffer {
  private chunks: Buffer[] = [];
  private length = 0;
  /** Bytes pushed in all. */
  pushed = 0;

  constructor(private readonly size: number) {}

  /** Bytes the tail holds (the last of `pushed`). */
  get kept(): number {
    return Math.min(this.pushed, Math.max(this.size, 0));
  }

  push(chunk: Buffer): void {
    this.pushed += chunk.length;
    if (this.size <= 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
    if (this.length > this.size * 2) this.compact();
  }

  text(): string {
    this.compact();
    const bytes = this.chunks[0] ?? Buffer.alloc(0);
    // Do not start in the middle of a UTF-8 character.
    let start = 0;
    while (start < bytes.length && start < 4 && (bytes[start]! & 0xc0) === 0x80) start++;
    return bytes.subarray(start).toString('utf8');
  }

  private compact(): void {
    const all = Buffer.concat(this.chunks);
    const kept = all.length > this.size ? Buffer.from(all.subarray(all.length - this.size)) : all;
    this.chunks = [kept];
    this.length = kept.length;
  }
}
