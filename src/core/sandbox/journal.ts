import { readdirSync } from 'node:fs';
import fs from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { transactionError, hasErrno } from '../errors.js';
import { atomicWriteFile, fsyncDir, removeStaleTemps } from '../store/atomic-file.js';
import type { Change } from './changes.js';
import type { TreeSwap } from './tree-swap.js';
import { isAlive } from '../process-alive.js';

/**
 * The on-disk record of one transaction (`<root>/<txnId>/journal.json`) and the in-flight marker
 * next to it (`<root>/<txnId>.inflight`). See transaction.ts for the state machine.
 */
export type TxnState = 'prepared' | 'applying' | 'applied' | 'rolling_back' | 'rolled_back' | 'abandoned';

export interface Journal {
  version: 1;
  id: string;
  /** Real path of the agent folder the change set is written into. */
  agentDir: string;
  state: TxnState;
  /** In apply order; the inverse (after ↔ before) in orderChanges order is the rollback. */
  changes: Change[];
  meta: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  appliedAt?: string;
  rolledBackAt?: string;
  /** The rollback overrode edits made after the apply. */
  forced?: boolean;
  /** The installed tree swapped in as one directory (tree-swap.ts), after the paths of `changes`. */
  swap?: TreeSwap;
}

export const JOURNAL_FILE = 'journal.json';
const MARKER_SUFFIX = '.inflight';
/** The temp file of a marker write killed midway (atomicWriteFile's naming): `<id>.inflight.<pid>.<hex>.tmp`. */
const MARKER_TEMP = /\.inflight\.(\d+)\.[0-9a-f]+\.tmp$/;
/** Transactions this process is applying or rolling back right now: never "recover" them under itself. */
const ownInFlight = new Set<string>();

export function journalPath(txnDir: string): string {
  return path.join(txnDir, JOURNAL_FILE);
}

export function txnIdOf(txnDir: string): string {
  return path.basename(path.resolve(txnDir));
}

export function txnRootOf(txnDir: string): string {
  return path.dirname(path.resolve(txnDir));
}

export async function readJournal(txnDir: string): Promise<Journal | undefined> {
  let text: string;
  try {
    text = await fs.readFile(journalPath(txnDir), 'utf8');
  } catch (error) {
    if (hasErrno(error, 'ENOENT')) return undefined;
    throw error;
  }
  const journal = JSON.parse(text) as Journal;
  if (journal.version !== 1 || !Array.isArray(journal.changes)) {
    throw transactionError('TXN_BAD_JOURNAL', `Unreadable transaction journal ${journalPath(txnDir)}.`);
  }
  return journal;
}

/** Atomic and durable: temp file in the same folder, fsync, rename, fsync of the folder. */
export function writeJournal(txnDir: string, journal: Journal): Journal {
  const file = journalPath(txnDir);
  removeStaleTemps(file); // a writer killed mid-write left its temp; only transaction owners get here
  const updated = { ...journal, updatedAt: new Date().toISOString() };
  atomicWriteFile(file, `${JSON.stringify(updated, null, 2)}\n`);
  return updated;
}

interface MarkerOwner {
  pid: number;
  host: string;
}

function markerPath(root: string, id: string): string {
  return path.join(root, `${id}${MARKER_SUFFIX}`);
}

/**
 * Announces "this transaction may be half-applied" before anything that can leave it so, so that
 * recovery finds interrupted transactions with one readdir of the root instead of reading every
 * journal kept for rollback.
 */
export function createMarker(txnDir: string): void {
  const owner: MarkerOwner = { pid: process.pid, host: hostname() };
  ownInFlight.add(path.resolve(txnDir));
  atomicWriteFile(markerPath(txnRootOf(txnDir), txnIdOf(txnDir)), JSON.stringify(owner));
}

export async function removeMarker(txnDir: string): Promise<void> {
  const root = txnRootOf(txnDir);
  await fs.rm(markerPath(root, txnIdOf(txnDir)), { force: true });
  fsyncDir(root);
  releaseInFlight(txnDir);
}

/** The transaction is no longer worked on by this process (done, or its run failed mid-way). */
export function releaseInFlight(txnDir: string): void {
  ownInFlight.delete(path.resolve(txnDir));
}

/** Ids of the transactions with a marker whose owner is not a live process (on this host). */
export async function orphanedTransactions(root: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.readdir(root);
  } catch (error) {
    if (hasErrno(error, 'ENOENT', 'ENOTDIR')) return [];
    throw error;
  }
  const ids: string[] = [];
  for (const name of names) {
    const temp = MARKER_TEMP.exec(name);
    if (temp && !isAlive(Number(temp[1]))) await fs.rm(path.join(root, name), { force: true });
    if (!name.endsWith(MARKER_SUFFIX)) continue;
    const id = name.slice(0, -MARKER_SUFFIX.length);
    if (ownInFlight.has(path.resolve(root, id))) continue;
    if (!(await ownerAlive(path.join(root, name)))) ids.push(id);
  }
  return ids;
}

async function ownerAlive(marker: string): Promise<boolean> {
  let owner: MarkerOwner;
  try {
    owner = JSON.parse(await fs.readFile(marker, 'utf8')) as MarkerOwner;
  } catch {
    return false; // unreadable or gone: no one can be relying on it
  }
  if (owner.host !== hostname()) return true; // can't tell; a shared data dir across hosts is not ours to fix
  if (owner.pid === process.pid) return false; // not in ownInFlight: a dead predecessor with our pid, or our failed run
  return isAlive(owner.pid);
}

/**
 * Whether `root` holds a marker or a marker's temp file. Without one, orphanedTransactions finds
 * nothing and removes nothing: a command can skip loading the recovery (one sync readdir).
 */
export function hasMarkers(root: string): boolean {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch (error) {
    if (hasErrno(error, 'ENOENT', 'ENOTDIR')) return false;
    throw error;
  }
  return names.some((name) => name.endsWith(MARKER_SUFFIX) || MARKER_TEMP.test(name));
}
