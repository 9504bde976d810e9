import { deepFreeze } from '../deep-freeze.js';
import { ownValue } from '../safe-record.js';
import { PluginTimeoutError } from './plugin-timeout.js';
import { callInPluginProcess, type ComponentKind, type HostContext } from './plugin-process.js';
import { boundItems } from './result-limits.js';

export { PluginTimeoutError };

/** A component (detector, learning generator, strategy) as loaded, with where its plugin came from. */
export interface ComponentSite {
  plugin: string;
  /** The plugin's module file: the component then runs in a plugin process (see plugin-process.ts). */
  modulePath?: string | undefined;
}

/** The methods that return a list of items, and what an item is called in warnings. */
const ITEM_NOUNS: Readonly<Record<string, string>> = {
  detect: 'finding',
  generate: 'learning',
  plan: 'action',
};

/**
 * Calls one method of a plugin component under its time limit. A component whose plugin came
 * from a file runs in a plugin process, killed at the limit (a synchronous loop included); a
 * built-in, or a plugin object given to the API, runs in-process and its call is abandoned at the
 * limit (`local`). Either way a failure rejects with a message for the warning, and a list that
 * passes the result limits (result-limits.ts) is cut: each cut is reported through `ctx.warn`,
 * and `limited` is called.
 */
export async function invokeComponent(
  site: ComponentSite,
  component: { kind: ComponentKind; id: string },
  call: {
    method: string;
    args: readonly unknown[];
    ctx: HostContext;
    local: () => unknown;
    limited?: () => void;
  },
  limitMs: number,
): Promise<unknown> {
  const itemNoun = ITEM_NOUNS[call.method];
  const { value, notes } =
    site.modulePath === undefined
      ? { value: await withTimeout(Promise.resolve().then(call.local), limitMs), notes: [] }
      : await callInPluginProcess(
          { modulePath: site.modulePath, ...component },
          { method: call.method, args: call.args, ctx: call.ctx, itemNoun },
          limitMs,
          // A strategy's apply(action(s), sandboxDir) may write in its sandbox, and only there.
          component.kind === 'strategies' && (call.method === 'apply' || call.method === 'applyBatch')
            ? String(call.args[1])
            : undefined,
        );
  if (itemNoun === undefined || !Array.isArray(value)) return value;
  // Again in kv1nt: a plugin process may have been made to send more than it should.
  const bounded = boundItems(value, itemNoun);
  const all = [...notes, ...bounded.notes];
  for (const note of all) call.ctx.warn(note);
  if (all.length > 0) call.limited?.();
  return JSON.parse(bounded.json) as unknown[];
}

/** Rejects with a PluginTimeoutError when `promise` has not settled after `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, message?: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PluginTimeoutError(ms, message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The options the config gives a plugin (`pluginOptions[name]`), frozen; `{}` when none. */
export function pluginOptions(config: {
  pluginOptions?: Readonly<Record<string, Readonly<Record<string, unknown>>>> | undefined;
}): (plugin: string) => Readonly<Record<string, unknown>> {
  // A copy as JSON: the same data whether the component runs in-process or in a plugin process.
  return (plugin) =>
    deepFreeze(
      JSON.parse(JSON.stringify(ownValue(config.pluginOptions, plugin) ?? {})) as Record<string, unknown>,
    );
}

/** A plugin call's (and a plugin load's) time limit when the config sets none. */
export const DEFAULT_PLUGIN_LIMIT_MS = 10_000;

/** The time limit of one call of a plugin: `pluginTimeouts[name]`, else `pluginTimeoutMs`, else 10 s. */
export function pluginLimit(config: {
  pluginTimeoutMs?: number | undefined;
  pluginTimeouts?: Readonly<Record<string, number>> | undefined;
}): (plugin: string) => number {
  return (plugin) =>
    ownValue(config.pluginTimeouts, plugin) ?? config.pluginTimeoutMs ?? DEFAULT_PLUGIN_LIMIT_MS;
}

/**
 * The components that ran past their time limit in this run: they are not called again (a
 * generator stuck on one pattern would be stuck on each, and the user would wait the limit every
 * time), and one warning per component says how many calls were skipped.
 */
export class StuckComponents {
  private readonly stuck = new Map<string, { plugin: string; skipped: number }>();

  /** Whether to skip this call: the component timed out earlier in the run (the call is counted). */
  skip(id: string): boolean {
    const entry = this.stuck.get(id);
    if (entry) entry.skipped += 1;
    return entry !== undefined;
  }

  /** Notes a failed call; a time-out marks the component stuck. */
  failed(plugin: string, id: string, error: unknown): void {
    if (error instanceof PluginTimeoutError && !this.stuck.has(id))
      this.stuck.set(id, { plugin, skipped: 0 });
  }

  /** One warning per stuck component that had calls skipped, naming what they were for. */
  warnings(one: string, many: string): Array<{ plugin: string; component: string; error: string }> {
    return [...this.stuck]
      .filter(([, entry]) => entry.skipped > 0)
      .map(([component, { plugin, skipped }]) => ({
        plugin,
        component,
        error: `not called for ${skipped} more ${skipped === 1 ? one : many} after it timed out`,
      }));
  }
}
