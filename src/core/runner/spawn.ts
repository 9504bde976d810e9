import { execFile, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { promisify } from 'node:util';
import type { Options } from 'execa';
import { killTree, markedEnv, newRunId, track, type ProcessTree } from './process-tree.js';

export type { ChildProcess };

/**
 * The only place kv1nt starts a process. Runs of a user's or an agent's command (tests, tools,
 * `kv1nt run`) go through `startMarked`; kv1nt's own helpers (git, the plugin process, the hook's
 * background worker) through the small node:child_process wrappers below.
 */

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

/** A copy of `env` (default process.env) without the git variables a hook leaks. */
export function scrubbedEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const copy = { ...env };
  for (const name of LEAKY_GIT_ENV) delete copy[name];
  return copy;
}

export interface MarkedOptions {
  /** The environment to start from; it is marked with a fresh run id, never extended. */
  env: NodeJS.ProcessEnv;
  /**
   * A process group of its own, killed whole when kv1nt is interrupted meanwhile, and by `finish()`.
   * Without it the process shares kv1nt's group (Ctrl-C reaches it) and is left to its fate.
   */
  group: boolean;
}

/**
 * Starts `file args` with execa, marked with KV1NT_RUN_ID. execa costs ~150 ms to import: it is
 * loaded here, on first use, so commands that start no process never pay for it.
 */
export async function startMarked<O extends Options>(
  file: string,
  args: readonly string[],
  options: O,
  how: MarkedOptions,
) {
  const { execa } = await import('execa');
  const runId = newRunId();
  const full: O = { ...options, env: markedEnv(how.env, runId), extendEnv: false, detached: how.group };
  const startedAt = performance.now();
  const child = execa(file, args, full);
  const tree: ProcessTree = { pid: child.pid, runId };
  const untrack = how.group ? track(tree) : () => false;
  return {
    child,
    /** The process group (when `group`) and the run id its descendants carry (process-tree.ts). */
    tree,
    /** performance.now() at the spawn, after execa's import. */
    startedAt,
    /** Kills what is left of the tree (SIGKILL) and stops watching it. */
    finish() {
      if (how.group) killTree(tree, 'SIGKILL');
      untrack();
    },
  };
}

/** A started run: the execa child, typed from the options. */
export type MarkedRun<O extends Options> = Awaited<ReturnType<typeof startMarked<O>>>;

/** Starts a process kv1nt talks to itself (the plugin process): node's spawn, no marker. */
export function spawnChild(file: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  return spawn(file, args, options);
}

/** Starts a process that outlives kv1nt (the hook's test recorder): its own group, no stdio. */
export function spawnDetached(file: string, args: readonly string[], cwd: string): number | undefined {
  const child = spawn(file, args, { cwd, detached: true, stdio: 'ignore', env: process.env });
  child.unref();
  return child.pid;
}

const execFileAsync = promisify(execFile);

/** Runs a short helper (git) and returns its stdout; rejects as execFile does (code, stderr). */
export async function outputOf(file: string, args: readonly string[], cwd: string): Promise<string> {
  const { stdout } = await execFileAsync(file, args, { cwd, encoding: 'utf8' });
  return stdout;
}
