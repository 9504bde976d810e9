import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

/*
 * A folder listed by lstat, and hashed: what tells whether anything in it moved (with ctimes, every
 * write, chmod, rename, new or removed entry does) or whether it is still a given tree (without).
 */

/** Permission bits only: a manifest may carry the whole st_mode. */
export function permissions(mode: number): number {
  return mode & 0o7777;
}

export interface Listed {
  rel: string;
  stats: Stats;
  target?: string;
}

/**
 * Every entry under `root`, named `<prefix>/<path>` (just `<path>` for an empty prefix), sorted,
 * folders before their contents, special files left out; the lstats of a folder's entries are in
 * flight together. An `exclude`d path (and all under it) is not even lstat-ed.
 */
export async function listTree(
  root: string,
  prefix: string,
  exclude: (rel: string) => boolean = () => false,
): Promise<Listed[]> {
  const visit = async (dir: string, prefix: string): Promise<Listed[]> => {
    const names = (await fs.readdir(dir)).sort();
    const parts = await Promise.all(
      names.map(async (name): Promise<Listed[]> => {
        const rel = prefix === '' ? name : `${prefix}/${name}`;
        if (exclude(rel)) return [];
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
