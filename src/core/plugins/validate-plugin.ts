import {
  API_VERSION,
  OPPORTUNITY_TYPES,
  type Kv1ntPlugin,
  type LearningGenerator,
  type Strategy,
} from '../sdk/types.js';
import type { ComponentSite } from './invoke.js';
import type { LoadedDetector, PluginWarning } from './run-detectors.js';

export interface LoadedGenerator extends ComponentSite {
  generator: LearningGenerator;
}

export interface LoadedStrategy extends ComponentSite {
  strategy: Strategy;
}

/** Where a plugin came from: built in, installed through oclif, or named in the config. */
export type PluginSource = 'builtin' | 'user' | 'link' | 'config' | 'api';

/** A plugin as found, before it is checked: the loaded object, or why it could not be loaded. */
export interface PluginCandidate {
  /** builtin, installed (`user`) or linked (`link`) through `kv1nt plugins`, the config, or the API. */
  source: PluginSource | (string & {});
  /** The default export of the module; absent when loading failed. */
  plugin?: unknown;
  /** Why the module could not be loaded (reported as a warning naming the plugin). */
  error?: string;
  /** The name used before the plugin's own is known: the package name or the module path. */
  label?: string;
  /** The package name or module path as the user gave it. */
  location?: string;
  /** The plugin package's version, when it has one. */
  version?: string;
  /** For one installed or linked through oclif: its package name, which `kv1nt plugins uninstall` takes. */
  package?: string;
  /**
   * The module file. A plugin with a file is loaded, checked and called only in plugin processes
   * (plugin-process.ts), so none of its code runs in kv1nt's process; a plugin without (a
   * built-in, an object given to the API) runs in-process with a promise race only.
   */
  modulePath?: string;
}

export interface PluginInfo {
  name: string;
  source: string;
  location?: string;
  version?: string;
  /** The name `kv1nt plugins uninstall` takes (installed and linked plugins). */
  package?: string;
  /** Whether it runs in plugin processes (see PluginCandidate.modulePath). */
  isolated: boolean;
  detectors: string[];
  learningGenerators: string[];
  strategies: string[];
}

export interface PluginSet {
  plugins: PluginInfo[];
  detectors: LoadedDetector[];
  generators: LoadedGenerator[];
  strategies: LoadedStrategy[];
  warnings: PluginWarning[];
}

/**
 * Checks plugin objects as they arrive (authors of plain JavaScript skip the types): a plugin for
 * another API version, or with a malformed detector, is refused with a warning naming it; the
 * rest are used.
 */
export function collectPlugins(candidates: readonly PluginCandidate[]): PluginSet {
  const set: PluginSet = { plugins: [], detectors: [], generators: [], strategies: [], warnings: [] };
  const seenDetectors = new Set<string>();
  const seenStrategies = new Set<string>();
  for (const candidate of candidates) {
    const { source, plugin } = candidate;
    const name = pluginName(plugin, candidate.label ?? candidate.location ?? source);
    if (candidate.error !== undefined) {
      set.warnings.push({ plugin: name, error: `could not be loaded: ${candidate.error}` });
      continue;
    }
    try {
      const checked = checkPlugin(plugin, name);
      const detectors: string[] = [];
      for (const detector of checked.detectors ?? []) {
        claim(seenDetectors, 'detector', detector.id);
        set.detectors.push({ plugin: name, detector, modulePath: candidate.modulePath });
        detectors.push(detector.id);
      }
      const generators: string[] = [];
      for (const generator of checked.learningGenerators ?? []) {
        set.generators.push({ plugin: name, generator, modulePath: candidate.modulePath });
        generators.push(generator.id);
      }
      const strategies: string[] = [];
      for (const strategy of checked.strategies ?? []) {
        claim(seenStrategies, 'strategy', strategy.id);
        set.strategies.push({ plugin: name, strategy, modulePath: candidate.modulePath });
        strategies.push(strategy.id);
      }
      set.plugins.push({
        name,
        source,
        ...(candidate.location === undefined ? {} : { location: candidate.location }),
        ...(candidate.version === undefined ? {} : { version: candidate.version }),
        ...(candidate.package === undefined ? {} : { package: candidate.package }),
        isolated: candidate.modulePath !== undefined,
        detectors,
        learningGenerators: generators,
        strategies,
      });
    } catch (error) {
      set.warnings.push({ plugin: name, error: (error as Error).message });
    }
  }
  return set;
}

function pluginName(plugin: unknown, source: string): string {
  const name = (plugin as { name?: unknown } | null)?.name;
  return typeof name === 'string' && name !== '' ? name : source;
}

function checkPlugin(value: unknown, name: string): Kv1ntPlugin {
  if (value === null || typeof value !== 'object')
    throw new Error(
      `plugin ${name} does not export an object (use definePlugin({...}) as the default export)`,
    );
  const plugin = value as Partial<Kv1ntPlugin>;
  if (plugin.apiVersion !== API_VERSION) {
    throw new Error(
      `plugin ${name} was written for kv1nt plugin API version ${String(plugin.apiVersion)}, but this kv1nt provides version ${API_VERSION}; upgrade the plugin or kv1nt`,
    );
  }
  if (plugin.detectors !== undefined && !Array.isArray(plugin.detectors))
    throw new Error(`plugin ${name}: detectors must be an array`);
  for (const [index, detector] of (plugin.detectors ?? []).entries()) {
    const d: unknown = detector;
    if (!isObject(d)) throw new Error(`plugin ${name}: detector ${index} is not an object`);
    if (typeof d.id !== 'string' || d.id === '')
      throw new Error(`plugin ${name}: detector ${index} has no id`);
    if (!(OPPORTUNITY_TYPES as readonly unknown[]).includes(d.type))
      throw new Error(
        `plugin ${name}: detector ${d.id} has type ${JSON.stringify(d.type)}; expected one of ${OPPORTUNITY_TYPES.join(', ')}`,
      );
    if (typeof d.detect !== 'function')
      throw new Error(`plugin ${name}: detector ${d.id} has no detect() function`);
  }
  if (plugin.learningGenerators !== undefined && !Array.isArray(plugin.learningGenerators))
    throw new Error(`plugin ${name}: learningGenerators must be an array`);
  for (const [index, generator] of (plugin.learningGenerators ?? []).entries()) {
    const g: unknown = generator;
    if (!isObject(g) || typeof g.id !== 'string' || g.id === '')
      throw new Error(`plugin ${name}: learning generator ${index} has no id`);
    if (!Array.isArray(g.patternTypes))
      throw new Error(`plugin ${name}: learning generator ${g.id} has no patternTypes array`);
    if (typeof g.generate !== 'function')
      throw new Error(`plugin ${name}: learning generator ${g.id} has no generate() function`);
  }
  if (plugin.strategies !== undefined && !Array.isArray(plugin.strategies))
    throw new Error(`plugin ${name}: strategies must be an array`);
  for (const [index, strategy] of (plugin.strategies ?? []).entries()) {
    const s: unknown = strategy;
    if (!isObject(s) || typeof s.id !== 'string' || s.id === '')
      throw new Error(`plugin ${name}: strategy ${index} has no id`);
    if (
      !Array.isArray(s.handles) ||
      s.handles.some((t) => !(OPPORTUNITY_TYPES as readonly unknown[]).includes(t))
    )
      throw new Error(
        `plugin ${name}: strategy ${s.id} needs a handles array of opportunity types (${OPPORTUNITY_TYPES.join(', ')})`,
      );
    if (typeof s.plan !== 'function')
      throw new Error(`plugin ${name}: strategy ${s.id} has no plan() function`);
    if (typeof s.apply !== 'function')
      throw new Error(`plugin ${name}: strategy ${s.id} has no apply() function`);
    if (s.applyBatch !== undefined && typeof s.applyBatch !== 'function')
      throw new Error(`plugin ${name}: strategy ${s.id} has an applyBatch that is not a function`);
  }
  return plugin as Kv1ntPlugin;
}

/** Takes `id` for a plugin; an id another plugin already took refuses the plugin. */
function claim(seen: Set<string>, kind: string, id: string): void {
  if (seen.has(id)) throw new Error(`${kind} id ${id} is already taken by another plugin`);
  seen.add(id);
}

/** A component as a plain-JS author may have written it: any object, its fields unchecked yet. */
function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return value !== null && typeof value === 'object';
}
