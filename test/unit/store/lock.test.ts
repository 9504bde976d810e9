import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { isAlive } from '../../../src/core/process-alive.js';
import { acquireLock, withLock } from '../../../src/core/store/lock.js';
import { tempDir } from '../../helpers/cli.js';
import { rejection } from './helpers.js';

/** The pid of a process that has exited (and been reaped). */
function deadPid(): number {
  const run = spawnSync(process.execPath, ['-e', '']);
  expect(run.status).toBe(0);
  expect(isAlive(run.pid)).toBe(false);
  return run.pid;
}

function plantLock(lockPath: string, owner: Record<string, unknown>): string {
  const content = JSON.stringify({ token: 'planted', since: '2026-01-01T00:00:00.000Z', ...owner });
  fs.writeFileSync(lockPath, content);
  return content;
}

function ageBy(file: string, ms: number): void {
  const then = new Date(Date.now() - ms);
  fs.utimesSync(file, then, then);
}

describe('acquireLock / withLock in one process', () => {
  it('serialises critical sections and leaves nothing behind', async () => {
    const dir = tempDir();
    const lockPath = path.join(dir, 'a.lock');
    const events: string[] = [];
    const section = (name: string) =>
      withLock(lockPath, async () => {
        events.push(`${name} in`);
        expect(fs.readdirSync(dir)).toEqual(['a.lock']); // the staging link is gone
        await sleep(30);
        events.push(`${name} out`);
        return name;
      });
    expect(await Promise.all([section('one'), section('two'), section('three')])).toEqual([
      'one',
      'two',
      'three',
    ]);
    for (let i = 0; i < events.length; i += 2) {
      expect(events[i + 1]).toBe(events[i]!.replace(' in', ' out'));
    }
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('releases the lock when the section throws', async () => {
    const lockPath = path.join(tempDir(), 'a.lock');
    await expect(
      withLock(lockPath, () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(fs.existsSync(lockPath)).toBe(false);
  });

  it('records its owner in the lock file', async () => {
    const lockPath = path.join(tempDir(), 'a.lock');
    const lock = await acquireLock(lockPath);
    expect(JSON.parse(fs.readFileSync(lockPath, 'utf8'))).toEqual({
      pid: process.pid,
      host: hostname(),
      token: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
      since: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown,
    });
    lock.release();
    lock.release(); // idempotent
    expect(fs.existsSync(lockPath)).toBe(false);
  });

  it('release() does not remove a lock that is no longer its own', async () => {
    const lockPath = path.join(tempDir(), 'a.lock');
    const lock = await acquireLock(lockPath);
    const other = plantLock(lockPath, { pid: process.pid, host: hostname(), token: 'someone-else' });
    lock.release();
    expect(fs.readFileSync(lockPath, 'utf8')).toBe(other);
  });
});

describe('acquireLock: stale and live holders', () => {
  it('breaks the lock of a dead process on this host at once', async () => {
    const dir = tempDir();
    const lockPath = path.join(dir, 'a.lock');
    plantLock(lockPath, { pid: deadPid(), host: hostname() });
    const started = Date.now();
    const lock = await acquireLock(lockPath, { timeoutMs: 1000 });
    expect(Date.now() - started).toBeLessThan(500);
    expect((JSON.parse(fs.readFileSync(lockPath, 'utf8')) as { pid: number }).pid).toBe(process.pid);
    lock.release();
    expect(fs.readdirSync(dir)).toEqual([]); // no guard left either
  });

  it('never breaks the lock of a process on another host', async () => {
    const lockPath = path.join(tempDir(), 'a.lock');
    const content = plantLock(lockPath, { pid: deadPid(), host: `not-${hostname()}` });
    const error = await rejection(acquireLock(lockPath, { timeoutMs: 200 }));
    expect(error.code).toBe('LOCK_TIMEOUT');
    expect(error.message).toContain(`on not-${hostname()}`);
    expect(error.suggestions.join(' ')).toContain(`delete ${lockPath}`);
    expect(fs.readFileSync(lockPath, 'utf8')).toBe(content);
  });

  it('an unreadable lock file is respected while young and broken once old', async () => {
    const lockPath = path.join(tempDir(), 'a.lock');
    fs.writeFileSync(lockPath, 'garbage');
    const error = await rejection(acquireLock(lockPath, { timeoutMs: 200 }));
    expect(error.code).toBe('LOCK_TIMEOUT');
    expect(error.message).toContain('an unknown process');
    expect(fs.readFileSync(lockPath, 'utf8')).toBe('garbage');

    ageBy(lockPath, 60_000);
    const lock = await acquireLock(lockPath, { timeoutMs: 1000 });
    lock.release();
  });

  it("clears a dead breaker's old guard and then breaks the dead lock", async () => {
    const dir = tempDir();
    const lockPath = path.join(dir, 'a.lock');
    plantLock(lockPath, { pid: deadPid(), host: hostname() });
    plantLock(`${lockPath}.break`, { pid: deadPid(), host: hostname() });
    ageBy(`${lockPath}.break`, 60_000);
    const lock = await acquireLock(lockPath, { timeoutMs: 1000 });
    lock.release();
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('a young guard holds off breaking (someone else is breaking it right now)', async () => {
    const lockPath = path.join(tempDir(), 'a.lock');
    const content = plantLock(lockPath, { pid: deadPid(), host: hostname() });
    plantLock(`${lockPath}.break`, { pid: process.pid, host: hostname() });
    expect((await rejection(acquireLock(lockPath, { timeoutMs: 200 }))).code).toBe('LOCK_TIMEOUT');
    expect(fs.readFileSync(lockPath, 'utf8')).toBe(content);
  });

  it("breaks a dead predecessor's lock that carries this process's own (reused) pid", async () => {
    // In a container every run of the CLI often gets the same pid (even 1): a run killed with
    // kill -9 leaves a lock whose pid is "alive" — it is the next run itself.
    const lockPath = path.join(tempDir(), 'a.lock');
    plantLock(lockPath, { pid: process.pid, host: hostname(), token: 'killed-predecessor' });
    const lock = await acquireLock(lockPath, { timeoutMs: 500 });
    lock.release();
    expect(fs.existsSync(lockPath)).toBe(false);
  });
});
