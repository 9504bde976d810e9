/**
 * A plugin object as plain data, so that kv1nt can check a file plugin without running any of its
 * code: the plugin process describes the module's default export (describePlugin), kv1nt turns the
 * description back into an object of the same shape (revivePlugin) and checks that as it checks
 * any plugin. Functions cross as a marker; kv1nt calls them only through the plugin process.
 */
const FUNCTION = 'kv1nt:function';
const LISTS = ['detectors', 'learningGenerators', 'strategies'] as const;
const COMPONENT_FIELDS = ['id', 'type', 'description', 'patternTypes', 'handles'] as const;
export const COMPONENT_METHODS = ['detect', 'generate', 'plan', 'apply', 'applyBatch'] as const;

/** The fields of `plugin` that kv1nt checks and uses, as JSON data (plugin process side). */
export function describePlugin(plugin: unknown): unknown {
  if (plugin === null || typeof plugin !== 'object') return standIn(plugin);
  const source = plugin as Record<string, unknown>;
  const described: Record<string, unknown> = {
    apiVersion: standIn(source.apiVersion),
    name: standIn(source.name),
  };
  for (const list of LISTS) {
    const value = source[list];
    if (value !== undefined)
      described[list] = Array.isArray(value) ? value.map(describeComponent) : standIn(value);
  }
  return described;
}

/** A described plugin as an object whose component methods must not be called in kv1nt's process. */
export function revivePlugin(description: unknown, modulePath: string): unknown {
  if (description === null || typeof description !== 'object') return description;
  const plugin = { ...(description as Record<string, unknown>) };
  for (const list of LISTS) {
    if (!Array.isArray(plugin[list])) continue;
    plugin[list] = (plugin[list] as unknown[]).map((component) => {
      if (component === null || typeof component !== 'object') return component;
      const revived = { ...(component as Record<string, unknown>) };
      for (const method of COMPONENT_METHODS) {
        if (isFunctionMarker(revived[method]))
          revived[method] = remoteOnly(modulePath, String(revived.id), method);
      }
      return revived;
    });
  }
  return plugin;
}

function describeComponent(component: unknown): unknown {
  if (component === null || typeof component !== 'object') return standIn(component);
  const source = component as Record<string, unknown>;
  const described: Record<string, unknown> = {};
  for (const field of COMPONENT_FIELDS) {
    const value = source[field];
    if (value !== undefined) described[field] = Array.isArray(value) ? value.map(standIn) : standIn(value);
  }
  for (const method of COMPONENT_METHODS) {
    const value = source[method];
    if (value !== undefined)
      described[method] = typeof value === 'function' ? { [FUNCTION]: true } : standIn(value);
  }
  return described;
}

/**
 * A value kept only as far as the checks look at it: a primitive as it is (a string cut to 1000
 * characters), an object as an empty one of the same kind.
 */
function standIn(value: unknown): unknown {
  if (typeof value === 'string') return value.slice(0, 1000);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined)
    return value;
  if (Array.isArray(value)) return [];
  return typeof value === 'object' ? {} : `(${typeof value})`;
}

function isFunctionMarker(value: unknown): boolean {
  return value !== null && typeof value === 'object' && (value as Record<string, unknown>)[FUNCTION] === true;
}

function remoteOnly(modulePath: string, id: string, method: string): () => never {
  return () => {
    throw new Error(`${id}.${method}() runs only in the plugin process of ${modulePath}`);
  };
}
