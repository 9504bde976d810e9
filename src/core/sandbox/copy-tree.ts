import fs from 'node:fs';
import path from 'node:path';
import type { ManifestEntry, TreeManifest } from './manifest.js';
import { copyPreservingHoles, isSparse } from './sparse-copy.js';

export interface CopyReport {
  files: number;
  dirs: number;
  symlinks: number;
  bytes: number;
  skipped: Array<{ path: string; kind: 'fifo' | 'socket' | 'device' | 'other' }>;
  /** true when at least one file was cloned by reflink */
  reflinked: boolean;
  manifest: TreeManifest;
}

export interface CopyOptions {
  /** Relative POSIX path → true to leave the entry (and, for a folder, everything in it) out. */
  exclude?: (relPath: string) => boolean;
  /** How many file system operations run at once (default 32). */
  concurrency?: number;
  /** Stops the copy as a failure would (the copy rejects once nothing writes any more). */
  signal?: AbortSignal;
}

const DEFAULT_CONCURRENCY = 32;

/**
 * Copies the folder `src` to `dest` (which must not exist) without following symlinks: files are
 * cloned by reflink where the file system can (else copied, a sparse file with its holes), symlinks keep their exact target string (so a
 * relative link in the copy points inside the copy, never back into the original), special files
 * (FIFOs, sockets, devices) are skipped and listed — reading a FIFO would block forever.
 *
 * Not `fs.cp`, nor fs-extra's `copy` (used elsewhere for plain removes and folders): they rewrite
 * relative symlinks into absolute ones pointing at the original, abort on sockets and FIFOs, fill
 * a sparse file's holes, never reflink, and return no manifest — and the manifest (each entry's
 * size, mode, mtime and inode as copied) is what captureChanges compares the sandbox against.
 *
 * On the first error no new work starts, every operation already running is awaited, and only
 * then does the promise reject: once it has rejected, nothing writes into `dest` any more.
 */
export async function copyTree(src: string, dest: string, options: CopyOptions = {}): Promise<CopyReport> {
  const copier = new TreeCopier(path.resolve(src), path.resolve(dest), options);
  return copier.run();
}

class TreeCopier {
  private readonly report: CopyReport = {
    files: 0,
    dirs: 0,
    symlinks: 0,
    bytes: 0,
    skipped: [],
    reflinked: false,
    manifest: new Map(),
  };
  private readonly limit: Limiter;
  /** Settles once the first file told us whether this file system clones (see copyFile). */
  private reflinkProbe: Promise<void> | undefined;

  constructor(
    private readonly src: string,
    private readonly dest: string,
    private readonly options: CopyOptions,
  ) {
    this.limit = new Limiter(Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY));
  }

  async run(): Promise<CopyReport> {
    const { signal } = this.options;
    signal?.throwIfAborted();
    signal?.addEventListener('abort', () => this.limit.stop(new Error('copy aborted')), { once: true });
    const rootStat = await fs.promises.lstat(this.src);
    if (!rootStat.isDirectory()) throw new Error(`copyTree: ${this.src} is not a folder`);
    await fs.promises.mkdir(path.dirname(this.dest), { recursive: true });
    try {
      await fs.promises.mkdir(this.dest);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST')
        throw new Error(`copyTree: the destination ${this.dest} already exists`);
      throw error;
    }
    try {
      await this.fillDir('', rootStat);
    } catch (error) {
      throw this.limit.error ?? error;
    }
    if (this.limit.error !== undefined) throw this.limit.error;
    return this.report;
  }

  /** Copies the contents of the (already created) folder `rel`, then gives it its mode and times. */
  private async fillDir(rel: string, stat: fs.Stats): Promise<void> {
    const names = await this.limit.run(() => fs.promises.readdir(this.source(rel)));
    // allSettled, not all: a sibling's failure must not let this folder settle while the other
    // siblings are still writing.
    await Promise.allSettled(names.map((name) => this.copyEntry(rel === '' ? name : `${rel}/${name}`)));
    // Mode last, so a read-only folder could still be filled; times last, since filling it
    // changed them.
    await this.limit.run(async () => {
      await fs.promises.chmod(this.target(rel), stat.mode & 0o7777);
      await fs.promises.utimes(this.target(rel), stat.atimeMs / 1000, stat.mtimeMs / 1000);
    });
  }

  private async copyEntry(rel: string): Promise<void> {
    if (this.options.exclude && (await this.limit.run(() => this.options.exclude!(rel)))) return;
    const stat = await this.limit.run(() => fs.promises.lstat(this.source(rel)));
    if (stat.isDirectory()) {
      await this.limit.run(() => fs.promises.mkdir(this.target(rel)));
      this.report.manifest.set(rel, { kind: 'dir', mode: stat.mode });
      this.report.dirs++;
      await this.fillDir(rel, stat);
    } else if (stat.isFile()) {
      await this.limit.run(() => this.copyFile(rel, stat));
      this.record(rel, {
        kind: 'file',
        size: stat.size,
        mtimeMs: stat.mtimeMs,
        ctimeMs: stat.ctimeMs,
        ino: stat.ino,
        mode: stat.mode,
      });
      this.report.files++;
      this.report.bytes += stat.size;
    } else if (stat.isSymbolicLink()) {
      const target = await this.limit.run(async () => {
        const linkTarget = await fs.promises.readlink(this.source(rel));
        await fs.promises.symlink(linkTarget, this.target(rel));
        await fs.promises.lutimes(this.target(rel), stat.atimeMs / 1000, stat.mtimeMs / 1000);
        return linkTarget;
      });
      this.record(rel, { kind: 'symlink', target, ctimeMs: stat.ctimeMs, ino: stat.ino });
      this.report.symlinks++;
    } else {
      this.report.skipped.push({ path: rel, kind: specialKind(stat) });
    }
  }

  private record(rel: string, entry: ManifestEntry): void {
    this.report.manifest.set(rel, entry);
  }

  /**
   * The first file is copied with FICLONE_FORCE, which fails unless the file system clones: that
   * tells us cheaply whether reflinks happen. The others wait for that answer and use FICLONE
   * (clone when possible, real copy otherwise). copyFile keeps the mode (libuv fchmods the copy).
   * A probe that failed for another reason (say the file is unreadable) lets the next file probe.
   * Without reflinks a sparse file is copied with its holes (copyFile would fill them).
   */
  private async copyFile(rel: string, stat: fs.Stats): Promise<void> {
    const from = this.source(rel);
    const to = this.target(rel);
    if (this.reflinkProbe === undefined) {
      let settle!: () => void;
      this.reflinkProbe = new Promise((resolve) => (settle = resolve));
      try {
        await fs.promises.copyFile(from, to, fs.constants.COPYFILE_FICLONE_FORCE);
        this.report.reflinked = true;
      } catch {
        await fs.promises.rm(to, { force: true });
        await copyWithoutReflink(from, to, stat).catch((error: unknown) => {
          this.reflinkProbe = undefined;
          throw error;
        });
      } finally {
        settle();
      }
    } else {
      await this.reflinkProbe;
      if (this.report.reflinked) await fs.promises.copyFile(from, to, fs.constants.COPYFILE_FICLONE);
      else await copyWithoutReflink(from, to, stat);
    }
    await fs.promises.utimes(to, stat.atimeMs / 1000, stat.mtimeMs / 1000);
  }

  private source(rel: string): string {
    return rel === '' ? this.src : path.join(this.src, rel);
  }

  private target(rel: string): string {
    return rel === '' ? this.dest : path.join(this.dest, rel);
  }
}

/** A real copy: hole by hole for a sparse file, copyFile (in the kernel) for the rest. */
async function copyWithoutReflink(from: string, to: string, stat: fs.Stats): Promise<void> {
  if (isSparse(stat)) await copyPreservingHoles(from, to, stat.mode);
  else await fs.promises.copyFile(from, to, fs.constants.COPYFILE_FICLONE);
}

function specialKind(stat: fs.Stats): CopyReport['skipped'][number]['kind'] {
  if (stat.isFIFO()) return 'fifo';
  if (stat.isSocket()) return 'socket';
  if (stat.isBlockDevice() || stat.isCharacterDevice()) return 'device';
  return 'other';
}

/** Thrown to tasks that were waiting for a slot when an earlier task failed. */
class CopyAborted extends Error {}

/**
 * At most `size` tasks at once. After the first failure it keeps that error and refuses to start
 * anything new; tasks already running finish on their own (their callers await them).
 */
class Limiter {
  error: Error | undefined;
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly size: number) {}

  /** Refuses new tasks from now on, as after a failure, with `error`. */
  stop(error: Error): void {
    this.error ??= error;
  }

  async run<T>(task: () => Promise<T> | T): Promise<T> {
    if (this.active >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      if (this.error !== undefined) throw new CopyAborted('copy aborted after an earlier error');
      return await task();
    } catch (error) {
      if (this.error === undefined && !(error instanceof CopyAborted))
        this.error = error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
