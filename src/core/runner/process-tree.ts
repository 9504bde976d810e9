import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { onFatalExit } from '../fatal-exit.js';

/**
 * Stopping what kv1nt starts, whole — the one kill-tree helper of the runner (spawn.ts starts the
 * runs, run-tests.ts and run-tool.ts stop them).
 *
 * A test or tool runs in a process group of its own, so a signal to the group reaches its
 * children. A descendant can leave the group (`setsid`, a daemonizing server, `detached: true`),
 * so every process kv1nt starts also carries `KV1NT_RUN_ID=<id>` in its environment, which its
 * descendants inherit; stopping a tree signals the group, then every process whose
 * `/proc/<pid>/environ` holds that id, until none is left.
 *
 * What cannot be caught: a descendant that clears or rewrites its environment before it leaves
 * the group (`env -i setsid …`), one that runs as another user, and — where there is no /proc
 * (macOS) — anything outside the group. A subreaper (prctl PR_SET_CHILD_SUBREAPER) or a cgroup
 * would catch those, but neither is reachable from Node without a native addon or privileges.
 */
export const RUN_ID_VARIABLE = 'KV1NT_RUN_ID';

/** Unique to this kv1nt process: every run id it hands out starts with it. */
const PROCESS_PREFIX = `kv1nt-${process.pid}-${randomBytes(4).toString('hex')}`;
let runs = 0;

export interface ProcessTree {
  /** The leader of the tree's process group (the spawned child, started detached). */
  pid: number | undefined;
  runId: string;
}

/** A fresh id for one run: `<prefix of this process>-<n>`. */
export function newRunId(): string {
  runs += 1;
  return `${PROCESS_PREFIX}-${runs}`;
}

/** The prefix of every run id of this process (a sandbox's owner records it, see killStrays). */
export function runIdPrefix(): string {
  return PROCESS_PREFIX;
}

/** `env` with the run's marker, for the process to start. */
export function markedEnv(env: NodeJS.ProcessEnv, runId: string): NodeJS.ProcessEnv {
  return { ...env, [RUN_ID_VARIABLE]: runId };
}

const live = new Set<ProcessTree>();

/**
 * Registers a running tree: if a signal ends kv1nt (Ctrl-C, SIGTERM, SIGHUP) or it exits while the
 * tree runs, the tree is killed first. Returns the function that unregisters it.
 */
export function track(tree: ProcessTree): () => void {
  live.add(tree);
  onFatalExit('process-trees', killLiveTrees);
  return () => live.delete(tree);
}

/** Signals the tree's group and every process marked with its run id (repeated while new ones show up). */
export function killTree(tree: ProcessTree, signal: NodeJS.Signals): void {
  signalPid(tree.pid === undefined ? undefined : -tree.pid, signal);
  killMarked((value) => value === tree.runId, signal);
}

/** Kills (SIGKILL) every tree still registered: kv1nt is about to end. Synchronous. */
export function killLiveTrees(): void {
  for (const tree of live) killTree(tree, 'SIGKILL');
  live.clear();
}

/**
 * Kills what a kv1nt process that is gone left running (a `kill -9` mid-test): every process marked
 * with a run id of that process (`prefix`, from its sandbox's owner.json). Returns how many.
 */
export function killStrays(prefix: string): number {
  return killMarked((value) => value.startsWith(`${prefix}-`), 'SIGKILL');
}

/** Rounds of scan-and-kill: a process forked between a scan and its kill shows up in the next. */
const MAX_ROUNDS = 5;

function killMarked(matches: (runId: string) => boolean, signal: NodeJS.Signals): number {
  const killed = new Set<number>();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const found = markedProcesses(matches).filter((pid) => signal !== 'SIGKILL' || !killed.has(pid));
    if (found.length === 0) break;
    for (const pid of found) {
      signalPid(pid, signal);
      killed.add(pid);
    }
    // SIGTERM may be handled (or ignored): one round only, the caller escalates.
    if (signal !== 'SIGKILL') break;
  }
  return killed.size;
}

/** Pids of this host whose environment holds KV1NT_RUN_ID with a matching value (Linux /proc; elsewhere none). */
export function markedProcesses(matches: (runId: string) => boolean): number[] {
  if (process.platform !== 'linux') return [];
  let names: string[];
  try {
    names = fs.readdirSync('/proc');
  } catch {
    return [];
  }
  const key = `${RUN_ID_VARIABLE}=`;
  const pids: number[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    let environ: string;
    try {
      // A zombie's environ is empty: it is dead already, only not reaped.
      environ = fs.readFileSync(`/proc/${name}/environ`, 'latin1');
    } catch {
      continue; // gone, or another user's
    }
    for (const entry of environ.split('\0'))
      if (entry.startsWith(key) && matches(entry.slice(key.length))) {
        pids.push(Number(name));
        break;
      }
  }
  return pids;
}

function signalPid(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, signal);
  } catch {
    // Gone already.
  }
}
