import { Args, Flags } from '@oclif/core';
import { Kv1ntCommand } from '../cli/base-command.js';
import { renderAnalysis } from '../cli/analysis-view.js';
import { parseNumber } from '../cli/feedback-flags.js';
import { EXIT_RUNTIME, invalidInput } from '../core/errors.js';
import type { AnalysisResult } from '../core/index.js';

export default class Analyze extends Kv1ntCommand {
  static override summary = 'Analyze an agent: health score, trend and improvement opportunities.';
  static override description = `First decides the agent's due verifications (the closed loop: kept changes judged on the feedback that followed them; regressed ones rolled back), then computes over the window (--days): successRate, errorRate, responseTimeScore and codeQuality, the weighted health score (40 / 25 / 20 / 15 %; components without data are left out and the rest re-weighted), and its trend. Then runs every detector (built-in and plugins), each isolated; a detector that fails is listed in warnings and the rest still run. A finding seen before updates its open opportunity; one no longer found is resolved. Each run stores a performance_metrics and a health_history row.

--fail-under N exits 1 when the score is below N (for CI and git hooks); an agent without data passes, unless --fail-on-no-data. An agent that is neither declared nor has any feedback is refused (exit 2, AGENT_NOT_FOUND, with the closest known id): a typo never passes a gate.`;
  static override aliases = ['optimization:analyze'];
  static override examples = [
    '<%= config.bin %> analyze summarizer',
    '<%= config.bin %> analyze summarizer --days 30 --json',
    '<%= config.bin %> analyze summarizer --fail-under 70',
    '<%= config.bin %> analyze summarizer --fail-under 70 --fail-on-no-data',
  ];
  static override args = { agent: Args.string({ description: 'Agent id', required: true }) };
  static override flags = {
    days: Flags.string({ description: 'Length of the window in days.', default: '7' }),
    'fail-under': Flags.string({ description: 'Exit 1 when the health score is below this (0–100).' }),
    'fail-on-no-data': Flags.boolean({
      description: 'Exit 1 when there is no health score (no feedback in the window) instead of passing.',
    }),
  };

  async run(): Promise<AnalysisResult> {
    const { args, flags } = await this.parse(Analyze);
    const failUnder =
      flags['fail-under'] === undefined ? undefined : parseNumber('--fail-under', flags['fail-under']);
    if (failUnder !== undefined && (failUnder < 0 || failUnder > 100))
      throw invalidInput(`--fail-under ${failUnder} is out of range: give a health score from 0 to 100.`);
    const core = await this.openCore(flags);
    const result = await core.analyze(args.agent, parseNumber('--days', flags.days));
    if (!this.jsonEnabled()) this.log(await renderAnalysis(result));
    if (failUnder !== undefined && result.healthScore !== null && result.healthScore < failUnder) {
      process.exitCode = EXIT_RUNTIME;
      if (!this.jsonEnabled())
        process.stderr.write(`Health ${result.healthScore} is under --fail-under ${failUnder}.\n`);
    }
    if (flags['fail-on-no-data'] && result.healthScore === null) {
      process.exitCode = EXIT_RUNTIME;
      if (!this.jsonEnabled())
        process.stderr.write(
          `${result.agentId} has no health score (no feedback in the last ${result.windowDays} days): failing, as --fail-on-no-data asks.\n`,
        );
    }
    return result;
  }
}
