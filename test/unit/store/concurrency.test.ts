import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { acquireLock } from '../../../src/core/store/lock.js';
import { tempDir } from '../../helpers/cli.js';
import { assertFreshBuild, rejection, runFixture } from './helpers.js';

const WRITERS = ['a', 'b', 'c', 'd', 'e', 'f'];
const INCREMENTS = 30;
const EXPECTED = WRITERS.flatMap((tag) => Array.from({ length: INCREMENTS }, (_, i) => `${tag}-${i}`)).sort();

interface Outcome {
  exits: Array<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr: string[];
}

/** Runs one worker per tag, all starting their read→push→write loops at the same instant. */
async function race(fixture: string, target: string): Promise<Outcome> {
  // Far enough ahead for every child to have started and loaded its modules.
  const startAt = String(Date.now() + 600);
  const runs = WRITERS.map((tag) => runFixture(fixture, [target, String(INCREMENTS), startAt, tag]));
  const exits = await Promise.all(runs.map((run) => run.exited));
  return { exits, stderr: runs.map((run) => run.stderr()) };
}

function readItems(file: string): string[] | string {
  try {
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { items: string[] }).items;
  } catch (error) {
    return `unreadable: ${(error as Error).message}`;
  }
}

function owner(lockPath: string): { pid: number } {
  return JSON.parse(fs.readFileSync(lockPath, 'utf8')) as { pid: number };
}

beforeAll(() => assertFreshBuild());

describe('several processes updating one JSON store', () => {
  it('plain lowdb (JSONFile, read → push → write) loses updates or corrupts the file', async () => {
    const file = path.join(tempDir(), 'db.json');
    const outcome = await race('lowdb-worker.js', file);
    const items = readItems(file);
    const failed = outcome.exits.filter((exit) => exit.code !== 0).length;
    console.log(
      `plain lowdb, ${WRITERS.length} × ${INCREMENTS}: ${
        typeof items === 'string' ? items : `${items.length} of ${EXPECTED.length} items kept`
      }, ${failed} writer(s) failed`,
    );
    // Intact would mean: every writer succeeded and every item is there. lowdb cannot promise that.
    const intact = failed === 0 && Array.isArray(items) && items.length === EXPECTED.length;
    expect(intact).toBe(false);
    if (Array.isArray(items)) expect(items.length).toBeLessThanOrEqual(EXPECTED.length);
  });

  it('JsonDocStore.update keeps every one of the same updates and leaves a valid file', async () => {
    const dataDir = tempDir();
    const outcome = await race('store-worker.js', dataDir);
    expect(outcome).toEqual({
      exits: WRITERS.map(() => ({ code: 0, signal: null })),
      stderr: WRITERS.map(() => ''),
    });
    const file = path.join(dataDir, 'counter', 'counter.json');
    const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as { schemaVersion: number; items: string[] };
    expect({ ...doc, items: [...doc.items].sort() }).toEqual({ schemaVersion: 1, items: EXPECTED });
    // No temp file, no lock left behind.
    expect(fs.readdirSync(path.join(dataDir, 'counter'))).toEqual(['counter.json']);
    expect(fs.readdirSync(path.join(dataDir, 'locks'))).toEqual([]);
  });
});

describe('the cross-process lock', () => {
  it('is not stolen from a holder whose event loop is blocked, and is free once it finishes', async () => {
    const lockPath = path.join(tempDir(), 'busy.lock');
    const holder = runFixture('lock-holder.js', [lockPath, '3000']);
    await holder.said('locked');

    const started = Date.now();
    const error = await rejection(acquireLock(lockPath, { timeoutMs: 1000 }));
    expect(error.code).toBe('LOCK_TIMEOUT');
    expect(error.message).toContain(lockPath);
    expect(error.message).toContain(`process ${holder.pid}`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    // Still the busy holder's lock.
    expect(owner(lockPath).pid).toBe(holder.pid);

    expect(await holder.exited).toEqual({ code: 0, signal: null });
    expect(holder.stdout()).toBe('locked\nreleased\n');
    expect(fs.existsSync(lockPath)).toBe(false);

    const lock = await acquireLock(lockPath, { timeoutMs: 1000 });
    expect(owner(lockPath).pid).toBe(process.pid);
    lock.release();
    expect(fs.existsSync(lockPath)).toBe(false);
  });

  it('passes to a waiter promptly when its holder is killed with SIGKILL', async () => {
    const lockPath = path.join(tempDir(), 'killed.lock');
    const holder = runFixture('lock-holder.js', [lockPath, 'idle']);
    await holder.said('locked');

    let acquiredAt: number | undefined;
    const waiting = acquireLock(lockPath, { timeoutMs: 10_000 }).then((lock) => {
      acquiredAt = Date.now();
      return lock;
    });
    await sleep(300);
    expect(acquiredAt).toBeUndefined(); // a live, idle holder keeps it

    holder.child.kill('SIGKILL');
    const killedAt = Date.now();
    const lock = await waiting;
    expect(await holder.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(acquiredAt! - killedAt).toBeLessThan(1000);
    expect(owner(lockPath).pid).toBe(process.pid);
    lock.release();
    expect(fs.readdirSync(path.dirname(lockPath))).toEqual([]);
  });
});
