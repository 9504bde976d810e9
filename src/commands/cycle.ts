import { Args, Flags } from '@oclif/core';
import { Kv1ntCommand } from '../cli/base-command.js';
import { optimizeProgress, renderResult } from '../cli/optimize-view.js';
import { invalidInput } from '../core/errors.js';
import {
  STRATEGY_NAMES,
  holdFatalSignals,
  parseDuration,
  type CycleReport,
  type CyclePhase,
  type CycleStep,
  type StrategyName,
} from '../core/index.js';

export default class Cycle extends Kv1ntCommand {
  static override summary = 'Run the loop: patterns → learnings → analyze → optimize (when health is low).';
  static override description = `For the agent (or every declared agent with --all): detects patterns, generates learnings, analyzes, and optimizes when the health score is under optimizeBelow (config, default 80).

With --interval it repeats until SIGINT or SIGTERM; the step in flight is finished first (a second signal stops at once — an interrupted apply is still finished or undone by the next command). With --json, one document is printed at the end: {cycles: [{startedAt, finishedAt, agents: [...]}], stoppedBy}.`;
  static override examples = [
    '<%= config.bin %> cycle summarizer',
    '<%= config.bin %> cycle --all --yes',
    '<%= config.bin %> cycle --all --interval 1h --strategy conservative',
  ];
  static override args = { agent: Args.string({ description: 'Agent id (or --all)' }) };
  static override flags = {
    all: Flags.boolean({ description: 'Every agent the config or the registry declares.' }),
    strategy: Flags.string({
      description: 'Strategy of the optimize step.',
      options: [...STRATEGY_NAMES],
      default: 'auto',
    }),
    yes: Flags.boolean({ char: 'y', description: 'Approve the actions of HIGH and CRITICAL opportunities.' }),
    interval: Flags.string({ description: 'Repeat every <duration> (30s, 5m, 1h…) until interrupted.' }),
  };

  async run(): Promise<CycleReport> {
    const { args, flags } = await this.parse(Cycle);
    if ((args.agent === undefined) === !flags.all)
      throw invalidInput('Give an agent id or --all (not both).', [
        'kv1nt cycle summarizer',
        'kv1nt cycle --all',
      ]);
    const intervalMs = flags.interval === undefined ? undefined : parseDuration('--interval', flags.interval);
    const core = await this.openCore(flags);
    // With an interval, a first SIGINT/SIGTERM stops after the step in flight; a second at once.
    const stopper = new AbortController();
    const stop = (signal: NodeJS.Signals) => {
      if (stopper.signal.aborted) process.exit(130);
      stopper.abort(signal);
      process.stderr.write(
        `\n${signal}: finishing the step in flight, then stopping (again to stop at once).\n`,
      );
    };
    // The step in flight finishes: kv1nt's cleanup on a fatal signal waits until the exit.
    const release = intervalMs === undefined ? () => undefined : holdFatalSignals(['SIGINT', 'SIGTERM']);
    if (intervalMs !== undefined) {
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    }
    try {
      return await this.withProgress((progress) =>
        core.cycle({
          agents: flags.all ? 'all' : { id: args.agent! },
          strategy: flags.strategy as StrategyName,
          yes: flags.yes,
          intervalMs,
          signal: stopper.signal,
          onPhase: (agentId, phase) => progress.step(`${agentId}: ${PHASES[phase]}`),
          onEvent: optimizeProgress(progress),
          onStep: (step) => {
            progress.done();
            this.say(describeStep(step));
          },
          onPrune: (pruned) => {
            progress.done();
            this.say(
              `Retention: deleted ${pruned.removed} feedback entr${pruned.removed === 1 ? 'y' : 'ies'} older than ${pruned.cutoff}.`,
            );
          },
          onWait: () => this.say(`Next cycle in ${flags.interval} (Ctrl-C to stop).`),
        }),
      );
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      release();
    }
  }
}

const PHASES: Record<CyclePhase, string> = {
  patterns: 'detecting patterns',
  learnings: 'generating learnings',
  analyze: 'analysing (health and detectors)',
  optimize: 'planning the optimization',
};

function describeStep(step: CycleStep): string {
  const lines = [
    `${step.agentId}: ${step.patterns} pattern(s), ${step.learnings} learning(s), health ${step.healthScore ?? 'n/a'} (${step.healthTrend}), ${step.opportunities} open opportunit${step.opportunities === 1 ? 'y' : 'ies'}`,
    `  ${step.optimized ? 'optimized' : 'not optimized'}: ${step.reason}`,
  ];
  if (step.optimization) lines.push(renderResult(step.optimization).replace(/^/gm, '  '));
  for (const w of step.warnings)
    lines.push(`  warning: ${w.plugin}${w.component ? ` (${w.component})` : ''}: ${w.error}`);
  return lines.join('\n');
}
