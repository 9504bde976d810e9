import fs from 'node:fs';
import { hasErrno } from '../errors.js';
import { hasMarkers } from '../sandbox/journal.js';
import type { DataDir } from '../store/data-dir.js';

/**
 * Whether recoverInterrupted (recovery.ts) may have anything to do: a transaction's in-flight
 * marker, or any sandbox folder. When not, recovery is a no-op and need not even be loaded — every
 * command asks, and the record path asks before each entry.
 */
export function recoveryPending(dataDir: DataDir): boolean {
  return hasMarkers(dataDir.path('optimization', 'transactions')) || hasEntries(dataDir.path('sandboxes'));
}

function hasEntries(folder: string): boolean {
  try {
    return fs.readdirSync(folder).length > 0;
  } catch (error) {
    if (hasErrno(error, 'ENOENT', 'ENOTDIR')) return false;
    throw error;
  }
}
