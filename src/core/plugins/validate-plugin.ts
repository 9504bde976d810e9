import { API_VERSION, OPPORTUNITY_TYPES, type Kv1ntPlugin } from '../sdk/types.js';
import type { LoadedDetector, PluginWarning } from './run-detectors.js';

export interface PluginSet {
  plugins: Array<{ name: string; source: string; detectors: string[] }>;
  detectors: LoadedDetector[];
  warnings: PluginWarning[];
}

/**
 * Checks plugin objects as they arrive (authors of plain JavaScript skip the types): a plugin for
 * another API version, or with a malformed detector, is refused with a warning naming it; the
 * rest are used.
 */
export function collectPlugins(candidates: ReadonlyArray<{ source: string; plugin: unknown }>): PluginSet {
  const set: PluginSet = { plugins: [], detectors: [], warnings: [] };
  const seenDetectors = new Set<string>();
  for (const { source, plugin } of candidates) {
    const name = pluginName(plugin, source);
    try {
      const checked = checkPlugin(plugin, name);
      const detectors: string[] = [];
      for (const detector of checked.detectors ?? []) {
        if (seenDetectors.has(detector.id))
          throw new Error(`detector id ${detector.id} is already taken by another plugin`);
        seenDetectors.add(detector.id);
        set.detectors.push({ plugin: name, detector });
        detectors.push(detector.id);
      }
      set.plugins.push({ name, source, detectors });
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
    const d = detector as unknown as Record<string, unknown> | null;
    if (!d || typeof d !== 'object') throw new Error(`plugin ${name}: detector ${index} is not an object`);
    if (typeof d.id !== 'string' || d.id === '')
      throw new Error(`plugin ${name}: detector ${index} has no id`);
    if (!(OPPORTUNITY_TYPES as readonly unknown[]).includes(d.type))
      throw new Error(
        `plugin ${name}: detector ${d.id} has type ${JSON.stringify(d.type)}; expected one of ${OPPORTUNITY_TYPES.join(', ')}`,
      );
    if (typeof d.detect !== 'function')
      throw new Error(`plugin ${name}: detector ${d.id} has no detect() function`);
  }
  return plugin as Kv1ntPlugin;
}
