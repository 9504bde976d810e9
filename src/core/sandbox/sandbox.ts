import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fse from 'fs-extra';
import { copyTree, type CopyReport } from './copy-tree.js';
import { agentPathUnsafe } from '../errors.js';
import { onFatalExit } from '../fatal-exit.js';
import { isInside } from '../paths.js';
import { isAlive } from '../process-alive.js';
import { killStrays, runIdPrefix } from '../runner/process-tree.js';

/*
 * Sandboxes live under a folder of kv1nt's data dir (the caller passes `<dataDir>/sandboxes`), not
 * under os.tmpdir(): the tmpdir is often a tmpfs or another file system, so no reflink (every
 * byte of the agent copied, into RAM), and after a crash the data dir is where kv1nt looks for
 * leftovers (cleanStaleSandboxes).
 *
 * Layout: `<root>/<id>/owner.json` ({pid, hostname, createdAt, agentDir, runIdPrefix}), written
 * before the copy starts, then the copy in `<root>/<id>/tree`. `runIdPrefix` marks every process
 * the owner starts (process-tree.ts): when the owner dies without cleaning up (`kill -9`), the
 * next command kills what it left running in the sandbox before removing it.
 */

export interface Sandbox {
  id: string;
  /** the copy of the agent folder */
  dir: string;
  report: CopyReport;
  dispose(): Promise<void>;
}

export interface SandboxOwner {
  pid: number;
  hostname: string;
  createdAt: string;
  agentDir: string;
  runIdPrefix?: string;
}

/** A sandbox without a readable owner.json older than this is garbage (it is written first). */
const ORPHAN_AGE_MS = 60 * 60 * 1000;

export async function createSandbox(
  sandboxesRoot: string,
  agentDir: string,
  options: { exclude?: (rel: string) => boolean; signal?: AbortSignal } = {},
): Promise<Sandbox> {
  options.signal?.throwIfAborted();
  await fse.ensureDir(sandboxesRoot);
  // The copy would land inside what it copies, and copy itself again, level after level.
  if (isInside(await fs.promises.realpath(agentDir), await fs.promises.realpath(sandboxesRoot)))
    throw agentPathUnsafe(
      `Refusing to copy ${agentDir} into ${sandboxesRoot}: that folder is inside it, so the copy would contain itself.`,
    );
  // The owner's pid is in the name too: a process killed before owner.json is whole still leaves
  // a sandbox the next command can attribute, and remove at once.
  const id = `sbx_${process.pid}_${Date.now().toString(36)}_${randomBytes(6).toString('hex')}`;
  const home = path.join(sandboxesRoot, id);
  await fs.promises.mkdir(home);
  liveSandboxes.add(home);
  onFatalExit('sandboxes', removeLiveSandboxesSync);
  try {
    const owner: SandboxOwner = {
      pid: process.pid,
      hostname: os.hostname(),
      createdAt: new Date().toISOString(),
      agentDir: path.resolve(agentDir),
      runIdPrefix: runIdPrefix(),
    };
    await fs.promises.writeFile(path.join(home, 'owner.json'), `${JSON.stringify(owner, null, 2)}\n`);
    const dir = path.join(home, 'tree');
    const report = await copyTree(agentDir, dir, {
      ...(options.exclude ? { exclude: options.exclude } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    let disposed: Promise<void> | undefined;
    return {
      id,
      dir,
      report,
      dispose: () => (disposed ??= removeSandbox(home)),
    };
  } catch (error) {
    await removeSandbox(home);
    throw error;
  }
}

/**
 * Removes the sandboxes left by processes that are gone: the owner pid is not alive on this host,
 * or owner.json is missing or unreadable and the folder is older than an hour. What the owner left
 * running (its tests, in the sandbox) is killed first. A sandbox owned by another host is left
 * alone (we cannot tell whether its owner lives). A pid reused by an unrelated process keeps its
 * sandbox until that process ends too — harmless, just late. Returns the ids removed.
 */
export async function cleanStaleSandboxes(sandboxesRoot: string): Promise<string[]> {
  let entries: fs.Dirent[];
  try {
    entries = await fs.promises.readdir(sandboxesRoot, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const removed: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || !entry.name.startsWith('sbx_')) continue;
    const home = path.join(sandboxesRoot, entry.name);
    if (liveSandboxes.has(home)) continue;
    if (await isStale(home)) {
      const prefix = (await readOwner(home))?.runIdPrefix;
      if (typeof prefix === 'string' && prefix !== '') killStrays(prefix);
      await removeSandbox(home);
      removed.push(entry.name);
    }
  }
  return removed;
}

async function isStale(home: string): Promise<boolean> {
  const owner = await readOwner(home);
  if (owner === undefined) {
    // owner.json not written yet, or torn by a kill: the name says whose it is (this host's —
    // the instant between mkdir and owner.json is too short to matter for a shared data dir).
    const pid = Number(/^sbx_(\d+)_/.exec(path.basename(home))?.[1]);
    if (Number.isInteger(pid) && pid > 0) return !isAlive(pid);
    try {
      const stat = await fs.promises.stat(home);
      return Date.now() - stat.mtimeMs > ORPHAN_AGE_MS;
    } catch {
      return false; // Removed meanwhile.
    }
  }
  if (owner.hostname !== os.hostname()) return false;
  return !isAlive(owner.pid);
}

async function readOwner(home: string): Promise<SandboxOwner | undefined> {
  try {
    const owner = JSON.parse(await fs.promises.readFile(path.join(home, 'owner.json'), 'utf8')) as unknown;
    if (typeof owner !== 'object' || owner === null) return undefined;
    const { pid, hostname } = owner as Partial<SandboxOwner>;
    if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0 || typeof hostname !== 'string')
      return undefined;
    return owner as SandboxOwner;
  } catch {
    return undefined;
  }
}

async function removeSandbox(home: string): Promise<void> {
  try {
    await fse.remove(home);
  } catch {
    // The tests in the sandbox may have made folders read-only: open them up and retry.
    makeWritableSync(home);
    await fse.remove(home);
  }
  liveSandboxes.delete(home);
}

function removeSandboxSync(home: string): void {
  try {
    fse.removeSync(home);
  } catch {
    try {
      makeWritableSync(home);
      fse.removeSync(home);
    } catch {
      // Best effort while exiting; cleanStaleSandboxes gets it next time.
    }
  }
  liveSandboxes.delete(home);
}

/** Gives the owner rwx on every folder under `dir` (removing an entry needs write on its folder). */
function makeWritableSync(dir: string): void {
  try {
    fs.chmodSync(dir, 0o700);
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }))
      if (entry.isDirectory()) makeWritableSync(path.join(dir, entry.name));
  } catch {
    // Gone or not ours: rm reports what matters.
  }
}

/**
 * The sandboxes of this process not yet disposed: removed synchronously if the process ends (after
 * the tests running in them are killed: see fatal-exit.ts).
 */
const liveSandboxes = new Set<string>();

function removeLiveSandboxesSync(): void {
  for (const home of [...liveSandboxes]) removeSandboxSync(home);
}
