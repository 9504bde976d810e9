import type { Kv1ntConfig } from '../config/schema.js';
import type { Severity } from '../sdk/types.js';

/** The `hooks` key of the config with its defaults filled in. */
export interface HookSettings {
  /** Explicit list, or every agent the config declares. */
  agents: string[];
  prePush: { minHealth: number; blockOn: Severity[]; failOnNoData: boolean; onError: HookOnError };
  postCommit: { recordTests: boolean };
}

/** What the pre-push hook does when kv1nt itself fails: let the push through (with a warning) or not. */
export type HookOnError = 'allow' | 'block';

export const DEFAULT_MIN_HEALTH = 70;
export const DEFAULT_BLOCK_ON: readonly Severity[] = ['CRITICAL'];

export function hookSettings(config: Kv1ntConfig): HookSettings {
  const hooks = config.hooks ?? {};
  return {
    agents: hooks.agents ?? Object.keys(config.agents ?? {}),
    prePush: {
      minHealth: hooks['pre-push']?.minHealth ?? DEFAULT_MIN_HEALTH,
      blockOn: hooks['pre-push']?.blockOn ?? [...DEFAULT_BLOCK_ON],
      failOnNoData: hooks['pre-push']?.failOnNoData ?? false,
      onError: hooks['pre-push']?.onError ?? 'allow',
    },
    postCommit: { recordTests: hooks['post-commit']?.recordTests ?? true },
  };
}

/** `KV1NT_SKIP_HOOKS` set to anything but empty, 0 or false. */
export function hooksSkipped(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.KV1NT_SKIP_HOOKS;
  return value !== undefined && !['', '0', 'false'].includes(value);
}
