import fs from 'node:fs';
import path from 'node:path';
import { isInside } from '../paths.js';

/**
 * Virtual file systems: their "files" describe the running system, and some never end
 * (/proc/kcore, /dev/zero). No agent lives there.
 */
const VIRTUAL_ROOTS = ['/proc', '/sys', '/dev'];

/**
 * Why `folder` cannot be an agent's folder with `dataDir` as kv1nt's data dir, or undefined when
 * it can. An optimization copies the agent folder into `<dataDir>/sandboxes`: a folder that holds
 * the data dir (`/`, the home folder, the data dir's parent) would be copied into itself, level
 * after level; a folder inside the data dir is kv1nt's own state. Both are compared with symlinks
 * resolved, so a link cannot hide either.
 */
export function unsafeAgentFolder(folder: string, dataDir: string): string | undefined {
  const real = realish(folder);
  const data = realish(dataDir);
  if (path.parse(real).root === real) return 'it is the root of the file system';
  const virtual = VIRTUAL_ROOTS.find((root) => isInside(root, real));
  if (virtual !== undefined)
    return `it is in ${virtual}, a virtual file system that describes the running system, not an agent`;
  if (isInside(real, data))
    return `it contains kv1nt's data dir ${dataDir}: optimizing would copy the sandboxes into themselves`;
  if (isInside(data, real)) return `it is inside kv1nt's data dir ${dataDir}, which holds kv1nt's own state`;
  return undefined;
}

export const AGENT_FOLDER_ADVICE =
  "Point the agent at its own project folder, or keep kv1nt's data dir outside it (--data-dir, KV1NT_HOME or dataDir in the config).";

/** The real path of `target`, resolving links in the part of it that exists (the rest may not yet). */
function realish(target: string): string {
  const absolute = path.resolve(target);
  const missing: string[] = [];
  let existing = absolute;
  for (;;) {
    try {
      return path.join(fs.realpathSync(existing), ...missing.reverse());
    } catch {
      const parent = path.dirname(existing);
      if (parent === existing) return absolute;
      missing.push(path.basename(existing));
      existing = parent;
    }
  }
}
