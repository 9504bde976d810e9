import type { ProgressEvent } from './optimize/execute.js';
import type { PlanAction } from './optimize/plan.js';
import type { StrategyName } from './optimize/policy.js';
import type { PluginSources } from './plugins/assemble.js';

/** How the front door is opened (the CLI's global flags, or the API's options). */
export interface CoreOptions {
  /** Overrides everything else (the `--data-dir` flag). */
  dataDir?: string | undefined;
  /** An explicit config file (`--config`); else `KV1NT_CONFIG`, else searched from `cwd`. */
  config?: string | undefined;
  cwd?: string | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  clock?: (() => Date) | undefined;
  /** Plugins besides the built-ins and the config's (found on first use, see plugins/assemble.ts). */
  plugins?: Omit<PluginSources, 'cwd'> | undefined;
  /** Told what the stores repaired on their own (default: process.emitWarning). */
  onWarning?: ((message: string) => void) | undefined;
}

export interface OptimizeRequest {
  strategy?: StrategyName;
  yes?: boolean;
  dryRun?: boolean;
  /** Carry out a stored plan (after `kv1nt approve`). */
  planId?: string | undefined;
  interactive?: boolean;
  /**
   * `optimize -i`: given the plan's open actions, returns the ids of those to try now (a checklist
   * on the terminal). The others wait as pending_approval; a chosen HIGH or CRITICAL one counts as
   * approved at the prompt, unless --yes, `kv1nt approve` or the approval command decide first.
   */
  choose?: ((actions: PlanAction[]) => Promise<string[]>) | undefined;
  onEvent?: (event: ProgressEvent) => void;
}
