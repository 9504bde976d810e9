import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kv1ntError } from '../errors.js';
import { busy, hasErrno } from '../errors.js';
import { isAlive } from '../process-alive.js';

/**
 * A cross-process lock file whose staleness is decided by the holder's liveness, not by age.
 *
 * Why not an mtime lease (proper-lockfile and friends)? A holder whose event loop is busy — say,
 * serialising a large store — cannot refresh its lease, and a waiter then "steals" a lock that is
 * still in use. Here a lock is stale only when its holder process is gone (same host), so a busy
 * holder keeps it and a `kill -9`ed one releases it at once.
 *
 * The lock file is created whole with link(2) (atomic, fails if it exists), so it always holds its
 * owner record. Breaking a dead holder's lock goes through a short-lived guard, and re-checks the
 * owner under that guard, so two waiters can never both break and then both hold it.
 */
interface LockOwner {
  pid: number;
  host: string;
  token: string;
  since: string;
}

export interface LockOptions {
  /** Give up after this long (ms). */
  timeoutMs?: number;
}

export interface LockHandle {
  release(): void;
}

const GUARD_STALE_MS = 5_000;
/** Tokens of the locks this process holds: a lock with our pid but another token is a dead predecessor's. */
const heldTokens = new Set<string>();
const UNREADABLE_STALE_MS = 10_000;

export async function acquireLock(lockPath: string, options: LockOptions = {}): Promise<LockHandle> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const owner: LockOwner = {
    pid: process.pid,
    host: hostname(),
    token: randomUUID(),
    since: new Date().toISOString(),
  };
  const deadline = Date.now() + timeoutMs;
  let delay = 1;
  for (;;) {
    if (tryCreate(lockPath, owner)) return handleFor(lockPath, owner.token);
    breakIfStale(lockPath);
    if (Date.now() > deadline) throw lockTimeout(lockPath, timeoutMs);
    // Jittered backoff: many short critical sections, so start small.
    await sleep(delay + Math.random() * delay);
    delay = Math.min(delay * 2, 25);
  }
}

export async function withLock<T>(
  lockPath: string,
  fn: () => Promise<T> | T,
  options?: LockOptions,
): Promise<T> {
  const lock = await acquireLock(lockPath, options);
  try {
    return await fn();
  } finally {
    lock.release();
  }
}

function tryCreate(lockPath: string, owner: LockOwner): boolean {
  const staging = `${lockPath}.${owner.token}`;
  fs.writeFileSync(staging, JSON.stringify(owner), { flag: 'wx' });
  try {
    fs.linkSync(staging, lockPath);
    return true;
  } catch (error) {
    if (hasErrno(error, 'EEXIST')) return false;
    throw error;
  } finally {
    fs.rmSync(staging, { force: true });
  }
}

function handleFor(lockPath: string, token: string): LockHandle {
  let released = false;
  heldTokens.add(token);
  return {
    release() {
      if (released) return;
      released = true;
      heldTokens.delete(token);
      // Only remove the lock if it is still ours (it can't be taken from a live holder, but be sure).
      if (readOwner(lockPath)?.token === token) fs.rmSync(lockPath, { force: true });
    },
  };
}

function readOwner(lockPath: string): LockOwner | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(lockPath, 'utf8')) as Partial<LockOwner>;
    if (
      typeof parsed.pid === 'number' &&
      typeof parsed.token === 'string' &&
      typeof parsed.host === 'string'
    ) {
      return parsed as LockOwner;
    }
    return undefined;
  } catch {
    return undefined;
  }
}

function isStale(lockPath: string, owner: LockOwner | undefined): boolean {
  if (owner === undefined) return ageMs(lockPath) > UNREADABLE_STALE_MS;
  // Another host's process can't be probed: never presume it dead.
  if (owner.host !== hostname()) return false;
  // In containers a new run often gets the pid of the run that was killed: our pid, not our lock.
  if (owner.pid === process.pid) return !heldTokens.has(owner.token);
  return !isAlive(owner.pid);
}

function ageMs(file: string): number {
  try {
    return Date.now() - fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function breakIfStale(lockPath: string): void {
  const seen = readOwner(lockPath);
  if (!isStale(lockPath, seen)) return;
  const guard = `${lockPath}.break`;
  const guardOwner: LockOwner = {
    pid: process.pid,
    host: hostname(),
    token: randomUUID(),
    since: new Date().toISOString(),
  };
  if (!tryCreate(guard, guardOwner)) {
    // A breaker that died holding the guard: its critical section is microseconds long.
    if (ageMs(guard) > GUARD_STALE_MS) fs.rmSync(guard, { force: true });
    return;
  }
  try {
    // Re-check under the guard: someone may have broken and re-taken the lock meanwhile.
    const now = readOwner(lockPath);
    const same = now?.token === seen?.token;
    if (same && isStale(lockPath, now)) fs.rmSync(lockPath, { force: true });
  } finally {
    fs.rmSync(guard, { force: true });
  }
}

function lockTimeout(lockPath: string, timeoutMs: number): Kv1ntError {
  const owner = readOwner(lockPath);
  const who = owner ? `process ${owner.pid} on ${owner.host} since ${owner.since}` : 'an unknown process';
  return busy(
    'LOCK_TIMEOUT',
    `Timed out after ${timeoutMs} ms waiting for the lock ${lockPath}, held by ${who}.`,
    [
      'Wait for the other kv1nt process to finish and try again.',
      `If no kv1nt process is running (for example after a reboot reused its pid), delete ${lockPath}.`,
    ],
  );
}
