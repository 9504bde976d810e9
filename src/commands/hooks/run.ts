import { Args } from '@oclif/core';
import { Kv1ntCommand } from '../../cli/base-command.js';
import { currentEntry, renderVerdict } from '../../cli/hooks-view.js';
import {
  BLOCK_EXIT,
  headCommit,
  hooksSkipped,
  startTestRecorder,
  type GateVerdict,
  type HookOnError,
  type HookSettings,
} from '../../core/index.js';

export interface HookRunResult {
  hook: string;
  skipped: boolean;
  /** pre-push */
  verdict?: GateVerdict;
  /** post-commit: the commit and the agents whose tests run in the background. */
  commit?: string;
  agents?: string[];
  workerPid?: number;
  /** kv1nt's own trouble, reported and let through. */
  warning?: string;
}

export default class HooksRun extends Kv1ntCommand {
  static override hidden = true;
  static override summary = 'What an installed git hook runs (internal).';
  static override description = `pre-push: the gate — exits ${BLOCK_EXIT} when an agent's health is under hooks.pre-push.minHealth, it has an open opportunity of a hooks.pre-push.blockOn severity, or (hooks.pre-push.failOnNoData) it has no score. post-commit: starts the agents' tests in the background and returns. An error of kv1nt itself is one line on stderr; then a pre-push follows hooks.pre-push.onError: allow (exit 0, the default) or block (exit ${BLOCK_EXIT}). When the config itself cannot be read, KV1NT_HOOK_ON_ERROR (set by kv1nt's hook script from its install-time setting) decides.`;
  static override strict = false;
  static override args = { hook: Args.string({ description: 'The git hook being run', required: true }) };

  async run(): Promise<HookRunResult> {
    const { args, flags } = await this.parse(HooksRun);
    const hook = args.hook;
    if (hooksSkipped()) return { hook, skipped: true };
    let settings: HookSettings | undefined;
    try {
      const core = await this.openCore(flags);
      settings = core.hookSettings();
      if (hook === 'pre-push') {
        const verdict = await core.prePushGate();
        if (settings.agents.length > 0) process.stderr.write(`${renderVerdict(verdict)}\n`);
        if (!verdict.passed) process.exitCode = BLOCK_EXIT;
        return { hook, skipped: false, verdict };
      }
      if (hook === 'post-commit') {
        if (!settings.postCommit.recordTests || settings.agents.length === 0)
          return { hook, skipped: false, agents: [] };
        // Only agents with a folder and a test command can be tested (this also reads the agent registry,
        // so a broken data dir shows up here as a warning rather than silently in the background).
        const declared = new Set((await core.listAgents()).map((agent) => agent.id));
        const agents = settings.agents.filter((id) => declared.has(id));
        if (agents.length === 0) return { hook, skipped: false, agents };
        const commit = await headCommit(process.cwd());
        const workerPid = startTestRecorder(currentEntry(this.config), commit, agents, process.cwd());
        return { hook, skipped: false, commit, agents, ...(workerPid === undefined ? {} : { workerPid }) };
      }
      return { hook, skipped: true, warning: `kv1nt has nothing to do in a ${hook} hook.` };
    } catch (error) {
      const block = hook === 'pre-push' && onError(settings) === 'block';
      const warning = `kv1nt: the ${hook} hook could not run (${oneLine(error)}). ${block ? 'The push is blocked (hooks.pre-push.onError = block).' : 'git goes on without it.'}`;
      process.stderr.write(`${warning}\n`);
      process.exitCode = block ? BLOCK_EXIT : 0;
      return { hook, skipped: false, warning };
    }
  }
}

/** The config's onError when it could be read; else the hook script's (KV1NT_HOOK_ON_ERROR); else allow. */
function onError(settings: HookSettings | undefined): HookOnError {
  if (settings) return settings.prePush.onError;
  return process.env.KV1NT_HOOK_ON_ERROR === 'block' ? 'block' : 'allow';
}

/** The warning is one line on stderr: a multi-line message (a config error) is joined. */
function oneLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ');
}
