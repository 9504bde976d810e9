import fs from 'node:fs';
import path from 'node:path';
import { EXIT_USAGE, Kv1ntError, hasErrno } from '../errors.js';
import { locateHooks, type HooksLocation } from './git.js';
import { ORIGINAL_SUFFIX, embeddedPaths, hookScript, isKv1ntHook } from './script.js';

/** The hooks kv1nt provides. */
export const KV1NT_HOOKS = ['pre-push', 'post-commit'] as const;
export type Kv1ntHookName = (typeof KV1NT_HOOKS)[number];

/** The kv1nt a hook calls: this node binary and this package's bin/run.js. */
export interface Kv1ntEntry {
  node: string;
  bin: string;
}

/** `husky`: a husky 9 script of the user's calls `kv1nt hooks run <hook>` (see HooksLocation.husky). */
export type HookState = 'installed' | 'chained' | 'not_installed' | 'foreign' | 'husky';

export interface HookStatus {
  hook: Kv1ntHookName;
  state: HookState;
  file: string;
  /** The user's hook that ours runs first (state `chained`), or a leftover one. */
  original: string | null;
  /** The kv1nt our script calls, and whether it still exists. */
  node: string | null;
  bin: string | null;
  stale: boolean;
}

export interface HooksReport extends HooksLocation {
  hooks: HookStatus[];
}

export interface HookChange {
  hook: Kv1ntHookName;
  /** What was done; `husky`: nothing, the user's husky script (`file`) calls kv1nt and is theirs to edit. */
  action:
    'installed' | 'chained' | 'updated' | 'unchanged' | 'removed' | 'restored' | 'not_installed' | 'husky';
  file: string;
  original: string | null;
}

export interface HooksChangeReport extends HooksLocation {
  changes: HookChange[];
}

/**
 * Installs kv1nt's hooks in the repository of `cwd`. A hook that is already there and not ours is
 * moved aside byte for byte (a rename keeps content, mode and times) and chained. Idempotent: our
 * own script with the same content is left alone.
 */
export async function installHooks(
  cwd: string,
  hooks: readonly Kv1ntHookName[],
  entry: Kv1ntEntry,
): Promise<HooksChangeReport> {
  const location = await locateHooks(cwd);
  if (location.husky !== null) throw managedByHusky(location, hooks);
  const plans = hooks.map((hook) => {
    const file = path.join(location.hooksDir, hook);
    const original = file + ORIGINAL_SUFFIX;
    const current = readText(file);
    return { hook, file, original, current, script: hookScript({ hook, ...entry }) };
  });
  // Check every hook before touching any: never leave the folder half-installed by our own refusal.
  for (const plan of plans) {
    if (plan.current !== null && !isKv1ntHook(plan.current) && exists(plan.original))
      throw new Kv1ntError(
        'HOOK_CONFLICT',
        `${plan.file} is not kv1nt's, and ${path.basename(plan.original)} exists next to it already: kv1nt will not overwrite either.`,
        { suggestions: [`Move one of them away, then run \`kv1nt hooks install\` again.`] },
      );
  }
  fs.mkdirSync(location.hooksDir, { recursive: true });
  const changes: HookChange[] = [];
  for (const plan of plans) {
    const chained = () => (exists(plan.original) ? plan.original : null);
    if (plan.current !== null && isKv1ntHook(plan.current)) {
      const same = plan.current === plan.script;
      if (!same) writeExecutable(plan.file, plan.script);
      changes.push({
        hook: plan.hook,
        action: same ? 'unchanged' : 'updated',
        file: plan.file,
        original: chained(),
      });
      continue;
    }
    if (plan.current !== null || isLink(plan.file)) fs.renameSync(plan.file, plan.original);
    writeExecutable(plan.file, plan.script);
    const original = chained();
    changes.push({ hook: plan.hook, action: original ? 'chained' : 'installed', file: plan.file, original });
  }
  return { ...location, changes };
}

/** Removes kv1nt's hooks and puts back the ones they replaced, byte for byte. A foreign hook is left alone. */
export async function uninstallHooks(
  cwd: string,
  hooks: readonly Kv1ntHookName[],
): Promise<HooksChangeReport> {
  const location = await locateHooks(cwd);
  if (location.husky !== null)
    return {
      ...location,
      changes: huskyScripts(location.husky, hooks).map(({ hook, file, calls }) => ({
        hook,
        action: calls ? 'husky' : 'not_installed',
        file,
        original: null,
      })),
    };
  const changes: HookChange[] = [];
  for (const hook of hooks) {
    const file = path.join(location.hooksDir, hook);
    const original = file + ORIGINAL_SUFFIX;
    const current = readText(file);
    const ours = current !== null && isKv1ntHook(current);
    if (!ours && current !== null) {
      // Someone replaced our script: theirs wins, and the one we kept aside stays where it is.
      changes.push({ hook, action: 'not_installed', file, original: exists(original) ? original : null });
      continue;
    }
    if (ours) fs.rmSync(file);
    if (exists(original)) {
      fs.renameSync(original, file);
      changes.push({ hook, action: 'restored', file, original: file });
    } else {
      changes.push({ hook, action: ours ? 'removed' : 'not_installed', file, original: null });
    }
  }
  return { ...location, changes };
}

export async function hooksStatus(
  cwd: string,
  hooks: readonly Kv1ntHookName[] = KV1NT_HOOKS,
): Promise<HooksReport> {
  const location = await locateHooks(cwd);
  if (location.husky !== null)
    return {
      ...location,
      hooks: huskyScripts(location.husky, hooks).map(({ hook, file, calls }) => ({
        hook,
        state: calls ? 'husky' : 'not_installed',
        file,
        original: null,
        node: null,
        bin: null,
        stale: false,
      })),
    };
  return {
    ...location,
    hooks: hooks.map((hook) => {
      const file = path.join(location.hooksDir, hook);
      const originalFile = file + ORIGINAL_SUFFIX;
      const original = exists(originalFile) ? originalFile : null;
      const current = readText(file);
      if (current === null || !isKv1ntHook(current)) {
        const state: HookState = current === null && !isLink(file) ? 'not_installed' : 'foreign';
        return { hook, state, file, original, node: null, bin: null, stale: false };
      }
      const { node, bin } = embeddedPaths(current);
      const stale = node === null || bin === null || !exists(node) || !exists(bin);
      return { hook, state: original ? 'chained' : 'installed', file, original, node, bin, stale };
    }),
  };
}

function readText(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    if (hasErrno(error, 'ENOENT', 'ENOTDIR')) return null;
    throw error;
  }
}

function exists(file: string): boolean {
  return fs.existsSync(file) || isLink(file);
}

/** A dangling symlink still occupies the hook's name. */
function isLink(file: string): boolean {
  try {
    return fs.lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Through a temp file and a rename, so that git never runs half a script. */
function writeExecutable(file: string, text: string): void {
  const temp = `${file}.kv1nt-tmp-${process.pid}`;
  fs.writeFileSync(temp, text, { mode: 0o755 });
  fs.chmodSync(temp, 0o755); // the umask may have taken bits away
  fs.renameSync(temp, file);
}

/**
 * The line a husky 9 user adds to `.husky/<hook>` to run kv1nt's part of it (husky puts the
 * project's node_modules/.bin first on PATH; a global kv1nt is found too).
 */
function huskyLine(hook: Kv1ntHookName): string {
  return `kv1nt hooks run ${hook}`;
}

/** The user's husky 9 scripts for `hooks`, and whether each runs kv1nt's part of its hook. */
function huskyScripts(husky: string, hooks: readonly Kv1ntHookName[]) {
  return hooks.map((hook) => {
    const file = path.join(husky, hook);
    return { hook, file, calls: callsKv1nt(readText(file) ?? '', hook) };
  });
}

/** Whether a husky script runs kv1nt's part of `hook` (however kv1nt is invoked). */
function callsKv1nt(script: string, hook: Kv1ntHookName): boolean {
  return script
    .split('\n')
    .some((line) => !line.trim().startsWith('#') && line.includes(`hooks run ${hook}`));
}

function managedByHusky(location: HooksLocation, hooks: readonly Kv1ntHookName[]): Kv1ntError {
  const husky = location.husky!;
  return new Kv1ntError(
    'HOOKS_MANAGED_BY_HUSKY',
    `${location.hooksDir} is the folder husky 9 generates (core.hooksPath = ${location.hooksPath}): husky rewrites it on every install, and its hooks run your scripts in ${husky} by name. kv1nt installs nothing there; call it from your husky scripts instead.`,
    {
      exit: EXIT_USAGE,
      suggestions: hooks.map(
        (hook) =>
          `Add the line \`${huskyLine(hook)}\` to ${path.join(husky, hook)} (create the file if needed).`,
      ),
    },
  );
}
