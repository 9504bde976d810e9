import { Args, Flags } from '@oclif/core';
import { Kv1ntCommand } from '../cli/base-command.js';
import { renderHealth } from '../cli/analysis-view.js';
import { parseNumber } from '../cli/feedback-flags.js';
import { terminal } from '../cli/terminal.js';
import type { HealthReport } from '../core/index.js';

export default class Health extends Kv1ntCommand {
  static override summary = "Show an agent's health score, trend, components and a chart of its history.";
  static override description =
    'Computed now from the aggregates; runs no detector and stores nothing (use `kv1nt analyze` for that). The chart shows the daily scores of the window and the scores of past analyses.';
  static override examples = [
    '<%= config.bin %> health summarizer',
    '<%= config.bin %> health summarizer --days 30 --json',
    '<%= config.bin %> health summarizer --days 30 --plot',
  ];
  static override args = { agent: Args.string({ description: 'Agent id', required: true }) };
  static override flags = {
    days: Flags.string({ description: 'Length of the window in days.', default: '7' }),
    plot: Flags.boolean({
      description: "A multi-line chart of the history, with the pre-push gate's minHealth as a line.",
    }),
  };

  async run(): Promise<HealthReport> {
    const { args, flags } = await this.parse(Health);
    const core = await this.openCore(flags);
    const report = await core.health(args.agent, parseNumber('--days', flags.days));
    const chart = flags.plot
      ? { minHealth: core.hookSettings().prePush.minHealth, width: terminal().width }
      : undefined;
    if (!this.jsonEnabled()) this.log(renderHealth(report, chart));
    return report;
  }
}
