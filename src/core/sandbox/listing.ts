import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { permissions } from './changes.js';

/*
 * A folder listed by lstat, and hashed: what tells whether anything in it moved (with ctimes, every
 * write, chmod, rename, new or removed entry does) or whether it is still a given tree (without).
 */

export interface Listed {
  rel: string;
  stats: Stats;
  target?: string;
}

/**
 * Every entry under `root`, named `<prefix>/<path>` (just `<path>` for an empty prefix), sorted,
 * folders before their contents; the lstats of a folder's entries are in flight together.
 */
export async function listTree(root: string, prefix: string): Promise<Listed[]> {
  const visit = async (dir: string, prefix: string): Promise<Listed[]> => {
    const names = (await fs.readdir(dir)).sort();
    const parts = await Promise.all(
      names.map(async (name): Promise<Listed[]> => {
        const rel = prefix === '' ? name : `${prefix}/${name}`;
        const abs = path.join(dir, name);
        const stats = await fs.lstat(abs);
        if (stats.isSymbolicLink()) return [{ rel, stats, target: await fs.readlink(abs) }];
        if (stats.isFile()) return [{ rel, stats }];
        if (stats.isDirectory()) return [{ rel, stats }, ...(await visit(abs, rel))];
        return [];
      }),
    );
    return parts.flat();
  };
  return visit(root, prefix);
}

export function fingerprintOf(listing: readonly Listed[], options: { ctime?: boolean } = {}): string {
  const hash = createHash('sha256');
  for (const { rel, stats, target } of listing) {
    const kind = target !== undefined ? 'l' : stats.isDirectory() ? 'd' : 'f';
    const size = kind === 'f' ? stats.size : 0;
    const mtime = kind === 'f' ? stats.mtimeMs : 0;
    const ctime = options.ctime ? stats.ctimeMs : 0;
    hash.update(
      `${rel}\0${kind}\0${permissions(stats.mode)}\0${size}\0${mtime}\0${ctime}\0${stats.ino}\0${target ?? ''}\n`,
    );
  }
  return hash.digest('hex');
}
