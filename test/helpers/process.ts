import fs from 'node:fs';
import { afterEach } from 'vitest';

const leftovers: number[] = [];
afterEach(() => {
  for (const pid of leftovers.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone, as it should be.
    }
  }
});

/** Kills `pid` after the current test, whatever its outcome (a failing test must not leak it). */
export function killAfterTest(pid: number): number {
  leftovers.push(pid);
  return pid;
}

/** The pid a process wrote to `file` (waiting for it, up to 5 s), killed after the test. */
export async function readPidFile(file: string): Promise<number> {
  for (let i = 0; i < 200 && !fs.existsSync(file); i++) await new Promise((r) => setTimeout(r, 25));
  return killAfterTest(Number(fs.readFileSync(file, 'utf8').trim()));
}

/** Alive and not a zombie (PID 1 in a container may never reap an orphan). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Polls until `pid` is gone (reaping takes a moment after a group kill). */
export async function waitUntilDead(pid: number, withinMs = 2000): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (Date.now() < until) {
    if (!isAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return !isAlive(pid);
}

/** Live (not zombie) pids of this host whose command line contains `marker` (Linux /proc). */
export function processesWith(marker: string): number[] {
  const pids: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (cmdline.includes(marker) && isAlive(Number(name))) pids.push(Number(name));
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

/** Polls until no live process carries `marker` in its command line; returns the ones left. */
export async function waitUntilNoneWith(marker: string, withinMs = 3000): Promise<number[]> {
  const until = Date.now() + withinMs;
  let left = processesWith(marker);
  while (left.length > 0 && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    left = processesWith(marker);
  }
  return left;
}
