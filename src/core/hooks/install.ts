import fs from 'node:fs';
import path from 'node:path';
import type { Kv1ntError } from '../errors.js';
import { hooksError, hasErrno } from '../errors.js';
import { loadConfig } from '../config/load.js';
import { locateHooks, type HooksLocation } from './git.js';
import { lefthookCallsKv1nt, managedByLefthook, movedByLefthook } from './lefthook.js';
import { ORIGINAL_SUFFIX, callsKv1nt, embeddedPaths, hookScript, isKv1ntHook } from './script.js';
import { hookSettings, type HookOnError } from './settings.js';

/** The hooks kv1nt provides. */
export const KV1NT_HOOKS = ['pre-push', 'post-commit'] as const;
export type Kv1ntHookName = (typeof KV1NT_HOOKS)[number];

/** The kv1nt a hook calls: this node binary and this package's bin/run.js. */
export interface Kv1ntEntry {
  node: string;
  bin: string;
}

/**
 * `husky`: a husky 9 script of the user's calls `kv1nt hooks run <hook>` (see HooksLocation.husky);
 * `lefthook`: lefthook's config does; `moved_by_lefthook`: kv1nt's script sits in `<hook>.old`,
 * where `lefthook install` put it and from where nothing runs it.
 */
export type HookState =
  'installed' | 'chained' | 'not_installed' | 'foreign' | 'husky' | 'lefthook' | 'moved_by_lefthook';

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
  /** Which of node and bin are gone (a node upgrade, kv1nt uninstalled). */
  missing: string[];
  /** pre-push: what the script does when kv1nt cannot give a verdict (written at install time). */
  onError: HookOnError | null;
  /** The config's hooks.pre-push.onError differs from the script's: install again to update it. */
  outdated: boolean;
}

export interface HooksReport extends HooksLocation {
  hooks: HookStatus[];
}

export interface HookChange {
  hook: Kv1ntHookName;
  /**
   * What was done; `husky` / `lefthook`: nothing, the user's husky script or lefthook config (`file`)
   * calls kv1nt and is theirs to edit; `moved_by_lefthook`: nothing, kv1nt's script is in `file`.
   */
  action:
    | 'installed'
    | 'chained'
    | 'updated'
    | 'unchanged'
    | 'removed'
    | 'restored'
    | 'not_installed'
    | 'husky'
    | 'lefthook'
    | 'moved_by_lefthook';
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
  explicitConfig?: string,
): Promise<HooksChangeReport> {
  const location = await locateHooks(cwd);
  if (location.husky !== null) throw managedByHusky(location, hooks);
  if (location.lefthook !== null) throw managedByLefthook(location.lefthook, location, hooks);
  // Written into the script: when kv1nt cannot run, the script cannot read the config either.
  const onError = await configuredOnError(location.root, explicitConfig, { strict: true });
  const plans = hooks.map((hook) => {
    const file = path.join(location.hooksDir, hook);
    const original = file + ORIGINAL_SUFFIX;
    const current = readText(file);
    return {
      hook,
      file,
      original,
      current,
      script: hookScript({ hook, ...entry, onError: onError ?? 'allow' }),
    };
  });
  // Check every hook before touching any: never leave the folder half-installed by our own refusal.
  for (const plan of plans) {
    if (plan.current !== null && !isKv1ntHook(plan.current) && exists(plan.original))
      throw hooksError(
        'HOOK_CONFLICT',
        `${plan.file} is not kv1nt's, and ${path.basename(plan.original)} exists next to it already: kv1nt will not overwrite either.`,
        [`Move one of them away, then run \`kv1nt hooks install\` again.`],
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
    const lefthook = ours ? null : lefthookState(location, hook);
    if (lefthook !== null) {
      // Nothing to undo in a folder lefthook owns: what calls kv1nt is the user's to remove.
      changes.push({ hook, action: lefthook.state, file: lefthook.file, original: null });
      continue;
    }
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
  explicitConfig?: string,
): Promise<HooksReport> {
  const location = await locateHooks(cwd);
  const notOurs = { node: null, bin: null, stale: false, missing: [], onError: null, outdated: false };
  if (location.husky !== null)
    return {
      ...location,
      hooks: huskyScripts(location.husky, hooks).map(({ hook, file, calls }) => ({
        hook,
        state: calls ? 'husky' : 'not_installed',
        file,
        original: null,
        ...notOurs,
      })),
    };
  const configured = await configuredOnError(location.root, explicitConfig, { strict: false });
  return {
    ...location,
    hooks: hooks.map((hook): HookStatus => {
      const file = path.join(location.hooksDir, hook);
      const originalFile = file + ORIGINAL_SUFFIX;
      const original = exists(originalFile) ? originalFile : null;
      const current = readText(file);
      if (current === null || !isKv1ntHook(current)) {
        const lefthook = lefthookState(location, hook);
        if (lefthook !== null) return { hook, ...lefthook, original: null, ...notOurs };
        const state: HookState =
          (current === null && !isLink(file)) || location.lefthook !== null ? 'not_installed' : 'foreign';
        return { hook, state, file, original, ...notOurs };
      }
      const { node, bin, onError } = embeddedPaths(current);
      const missing = [node, bin].filter((p): p is string => p !== null && !exists(p));
      const stale = node === null || bin === null || missing.length > 0;
      // Only the pre-push script carries onError; a script from before it existed behaves as allow.
      const outdated = hook === 'pre-push' && configured !== null && (onError ?? 'allow') !== configured;
      const state = original ? 'chained' : 'installed';
      return { hook, state, file, original, node, bin, stale, missing, onError, outdated };
    }),
  };
}

/** Under lefthook: its config calls kv1nt for `hook`, or kv1nt's script was moved to `<hook>.old`. */
function lefthookState(
  location: HooksLocation,
  hook: Kv1ntHookName,
): { state: 'lefthook' | 'moved_by_lefthook'; file: string } | null {
  const setup = location.lefthook;
  if (setup === null) return null;
  if (lefthookCallsKv1nt(setup, hook)) return { state: 'lefthook', file: setup.config ?? setup.local! };
  const moved = movedByLefthook(location.hooksDir, hook);
  return moved === null ? null : { state: 'moved_by_lefthook', file: moved };
}

/**
 * hooks.pre-push.onError of the config git's hooks will find (from the repository root). `strict`:
 * an invalid config is an error (install must not write a script from a config it cannot read);
 * otherwise null.
 */
async function configuredOnError(
  root: string,
  explicitConfig: string | undefined,
  { strict }: { strict: boolean },
): Promise<HookOnError | null> {
  try {
    return hookSettings((await loadConfig(root, explicitConfig)).config).prePush.onError;
  } catch (error) {
    if (strict) throw error;
    return null;
  }
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

function managedByHusky(location: HooksLocation, hooks: readonly Kv1ntHookName[]): Kv1ntError {
  const husky = location.husky!;
  return hooksError(
    'HOOKS_MANAGED_BY_HUSKY',
    `${location.hooksDir} is the folder husky 9 generates (core.hooksPath = ${location.hooksPath}): husky rewrites it on every install, and its hooks run your scripts in ${husky} by name. kv1nt installs nothing there; call it from your husky scripts instead.`,
    hooks.map(
      (hook) =>
        `Add the line \`${huskyLine(hook)}\` to ${path.join(husky, hook)} (create the file if needed).`,
    ),
  );
}
