import type { LoadedConfig } from '../config/load.js';
import type { Kv1ntPlugin } from '../sdk/types.js';
import {
  configPluginCandidates,
  moduleCandidates,
  oclifPluginCandidates,
  withoutDuplicates,
  type OclifPluginInfo,
} from './discover.js';
import { DEFAULT_PLUGIN_LIMIT_MS } from './invoke.js';
import { loadCandidates } from './load-plugins.js';
import { collectPlugins, type PluginCandidate, type PluginSet } from './validate-plugin.js';

/** Where the plugins of a run come from, besides the built-ins and the config's `plugins`. */
export interface PluginSources {
  /** Folder that module paths and package names given here are resolved from. */
  cwd: string;
  /** The CLI: plugins installed or linked through oclif's plugin manager (`kv1nt plugins install|link`). */
  oclif?: (() => readonly OclifPluginInfo[]) | undefined;
  /** The programmatic API: module paths or package names, and plugin objects (run in-process). */
  extra?: ReadonlyArray<Kv1ntPlugin | string> | undefined;
}

/**
 * Every kv1nt plugin of a run, in one order for the CLI and the API: the built-ins, oclif's, the
 * config's, then the API's modules and objects; a plugin found twice counts once. Only module
 * files are found here: none of a file plugin's code runs in this process.
 */
export async function pluginCandidates(
  sources: PluginSources,
  loaded: LoadedConfig,
): Promise<PluginCandidate[]> {
  const { default: builtin } = await import('../../plugins/index.js');
  const extra = sources.extra ?? [];
  return withoutDuplicates([
    { source: 'builtin', plugin: builtin },
    ...oclifPluginCandidates(sources.oclif?.() ?? []),
    ...configPluginCandidates(loaded, sources.cwd),
    ...moduleCandidates(
      extra.filter((p): p is string => typeof p === 'string'),
      sources.cwd,
      'api',
    ),
    ...extra
      .filter((p): p is Kv1ntPlugin => typeof p !== 'string')
      .map((plugin) => ({ source: 'api' as const, plugin })),
  ]);
}

/**
 * The plugins in use, loaded (file plugins in plugin processes, each under the load limit) and
 * validated; options given for a plugin that is not there are most likely a typo of its name.
 */
export async function loadPluginSet(
  candidates: readonly PluginCandidate[],
  loaded: LoadedConfig,
): Promise<PluginSet> {
  const set = collectPlugins(
    await loadCandidates(candidates, loaded.config.pluginTimeoutMs ?? DEFAULT_PLUGIN_LIMIT_MS),
  );
  const names = set.plugins.map((p) => p.name);
  for (const name of Object.keys(loaded.config.pluginOptions ?? {}))
    if (!names.includes(name))
      set.warnings.push({
        plugin: name,
        error: `pluginOptions.${name} names no loaded plugin (loaded: ${names.join(', ')})`,
      });
  return set;
}
