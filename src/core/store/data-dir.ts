import fs from 'node:fs';
import path from 'node:path';
import { Kv1ntError, hasErrno } from '../errors.js';
import { isInside } from '../paths.js';

/**
 * The data dir and the folders inside it. Every folder kv1nt writes into is checked once per
 * process: it must resolve inside the data dir, so a planted symlink (`feedback -> /etc`) cannot
 * redirect an atomic write elsewhere. The data dir itself may be a symlink: that is the user's
 * choice of location.
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

  /** Creates (if needed) and vets the folder `parts` inside the data dir; returns its path. */
  ensureDir(...parts: string[]): string {
    const dir = this.path(...parts);
    if (this.checked.has(dir)) return dir;
    try {
      fs.mkdirSync(dir, { recursive: true });
    } catch (error) {
      if (hasErrno(error, 'EEXIST', 'ENOTDIR')) throw notAFolder(dir);
      throw new Kv1ntError('DATA_DIR_UNWRITABLE', `Cannot create ${dir}: ${(error as Error).message}`, {
        cause: error,
        suggestions: ['Choose a writable data dir with --data-dir or KV1NT_HOME.'],
      });
    }
    this.realRoot ??= fs.realpathSync(this.root);
    const real = fs.realpathSync(dir);
    if (!isInside(this.realRoot, real)) {
      throw new Kv1ntError(
        'DATA_DIR_ESCAPE',
        `Refusing to write through ${dir}: it is a link to ${real}, outside the data dir ${this.root}.`,
        {
          suggestions: [`Remove the link ${dir}; kv1nt recreates the folder.`],
        },
      );
    }
    if (!fs.statSync(real).isDirectory()) throw notAFolder(dir);
    this.checked.add(dir);
    return dir;
  }
}

function notAFolder(dir: string): Kv1ntError {
  return new Kv1ntError('DATA_DIR_INVALID', `${dir} exists but is not a folder.`, {
    suggestions: ['Move that file away or choose another data dir with --data-dir.'],
  });
}
