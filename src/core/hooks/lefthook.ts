import fs from 'node:fs';
import path from 'node:path';
import type { Kv1ntError } from '../errors.js';
import { hooksError } from '../errors.js';
import { callsKv1nt, isKv1ntHook } from './script.js';

/**
 * lefthook (https://lefthook.dev) writes its own stub into `.git/hooks/<hook>` on `lefthook install`
 * and moves any hook already there to `<hook>.old`, which it never runs: a kv1nt hook installed
 * before would silently stop gating. So under lefthook kv1nt installs nothing and names the lines
 * to add to lefthook's config, as under husky 9.
 */
export interface LefthookSetup {
  /** lefthook's main config file at the repository root, if there is one. */
  config: string | null;
  /** Its local override (lefthook-local.yml…), merged by lefthook. */
  local: string | null;
}

/** The config names lefthook reads at the repository root (1.x and 2.x). */
const CONFIG_NAMES = ['lefthook', '.lefthook', '.config/lefthook'].flatMap((base) =>
  ['yml', 'yaml', 'toml', 'json', 'jsonc'].map((ext) => `${base}.${ext}`),
);
const LOCAL_NAMES = ['lefthook-local', '.lefthook-local'].flatMap((base) =>
  ['yml', 'yaml', 'toml', 'json', 'jsonc'].map((ext) => `${base}.${ext}`),
);

/** Suffix lefthook gives the hook it replaced. */
export const LEFTHOOK_OLD_SUFFIX = '.old';

/** lefthook is set up in this repository: a config file at its root, or lefthook's stubs in the hooks folder. */
export function detectLefthook(root: string, hooksDir: string): LefthookSetup | null {
  const first = (names: string[]) =>
    names.map((name) => path.join(root, name)).find((file) => fs.existsSync(file)) ?? null;
  const config = first(CONFIG_NAMES);
  const local = first(LOCAL_NAMES);
  if (config !== null || local !== null || hasLefthookStub(hooksDir)) return { config, local };
  return null;
}

/** A hook file written by `lefthook install` (every version calls `lefthook run <hook>` through a shell function). */
export function isLefthookStub(text: string): boolean {
  return /\bcall_lefthook\b|\blefthook\S*\s+run\s+"?[a-z-]+"?/.test(text);
}

function hasLefthookStub(hooksDir: string): boolean {
  let names: string[];
  try {
    names = fs.readdirSync(hooksDir);
  } catch {
    return false;
  }
  return names.some((name) => !name.includes('.') && isLefthookStub(readOrEmpty(path.join(hooksDir, name))));
}

/** Whether lefthook's config (main or local) runs kv1nt's part of `hook`. */
export function lefthookCallsKv1nt(setup: LefthookSetup, hook: string): boolean {
  return [setup.config, setup.local].some((file) => file !== null && callsKv1nt(readOrEmpty(file), hook));
}

/** kv1nt's own script, moved aside by `lefthook install` (and never run again), or null. */
export function movedByLefthook(hooksDir: string, hook: string): string | null {
  const old = path.join(hooksDir, `${hook}${LEFTHOOK_OLD_SUFFIX}`);
  return isKv1ntHook(readOrEmpty(old)) ? old : null;
}

/**
 * The lines for lefthook's config. `commands` (not 2.x's `jobs`) so that lefthook 1.x reads them
 * too; lefthook runs them with git's PATH, so kv1nt must be on it (or call it through npx).
 */
export function lefthookSnippet(hooks: readonly string[]): string {
  return hooks
    .map((hook) => `${hook}:\n  commands:\n    kv1nt:\n      run: kv1nt hooks run ${hook}`)
    .join('\n');
}

export function managedByLefthook(
  setup: LefthookSetup,
  location: { root: string; hooksDir: string },
  hooks: readonly string[],
): Kv1ntError {
  const snippet = lefthookSnippet(hooks);
  const file = setup.config ?? path.join(location.root, 'lefthook.yml');
  const yaml = /\.ya?ml$/.test(file) ? '' : ' (YAML shown: write the same keys in its format)';
  const moved = hooks.flatMap((hook) => movedByLefthook(location.hooksDir, hook) ?? []);
  const error = hooksError(
    'HOOKS_MANAGED_BY_LEFTHOOK',
    `lefthook manages the git hooks of this repository (${setup.config ?? setup.local ?? `its hooks in ${location.hooksDir}`}): \`lefthook install\` moves any other hook to <hook>${LEFTHOOK_OLD_SUFFIX}, which lefthook never runs. kv1nt installs nothing; call it from lefthook's config instead.`,
    [
      `Add these lines to ${file}${yaml}, then run \`lefthook install\`:\n${snippet.replace(/^/gm, '      ')}`,
      ...moved.map(
        (old) => `Delete ${old}: kv1nt's earlier hook, which lefthook moved there and never runs.`,
      ),
    ],
  );
  return Object.assign(error, { lefthookConfig: `${snippet}\n`, file });
}

function readOrEmpty(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
