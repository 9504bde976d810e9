import type { Stats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { hasErrno } from '../errors.js';
import { fsyncDir } from '../store/atomic-file.js';
import type { ManifestEntry, TreeManifest } from './manifest.js';
import { blobsDirOf, stageBlob } from './blobs.js';
import { listTree, permissions } from './listing.js';
import { mapConcurrent } from './pool.js';

const PARALLEL_STAGING = 16;

/**
 * The change set: what the optimization actions did to the sandbox, path by path, with every
 * content it needs staged as a blob (see transaction.ts for how it is written into the agent).
 */
export type NodeState =
  | { kind: 'file'; hash: string; mode: number }
  | { kind: 'symlink'; target: string }
  | { kind: 'dir'; mode: number };

export interface Change {
  /** Relative POSIX path inside the agent folder. */
  path: string;
  before: NodeState | null;
  after: NodeState | null;
  /**
   * Set when the agent's copy no longer matched the manifest at capture time (the user edited it
   * while the sandbox was being worked on): `before` is then only what the manifest knew (a file's
   * hash is empty) and applyChanges reports the path as a conflict.
   */
  conflict?: string;
}

export interface CaptureOptions {
  sandboxDir: string;
  agentDir: string;
  manifest: TreeManifest;
  txnDir: string;
  /** Paths (relative POSIX) to leave out of the diff on both sides; an excluded dir hides its subtree. */
  exclude?: (rel: string) => boolean;
}

type SandboxNode =
  { kind: 'file'; stats: Stats } | { kind: 'symlink'; target: string } | { kind: 'dir'; stats: Stats };

/**
 * Diffs `sandboxDir` against the manifest of the agent folder it was copied from, and stages every
 * new content (and the backup of every replaced content, read from `agentDir` when its lstat still
 * matches the manifest) as blobs.
 *
 * A sandbox file whose size and mtime equal the manifest's is unchanged (the copy preserves mtime
 * and any write moves it — rsync's quick check); otherwise contents are compared by sha256.
 */
export async function captureChanges(opts: CaptureOptions): Promise<Change[]> {
  const exclude = opts.exclude ?? (() => false);
  const sandbox = await walkSandbox(opts.sandboxDir, exclude);
  const capture = new Capture(opts);
  // Staging is bound by fsync latency: a few files side by side.
  const diffs = await mapConcurrent([...sandbox], PARALLEL_STAGING, ([rel, node]) =>
    capture.diff(rel, node, opts.manifest.get(rel)),
  );
  const gone = [...opts.manifest].filter(
    ([rel]) => !sandbox.has(rel) && !excludedWithAncestors(rel, exclude),
  );
  const removals = await mapConcurrent(gone, PARALLEL_STAGING, async ([rel, entry]): Promise<Change> => {
    const { state, conflict } = await capture.before(rel, entry);
    return withConflict({ path: rel, before: state, after: null }, conflict);
  });
  const changes = [...diffs.filter((c): c is Change => c !== null), ...removals];
  await capture.pruneUnused(changes);
  return orderChanges(changes);
}

class Capture {
  /** Hashes this capture staged; some only served a comparison that found equal contents. */
  private readonly staged = new Set<string>();

  constructor(private readonly opts: CaptureOptions) {}

  async diff(rel: string, node: SandboxNode, entry: ManifestEntry | undefined): Promise<Change | null> {
    if (!entry) return { path: rel, before: null, after: await this.after(rel, node) };
    if (entry.kind !== node.kind) {
      const { state, conflict } = await this.before(rel, entry);
      return withConflict({ path: rel, before: state, after: await this.after(rel, node) }, conflict);
    }
    if (node.kind === 'symlink' && entry.kind === 'symlink') {
      if (node.target === entry.target) return null;
      return { path: rel, before: { kind: 'symlink', target: entry.target }, after: node };
    }
    if (node.kind === 'dir' && entry.kind === 'dir') {
      if (permissions(node.stats.mode) === permissions(entry.mode)) return null;
      return {
        path: rel,
        before: { kind: 'dir', mode: permissions(entry.mode) },
        after: { kind: 'dir', mode: permissions(node.stats.mode) },
      };
    }
    if (node.kind !== 'file' || entry.kind !== 'file') return null;
    const sameMode = permissions(node.stats.mode) === permissions(entry.mode);
    const quickSame = node.stats.size === entry.size && node.stats.mtimeMs === entry.mtimeMs;
    if (quickSame && sameMode) return null;
    const { state: before, conflict } = await this.before(rel, entry);
    const mode = permissions(node.stats.mode);
    // Same size and mtime: the content is the copied original, only the mode moved.
    const hash =
      quickSame && !conflict && before.kind === 'file'
        ? before.hash
        : await this.stage(this.sandboxPath(rel));
    if (!conflict && before.kind === 'file' && before.hash === hash && sameMode) return null;
    return withConflict({ path: rel, before, after: { kind: 'file', hash, mode } }, conflict);
  }

  /** The state the agent had at copy time; a file's content is staged as the backup. */
  async before(rel: string, entry: ManifestEntry): Promise<{ state: NodeState; conflict?: string }> {
    if (entry.kind === 'symlink') return { state: { kind: 'symlink', target: entry.target } };
    if (entry.kind === 'dir') return { state: { kind: 'dir', mode: permissions(entry.mode) } };
    const mode = permissions(entry.mode);
    let hash: string | undefined;
    try {
      hash = await stageBlob(this.opts.txnDir, agentPath(this.opts.agentDir, rel), (stats) =>
        matchesFileEntry(stats, entry),
      );
    } catch (error) {
      // Gone, or a symlink (ELOOP) now, or under one that is no dir: the user changed it.
      if (!hasErrno(error, 'ENOENT', 'ELOOP', 'ENOTDIR')) throw error;
      hash = undefined;
    }
    if (hash === undefined) {
      return {
        state: { kind: 'file', hash: '', mode },
        conflict: `${rel} changed in the agent folder during the optimization`,
      };
    }
    this.staged.add(hash);
    return { state: { kind: 'file', hash, mode } };
  }

  async after(rel: string, node: SandboxNode): Promise<NodeState> {
    if (node.kind === 'symlink') return node;
    if (node.kind === 'dir') return { kind: 'dir', mode: permissions(node.stats.mode) };
    return {
      kind: 'file',
      hash: await this.stage(this.sandboxPath(rel)),
      mode: permissions(node.stats.mode),
    };
  }

  private async stage(file: string): Promise<string> {
    const hash = (await stageBlob(this.opts.txnDir, file))!;
    this.staged.add(hash);
    return hash;
  }

  /**
   * Drops the blobs no change refers to (and the folders, when nothing is left, so a no-op leaves
   * no trace), then fsyncs the blob folder: each blob was fsynced, this makes their names durable.
   */
  async pruneUnused(changes: Change[]): Promise<void> {
    if (this.staged.size === 0) return;
    const used = new Set<string>();
    for (const change of changes) {
      for (const state of [change.before, change.after]) if (state?.kind === 'file') used.add(state.hash);
    }
    const blobs = blobsDirOf(this.opts.txnDir);
    for (const hash of this.staged) if (!used.has(hash)) await fs.rm(path.join(blobs, hash), { force: true });
    if (used.size > 0) {
      fsyncDir(blobs);
      return;
    }
    for (const dir of [blobs, this.opts.txnDir]) await fs.rmdir(dir).catch(() => undefined);
  }

  private sandboxPath(rel: string): string {
    return agentPath(this.opts.sandboxDir, rel);
  }
}

function withConflict(change: Change, conflict: string | undefined): Change {
  return conflict ? { ...change, conflict } : change;
}

/** The copied original is the very inode the manifest saw, untouched since (size, mtime, ctime, ino). */
export function matchesFileEntry(stats: Stats, entry: ManifestEntry): boolean {
  return (
    entry.kind === 'file' &&
    stats.isFile() &&
    stats.size === entry.size &&
    stats.mtimeMs === entry.mtimeMs &&
    stats.ctimeMs === entry.ctimeMs &&
    stats.ino === entry.ino
  );
}

/** `root` joined with a relative POSIX path that must stay inside it (journals are data on disk). */
export function agentPath(root: string, rel: string): string {
  const parts = rel.split('/');
  if (rel === '' || path.isAbsolute(rel) || parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new Error(`Not a relative path inside the agent folder: ${JSON.stringify(rel)}`);
  }
  return path.join(root, ...parts);
}

function depth(rel: string): number {
  return rel.split('/').length;
}

/**
 * The order that makes applying one change after the other valid: first every removal, deepest
 * first (a dir's contents go before the dir), then every write, shallowest first (a dir is made
 * before its contents; a dir replaced by a file was emptied in the first pass).
 */
export function orderChanges(changes: Change[]): Change[] {
  const byPath = (a: Change, b: Change) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  const removals = changes
    .filter((c) => c.after === null)
    .sort((a, b) => depth(b.path) - depth(a.path) || byPath(a, b));
  const writes = changes
    .filter((c) => c.after !== null)
    .sort((a, b) => depth(a.path) - depth(b.path) || byPath(a, b));
  return [...removals, ...writes];
}

function excludedWithAncestors(rel: string, exclude: (rel: string) => boolean): boolean {
  const parts = rel.split('/');
  for (let i = 1; i <= parts.length; i++) if (exclude(parts.slice(0, i).join('/'))) return true;
  return false;
}

/** Every file, symlink and dir of the sandbox by lstat (special files left out, like the manifest). */
async function walkSandbox(
  root: string,
  exclude: (rel: string) => boolean,
): Promise<Map<string, SandboxNode>> {
  const nodes = new Map<string, SandboxNode>();
  for (const { rel, stats, target } of await listTree(root, '', exclude)) {
    if (target !== undefined) nodes.set(rel, { kind: 'symlink', target });
    else nodes.set(rel, { kind: stats.isFile() ? 'file' : 'dir', stats });
  }
  return nodes;
}
