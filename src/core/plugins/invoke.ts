import { callInWorker, type ComponentKind, type HostContext } from './plugin-worker.js';

/** A component (detector, learning generator, strategy) as loaded, with where its plugin came from. */
export interface ComponentSite {
  plugin: string;
  /** The plugin's module file: the component then runs in a worker thread (see plugin-worker.ts). */
  modulePath?: string | undefined;
}

/**
 * Calls one method of a plugin component under its time limit. A component whose plugin came
 * from a file runs in a worker thread, terminated at the limit (a synchronous loop included); a
 * built-in, or a plugin object given to the API, runs in-process and its call is abandoned at the
 * limit (`local`). Either way a failure rejects with a message for the warning.
 */
export function invokeComponent(
  site: ComponentSite,
  component: { kind: ComponentKind; id: string },
  call: { method: string; args: readonly unknown[]; ctx: HostContext; local: () => unknown },
  limitMs: number,
): Promise<unknown> {
  if (site.modulePath !== undefined)
    return callInWorker(
      { modulePath: site.modulePath, ...component },
      call.method,
      call.args,
      call.ctx,
      limitMs,
    );
  return withTimeout(Promise.resolve().then(call.local), limitMs);
}

/** Rejects with `message` when `promise` has not settled after `ms`. */
export function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  message = `timed out after ${ms} ms`,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The time limit of one call of a plugin: `pluginTimeouts[name]`, else `pluginTimeoutMs`, else 10 s. */
export function pluginLimit(config: {
  pluginTimeoutMs?: number | undefined;
  pluginTimeouts?: Readonly<Record<string, number>> | undefined;
}): (plugin: string) => number {
  return (plugin) => config.pluginTimeouts?.[plugin] ?? config.pluginTimeoutMs ?? 10_000;
}
