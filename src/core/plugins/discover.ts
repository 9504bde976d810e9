/**
 * Finds third-party plugins (contract §8): oclif plugins installed or linked with `kv1nt plugins
 * install|link` whose package.json declares `"kv1nt": {"plugin": "<module>"}`, and the config's
 * `plugins` entries (paths relative to the config file, or package names resolved from its folder).
 * Loading a module is the only thing done here; checking the object is collectPlugins' job, and a
 * module that fails to load becomes a candidate with an `error`, reported as a warning.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
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

/** The kv1nt plugins among oclif's plugins, loaded. */
export async function oclifPluginCandidates(list: readonly OclifPluginInfo[]): Promise<PluginCandidate[]> {
  const declared = list.filter((p) => typeof pluginField(p.pjson) === 'string');
  return Promise.all(
    declared.map((p) =>
      loadModule({
        source: p.type === 'user' || p.type === 'link' ? p.type : p.type || 'user',
        label: p.name,
        location: p.root,
        ...(p.version === undefined ? {} : { version: p.version }),
        modulePath: path.resolve(p.root, pluginField(p.pjson)!),
      }),
    ),
  );
}

/** The config's `plugin` (a plugin package's own module) and `plugins` entries, loaded. */
export async function configPluginCandidates(loaded: LoadedConfig, cwd: string): Promise<PluginCandidate[]> {
  const dir = loaded.file ? path.dirname(loaded.file) : cwd;
  const entries = [...(loaded.config.plugin ? [loaded.config.plugin] : []), ...(loaded.config.plugins ?? [])];
  return moduleCandidates(entries, dir, 'config');
}

/** Paths or package names, resolved from `dir` and loaded. */
export async function moduleCandidates(
  entries: readonly string[],
  dir: string,
  source: PluginCandidate['source'],
): Promise<PluginCandidate[]> {
  return Promise.all(
    entries.map((entry) => {
      try {
        return loadModule({ source, label: entry, location: entry, ...resolveEntry(entry, dir) });
      } catch (error) {
        return Promise.resolve({ source, label: entry, location: entry, error: (error as Error).message });
      }
    }),
  );
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

async function loadModule(candidate: PluginCandidate & { modulePath: string }): Promise<PluginCandidate> {
  try {
    if (!fs.existsSync(candidate.modulePath)) throw new Error(`${candidate.modulePath} does not exist`);
    const module = (await import(pathToFileURL(candidate.modulePath).href)) as { default?: unknown };
    return { ...candidate, plugin: module.default };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ...candidate, error: message };
  }
}

const PACKAGE_NAME = /^((?:@[^/\\]+\/)?[^/\\.][^/\\]*)(?:\/(.+))?$/;

/** A path (`./x.js`, `/abs/x.mjs`, `file:…`) relative to `dir`, or a package (and subpath) in node_modules from `dir` up. */
function resolveEntry(entry: string, dir: string): { modulePath: string; version?: string } {
  if (entry.startsWith('file:'))
    return { modulePath: path.resolve(dir, new URL(entry, pathToFileURL(`${dir}/`)).pathname) };
  if (entry.startsWith('.') || path.isAbsolute(entry)) return { modulePath: path.resolve(dir, entry) };
  const match = PACKAGE_NAME.exec(entry);
  if (!match) throw new Error(`${entry} is neither a path nor a package name`);
  const [, name, subpath] = match as unknown as [string, string, string | undefined];
  const root = findPackage(name, dir);
  const pjson = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const module = subpath ?? pluginField(pjson) ?? mainOf(pjson);
  return {
    modulePath: path.resolve(root, module),
    ...(typeof pjson.version === 'string' ? { version: pjson.version } : {}),
  };
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
