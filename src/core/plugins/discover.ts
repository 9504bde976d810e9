/**
 * Finds third-party plugins: oclif plugins installed or linked with `kv1nt plugins
 * install|link` whose package.json declares `"kv1nt": {"plugin": "<module>"}`, and the config's
 * `plugins` entries (paths relative to the config file — a module, or a plugin package's folder —
 * or package names resolved from its folder). Only the module file is found here, none of its code
 * runs (load-plugins.ts loads it in a plugin process); an entry that names no module becomes a
 * candidate with an `error`, reported as a warning.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { LoadedConfig } from '../config/load.js';
import type { PluginCandidate } from './validate-plugin.js';

/** What oclif knows of one of its plugins (`this.config.getPluginsList()`). */
export interface OclifPluginInfo {
  name: string;
  root: string;
  version?: string;
  /** `user` (installed), `link`, `core`, `dev`… */
  type: string;
  pjson: Record<string, unknown>;
}

/** The kv1nt plugins among oclif's plugins. */
export function oclifPluginCandidates(list: readonly OclifPluginInfo[]): PluginCandidate[] {
  return list
    .filter((p) => typeof pluginField(p.pjson) === 'string')
    .map((p) =>
      withModule({
        source: p.type === 'user' || p.type === 'link' ? p.type : p.type || 'user',
        label: p.name,
        location: p.root,
        // What `kv1nt plugins uninstall` takes.
        package: p.name,
        ...(p.version === undefined ? {} : { version: p.version }),
        modulePath: path.resolve(p.root, pluginField(p.pjson)!),
      }),
    );
}

/** The config's `plugin` (a plugin package's own module) and `plugins` entries. */
export function configPluginCandidates(loaded: LoadedConfig, cwd: string): PluginCandidate[] {
  const dir = loaded.file ? path.dirname(loaded.file) : cwd;
  const entries = [...(loaded.config.plugin ? [loaded.config.plugin] : []), ...(loaded.config.plugins ?? [])];
  return moduleCandidates(entries, dir, 'config');
}

/** Paths or package names, resolved from `dir`. */
export function moduleCandidates(
  entries: readonly string[],
  dir: string,
  source: PluginCandidate['source'],
): PluginCandidate[] {
  return entries.map((entry) => {
    try {
      return withModule({ source, label: entry, location: entry, ...resolveEntry(entry, dir) });
    } catch (error) {
      return { source, label: entry, location: entry, error: (error as Error).message };
    }
  });
}

/** Drops a plugin module met a second time (e.g. linked and also listed in the config). */
export function withoutDuplicates(candidates: readonly PluginCandidate[]): PluginCandidate[] {
  const seen = new Set<string>();
  return candidates.filter((candidate) => {
    if (candidate.modulePath === undefined) return true;
    let real = candidate.modulePath;
    try {
      real = fs.realpathSync(real);
    } catch {
      // A missing file is reported by its load error.
    }
    if (seen.has(real)) return false;
    seen.add(real);
    return true;
  });
}

function pluginField(pjson: Record<string, unknown>): string | undefined {
  const kv1nt = pjson.kv1nt as { plugin?: unknown } | undefined;
  return kv1nt && typeof kv1nt === 'object' && typeof kv1nt.plugin === 'string' ? kv1nt.plugin : undefined;
}

/** The candidate, or why its module cannot be loaded (a missing file). */
function withModule(candidate: PluginCandidate & { modulePath: string }): PluginCandidate {
  if (fs.existsSync(candidate.modulePath)) return candidate;
  return { ...candidate, error: `${candidate.modulePath} does not exist` };
}

const PACKAGE_NAME = /^((?:@[^/\\]+\/)?[^/\\.][^/\\]*)(?:\/(.+))?$/;

/**
 * A path (`./x.js`, `/abs/x.mjs`, `file:…`) relative to `dir` — a module, or a plugin package's
 * folder — or a package (and subpath) in node_modules from `dir` up.
 */
function resolveEntry(entry: string, dir: string): { modulePath: string; version?: string } {
  if (entry.startsWith('file:') || entry.startsWith('.') || path.isAbsolute(entry)) {
    const target = entry.startsWith('file:')
      ? path.resolve(dir, fileURLToPath(new URL(entry, pathToFileURL(`${dir}/`))))
      : path.resolve(dir, entry);
    return isFolder(target) ? packageModule(target, undefined) : { modulePath: target };
  }
  const match = PACKAGE_NAME.exec(entry);
  if (!match) throw new Error(`${entry} is neither a path nor a package name`);
  // PACKAGE_NAME always captures the name; the subpath is optional.
  return packageModule(findPackage(match[1]!, dir), match[2]);
}

/** The plugin module of the package in `root`: `subpath`, else `"kv1nt": {"plugin"}`, else its entry. */
function packageModule(root: string, subpath: string | undefined): { modulePath: string; version?: string } {
  const file = path.join(root, 'package.json');
  if (!fs.existsSync(file))
    throw new Error(
      `${root} is a folder without a package.json: name the plugin's module file, or give the folder a package.json with "kv1nt": {"plugin": "<module>"}`,
    );
  let pjson: Record<string, unknown>;
  try {
    pjson = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`${file} is not valid JSON (${(error as Error).message})`);
  }
  const module = subpath ?? pluginField(pjson) ?? mainOf(pjson);
  return {
    modulePath: path.resolve(root, module),
    ...(typeof pjson.version === 'string' ? { version: pjson.version } : {}),
  };
}

function isFolder(target: string): boolean {
  try {
    return fs.statSync(target).isDirectory();
  } catch {
    return false;
  }
}

function findPackage(name: string, from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const root = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(root, 'package.json'))) return root;
    if (path.dirname(dir) === dir) break;
  }
  throw new Error(`package ${name} is not installed (looked in node_modules from ${from} upward)`);
}

/** The ESM entry of a package: `exports` ('.' → import/node/default), else `main`, else index.js. */
function mainOf(pjson: Record<string, unknown>): string {
  const pick = (value: unknown): string | undefined => {
    if (typeof value === 'string') return value;
    if (value === null || typeof value !== 'object') return undefined;
    const map = value as Record<string, unknown>;
    if ('.' in map) return pick(map['.']);
    for (const condition of ['import', 'node', 'default']) {
      const found = pick(map[condition]);
      if (found) return found;
    }
    return undefined;
  };
  return pick(pjson.exports) ?? (typeof pjson.main === 'string' ? pjson.main : 'index.js');
}
