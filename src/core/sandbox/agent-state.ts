import fs from 'node:fs/promises';
import type { TreeManifest } from './manifest.js';
import { hashFile } from './blobs.js';
import { agentPath, matchesFileEntry, type Change } from './changes.js';
import { permissions } from './listing.js';
import { blockedDirRemovals, lstatOrNull, unsafeParents } from './tree-ops.js';

// What the agent folder holds now, against a change's `before` (may it be applied?) and its
// `after` (is it still as the optimization left it?).

/** Paths whose agent state is not the manifest's `before` (or that can't be written safely). */
export async function applyConflicts(
  agentDir: string,
  changes: Change[],
  manifest: TreeManifest,
): Promise<string[]> {
  const conflicts = new Set<string>();
  for (const [rel] of await unsafeParents(agentDir, changes)) conflicts.add(rel);
  for (const [rel] of await blockedDirRemovals(agentDir, changes)) conflicts.add(rel);
  for (const change of changes) {
    if (conflicts.has(change.path)) continue;
    if (change.conflict || !(await matchesBefore(agentDir, change, manifest))) conflicts.add(change.path);
  }
  return changes.map((c) => c.path).filter((rel) => conflicts.has(rel));
}

async function matchesBefore(agentDir: string, change: Change, manifest: TreeManifest): Promise<boolean> {
  const entry = manifest.get(change.path);
  const abs = agentPath(agentDir, change.path);
  const stats = await lstatOrNull(abs);
  const before = change.before;
  if (before === null) return entry === undefined && stats === null;
  if (!entry || !stats || entry.kind !== before.kind) return false;
  if (entry.kind === 'file')
    return matchesFileEntry(stats, entry) && before.kind === 'file' && before.hash !== '';
  if (entry.kind === 'symlink') {
    return (
      stats.isSymbolicLink() &&
      stats.ino === entry.ino &&
      before.kind === 'symlink' &&
      (await fs.readlink(abs)) === before.target
    );
  }
  return stats.isDirectory();
}

/**
 * One reason per path of `changes` whose state in `agentDir` is no longer its `after` (several
 * transactions of one result are checked against their final states this way).
 */
export async function driftFrom(agentDir: string, changes: readonly Change[]): Promise<string[]> {
  const reasons: string[] = [];
  for (const change of changes) {
    const abs = agentPath(agentDir, change.path);
    const stats = await lstatOrNull(abs);
    const after = change.after;
    if (after === null) {
      if (stats) reasons.push(`${change.path} was created since the optimization`);
      continue;
    }
    if (!stats) {
      reasons.push(`${change.path} was removed since the optimization`);
      continue;
    }
    let same: boolean;
    if (after.kind === 'file') {
      same = stats.isFile() && permissions(stats.mode) === after.mode && (await hashFile(abs)) === after.hash;
    } else if (after.kind === 'symlink') {
      same = stats.isSymbolicLink() && (await fs.readlink(abs)) === after.target;
    } else {
      same = stats.isDirectory() && permissions(stats.mode) === after.mode;
    }
    if (!same) reasons.push(`${change.path} changed since the optimization`);
  }
  return reasons;
}
