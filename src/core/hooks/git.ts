import fs from 'node:fs';
import path from 'node:path';
import { hooksError } from '../errors.js';
import { outputOf } from '../runner/spawn.js';
import { detectLefthook, type LefthookSetup } from './lefthook.js';

export interface HooksLocation {
  /** Absolute folder git runs hooks from: `core.hooksPath` when set, else the common `.git/hooks`. */
  hooksDir: string;
  /** Top of the working tree that contains `cwd`. */
  root: string;
  /** Whether `core.hooksPath` decides the folder (husky, lefthook…). */
  hooksPath: string | null;
  /**
   * The folder of the user's husky 9 scripts when the hooks folder is the one husky 9 generates
   * (`.husky/_`): husky rewrites it on every install, and its stubs find the user's script by their
   * own file name, so kv1nt is called from the user's script instead.
   */
  husky: string | null;
  /** lefthook's config files when lefthook manages the hooks (see lefthook.ts), else null. */
  lefthook: LefthookSetup | null;
}

/**
 * Where git looks for hooks, asked from git itself: `--git-path hooks` honours `core.hooksPath` and
 * resolves linked worktrees to the shared hooks folder, so kv1nt never guesses at `.git` layouts.
 */
export async function locateHooks(cwd: string): Promise<HooksLocation> {
  const [hooksOut, rootOut] = await Promise.all([
    git(cwd, ['rev-parse', '--git-path', 'hooks']),
    git(cwd, ['rev-parse', '--show-toplevel']),
  ]);
  const configured = await git(cwd, ['config', '--get', 'core.hooksPath']).catch(() => '');
  const hooksDir = path.resolve(cwd, hooksOut);
  const root = path.resolve(cwd, rootOut);
  return {
    hooksDir,
    root,
    hooksPath: configured === '' ? null : configured,
    husky: isHusky9Folder(hooksDir) ? path.dirname(hooksDir) : null,
    lefthook: detectLefthook(root, hooksDir),
  };
}

/** husky 9's generated folder: `<dir>/_` holding its `h` helper that every hook stub sources. */
function isHusky9Folder(hooksDir: string): boolean {
  return path.basename(hooksDir) === '_' && fs.existsSync(path.join(hooksDir, 'h'));
}

/** The commit HEAD points at, in the repository of `cwd`. */
export function headCommit(cwd: string): Promise<string> {
  return git(cwd, ['rev-parse', 'HEAD']);
}

async function git(cwd: string, args: string[]): Promise<string> {
  try {
    return (await outputOf('git', args, cwd)).trim();
  } catch (error) {
    const err = error as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT')
      throw hooksError('GIT_NOT_FOUND', 'git is not installed or not on the PATH.', [], error);
    if (args[0] === 'config') throw error;
    throw hooksError(
      'NOT_A_GIT_REPOSITORY',
      `${cwd} is not inside a git working tree.`,
      ['Run the command from inside the repository whose hooks you mean.'],
      err.stderr?.trim(),
    );
  }
}
