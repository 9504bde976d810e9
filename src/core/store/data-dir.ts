import fs from 'node:fs';
import path from 'node:path';
import type { Kv1ntError } from '../errors.js';
import { dataDirError, hasErrno } from '../errors.js';
import { isInside } from '../paths.js';

/**
 * The data dir and the folders inside it. Every folder kv1nt uses is checked once per process:
 * it must resolve inside the data dir, so a planted symlink (`feedback -> /etc`) cannot redirect
 * an atomic write elsewhere. The data dir itself may be a symlink: that is the user's choice of
 * location.
 */
export class DataDir {
  readonly root: string;
  private realRoot: string | undefined;
  private readonly checked = new Set<string>();

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  /** Absolute path of a file or folder inside the data dir (no creation). */
  path(...parts: string[]): string {
    return path.join(this.root, ...parts);
  }

  exists(): boolean {
    return fs.existsSync(this.root);
  }

  /**
   * Creates (if needed) and vets the folder `parts` inside the data dir; returns its path. Each
   * level is checked before anything is created below it, so a planted link never gets so much
   * as an empty folder created on its far side.
   */
  ensureDir(...parts: string[]): string {
    const dir = this.path(...parts);
    if (this.checked.has(dir)) return dir;
    if (!isInside(this.root, dir)) throw escape(dir, dir, this.root);
    mkdirOrExplain(this.root);
    this.walk(dir, true);
    return dir;
  }

  /** For reads: whether the folder `parts` exists, refusing one that leads outside the data dir. */
  vetExisting(...parts: string[]): boolean {
    const dir = this.path(...parts);
    if (this.checked.has(dir)) return true;
    if (!fs.existsSync(dir)) return false;
    this.walk(dir, false);
    return true;
  }

  /** Checks every level from the root down to `dir`, creating missing ones when asked. */
  private walk(dir: string, create: boolean): void {
    let current = this.root;
    for (const part of path
      .relative(this.root, dir)
      .split(path.sep)
      .filter((p) => p !== '')) {
      current = path.join(current, part);
      if (create && !fs.existsSync(current)) mkdirOrExplain(current);
      this.assertInside(current);
    }
    this.checked.add(dir);
  }

  private assertInside(target: string): void {
    this.realRoot ??= fs.realpathSync(this.root);
    const real = fs.realpathSync(target);
    if (!isInside(this.realRoot, real)) throw escape(target, real, this.root);
    if (!fs.statSync(real).isDirectory()) throw notAFolder(target);
  }
}

function mkdirOrExplain(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (error) {
    if (hasErrno(error, 'EEXIST', 'ENOTDIR')) throw notAFolder(dir);
    throw dataDirError(
      'DATA_DIR_UNWRITABLE',
      `Cannot create ${dir}: ${(error as Error).message}`,
      ['Choose a writable data dir with --data-dir or KV1NT_HOME.'],
      error,
    );
  }
}

function escape(dir: string, real: string, root: string): Kv1ntError {
  return dataDirError(
    'DATA_DIR_ESCAPE',
    `Refusing to use ${dir}: it resolves to ${real}, outside the data dir ${root}.`,
    [`Remove the link at ${dir} (kv1nt recreates the folder), or choose another data dir.`],
  );
}

function notAFolder(dir: string): Kv1ntError {
  return dataDirError('DATA_DIR_INVALID', `${dir} exists but is not a folder.`, [
    'Move that file away or choose another data dir with --data-dir.',
  ]);
}
