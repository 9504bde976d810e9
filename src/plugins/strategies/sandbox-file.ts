import fs from 'node:fs';
import path from 'node:path';

/**
 * Resolves `relative` (a path from the config, e.g. a param's `file` or the `learningsFile`)
 * inside `root` and returns the real path to read or write, or throws when it would leave `root`:
 * an absolute path, `..`, or a symlink (of the file or of any folder on the way) that points
 * outside. A file that does not exist yet is allowed when its nearest existing folder is inside.
 * Strategies call it before every write, because the sandbox is a copy of a folder the user
 * controls and a symlink in it may point anywhere.
 */
export function resolveInside(root: string, relative: string, what: string): string {
  if (relative === '' || path.isAbsolute(relative)) {
    throw new Error(`${what} "${relative}" must be a relative path inside the agent folder.`);
  }
  const realRoot = fs.realpathSync(root);
  const lexical = path.resolve(realRoot, relative);
  if (!isInside(realRoot, lexical)) {
    throw new Error(`${what} "${relative}" points outside the agent folder.`);
  }
  // Walk up to the nearest existing entry and resolve its symlinks; the rest does not exist yet.
  let existing = lexical;
  const missing: string[] = [];
  while (!exists(existing)) {
    missing.unshift(path.basename(existing));
    existing = path.dirname(existing);
  }
  let real: string;
  try {
    real = fs.realpathSync(existing);
  } catch {
    // A dangling symlink: where it points cannot be checked, so it is not followed.
    throw new Error(`${what} "${relative}" is a symlink whose target does not exist.`);
  }
  if (!isInside(realRoot, real)) {
    throw new Error(`${what} "${relative}" resolves outside the agent folder (through a symlink).`);
  }
  return path.join(real, ...missing);
}

function exists(file: string): boolean {
  try {
    fs.lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

function isInside(root: string, file: string): boolean {
  const relative = path.relative(root, file);
  return relative === '' || (relative.split(path.sep)[0] !== '..' && !path.isAbsolute(relative));
}
