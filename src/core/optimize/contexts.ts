import path from 'node:path';
import type { Agent } from '../agents/registry.js';
import { thresholdsOf, toAgentInfo } from '../analysis/analyze.js';
import type { Kv1ntConfig } from '../config/schema.js';
import { isInside } from '../paths.js';
import { pluginLimit, pluginOptions } from '../plugins/invoke.js';
import type { PluginWarning } from '../plugins/run-detectors.js';
import type { ProcessRunner } from '../runner/runner.js';
import type { ApplyContext, LearningInfo, PatternInfo, Policy, StrategyContext } from '../sdk/types.js';
import type { Stores } from '../store/stores.js';

/** What strategies see of the agent, built once per run: the plan and apply contexts. */
export class StrategyContexts {
  readonly limitOf: (plugin: string) => number;
  private readonly optionsOf: (plugin: string) => Readonly<Record<string, unknown>>;
  private readonly config: StrategyContext['config'];

  private constructor(
    private readonly agent: Agent,
    config: Kv1ntConfig,
    private readonly patterns: readonly PatternInfo[],
    private readonly learnings: readonly LearningInfo[],
    private readonly now: () => Date,
    private readonly runner: ProcessRunner,
  ) {
    this.config = { ...config, thresholds: thresholdsOf(config) };
    this.optionsOf = pluginOptions(config);
    this.limitOf = pluginLimit(config);
  }

  static async load(
    stores: Stores,
    agent: Agent,
    config: Kv1ntConfig,
    now: () => Date,
    runner: ProcessRunner,
  ): Promise<StrategyContexts> {
    const doc = await stores.feedback.read();
    const patterns: PatternInfo[] = doc.patterns.filter(
      (row) => row.agentId === agent.id && row.status !== 'inactive',
    );
    const learnings: LearningInfo[] = doc.learningEvents.filter((row) => row.agentId === agent.id);
    return new StrategyContexts(agent, config, patterns, learnings, now, runner);
  }

  plan(policy: Policy): (plugin: string, sink: PluginWarning[]) => StrategyContext {
    return (plugin, sink) =>
      Object.freeze({
        agent: toAgentInfo(this.agent.id, this.agent),
        config: this.config,
        options: this.optionsOf(plugin),
        policy,
        patterns: this.patterns,
        learnings: this.learnings,
        now: this.now(),
        warn: (message: string) => sink.push({ plugin, error: message }),
      });
  }

  /** apply() runs tools (npm install…) in the sandbox, with at least the test time limit. */
  apply(
    policy: Policy,
    testTimeoutMs: number,
  ): (plugin: string, sink: PluginWarning[], sandboxDir: string, candidate: unknown) => ApplyContext {
    const toolTimeout = Math.max(this.config.thresholds.toolTimeoutMs, testTimeoutMs);
    const plan = this.plan(policy);
    return (plugin, sink, sandboxDir, candidate) =>
      Object.freeze({
        ...plan(plugin, sink),
        sandboxDir,
        candidate,
        run: (command: string, args: readonly string[], options?: { timeoutMs?: number; cwd?: string }) => {
          const cwd = path.resolve(sandboxDir, options?.cwd ?? '.');
          if (!isInside(sandboxDir, cwd))
            return Promise.reject(new Error(`cwd ${options?.cwd} is outside the sandbox`));
          return this.runner.runTool(command, args, cwd, options?.timeoutMs ?? toolTimeout);
        },
      });
  }
}
