import fs from 'node:fs';
import { Args, Flags } from '@oclif/core';
import { Kv1ntCommand } from '../cli/base-command.js';
import { renderAnalysis } from '../cli/analysis-view.js';
import { junitReport, markdownReport, type HealthGate } from '../cli/ci-formats.js';
import { parseNumber } from '../cli/feedback-flags.js';
import { EXIT_RUNTIME, invalidInput } from '../core/errors.js';
import type { AnalysisResult, Kv1ntCore } from '../core/index.js';

export default class Analyze extends Kv1ntCommand {
  static override summary = 'Analyze an agent: health score, trend and improvement opportunities.';
  static override description = `First decides the agent's due verifications (the closed loop: kept changes judged on the feedback that followed them; regressed ones rolled back), then computes over the window (--days): successRate, errorRate, responseTimeScore and codeQuality, the weighted health score (40 / 25 / 20 / 15 %; components without data are left out and the rest re-weighted), and its trend. Then runs every detector (built-in and plugins), each isolated; a detector that fails is listed in warnings and the rest still run. A finding seen before updates its open opportunity; one no longer found is resolved. Each run stores a performance_metrics and a health_history row.

--fail-under N exits 1 when the score is below N (for CI and git hooks); an agent without data passes, unless --fail-on-no-data. An agent that is neither declared nor has any feedback is refused (exit 2, AGENT_NOT_FOUND, with the closest known id): a typo never passes a gate. --all analyses every agent declared or with feedback; the gate fails when any of them fails it.

--format junit prints JUnit XML for CI test reporters: a testsuite per agent, a testcase for the health against --fail-under (else the pre-push gate's minHealth), one per open opportunity — HIGH and CRITICAL fail, LOW and MEDIUM are skipped. --format markdown prints a table per agent (health, trend, top opportunities). With --fail-under and GITHUB_STEP_SUMMARY set (GitHub Actions), the markdown is also appended to that file.`;
  static override aliases = ['optimization:analyze'];
  static override examples = [
    '<%= config.bin %> analyze summarizer',
    '<%= config.bin %> analyze summarizer --days 30 --json',
    '<%= config.bin %> analyze summarizer --fail-under 70',
    '<%= config.bin %> analyze summarizer --fail-under 70 --fail-on-no-data',
    '<%= config.bin %> analyze --all --fail-under 70 --format junit > kv1nt-junit.xml',
  ];
  static override args = { agent: Args.string({ description: 'Agent id (or --all)' }) };
  static override flags = {
    all: Flags.boolean({ description: 'Every agent declared or with feedback.' }),
    format: Flags.string({
      description: 'Output format (--json stays the JSON document).',
      options: ['text', 'junit', 'markdown'],
      default: 'text',
    }),
    days: Flags.string({ description: 'Length of the window in days.', default: '7' }),
    'fail-under': Flags.string({ description: 'Exit 1 when the health score is below this (0–100).' }),
    'fail-on-no-data': Flags.boolean({
      description: 'Exit 1 when there is no health score (no feedback in the window) instead of passing.',
    }),
  };

  async run(): Promise<AnalysisResult | { analyses: AnalysisResult[] }> {
    const { args, flags } = await this.parse(Analyze);
    if ((args.agent === undefined) === !flags.all)
      throw invalidInput('Give an agent id or --all (not both).', [
        'kv1nt analyze summarizer',
        'kv1nt analyze --all',
      ]);
    if (this.jsonEnabled() && flags.format !== 'text')
      throw invalidInput(`--json and --format ${flags.format} both choose the output: give one of them.`);
    const failUnder =
      flags['fail-under'] === undefined ? undefined : parseNumber('--fail-under', flags['fail-under']);
    if (failUnder !== undefined && (failUnder < 0 || failUnder > 100))
      throw invalidInput(`--fail-under ${failUnder} is out of range: give a health score from 0 to 100.`);
    const days = parseNumber('--days', flags.days);
    const core = await this.openCore(flags);
    // Plugin processes start now and load their modules while the agent is checked and analysed.
    core.preparePlugins();
    // Declared or with feedback; an unknown id is refused before any progress line.
    const ids = args.agent === undefined ? (await core.status()).agents.map((a) => a.id) : [args.agent];
    if (args.agent !== undefined) await core.assertKnownAgent(args.agent);
    const analyses = await this.withProgress(async (progress) => {
      const results: AnalysisResult[] = [];
      for (const [i, id] of ids.entries()) {
        progress.step(`[${i + 1}/${ids.length}] Analysing ${id}: health, then the detectors of every plugin`);
        results.push(await core.analyze(id, days));
      }
      return results;
    });
    const gate = healthGate(core, failUnder, flags['fail-on-no-data']);
    if (!this.jsonEnabled()) this.log(await this.render(analyses, flags.format, gate));
    // A GitHub Actions job summary: each gated run adds its block to the job's page.
    const summaryFile = process.env.GITHUB_STEP_SUMMARY;
    if (failUnder !== undefined && summaryFile)
      fs.appendFileSync(summaryFile, `${markdownReport(analyses, gate)}\n`);
    for (const result of analyses) this.gate(result, failUnder, flags['fail-on-no-data']);
    return args.agent === undefined ? { analyses } : analyses[0]!;
  }

  private async render(analyses: AnalysisResult[], format: string, gate: HealthGate): Promise<string> {
    if (format === 'junit') return junitReport(analyses, gate).trimEnd();
    if (format === 'markdown') return markdownReport(analyses, gate).trimEnd();
    if (analyses.length === 0) return 'No agents: record feedback or declare one in the config.';
    return (await Promise.all(analyses.map(renderAnalysis))).join('\n\n');
  }

  /** Sets exit 1 when `result` fails --fail-under or --fail-on-no-data, and says why on stderr. */
  private gate(result: AnalysisResult, failUnder: number | undefined, failOnNoData: boolean): void {
    const quiet = this.jsonEnabled();
    if (failUnder !== undefined && result.healthScore !== null && result.healthScore < failUnder) {
      process.exitCode = EXIT_RUNTIME;
      if (!quiet)
        process.stderr.write(
          `${result.agentId}: health ${result.healthScore} is under --fail-under ${failUnder}.\n`,
        );
    }
    if (failOnNoData && result.healthScore === null) {
      process.exitCode = EXIT_RUNTIME;
      if (!quiet)
        process.stderr.write(
          `${result.agentId} has no health score (no feedback in the last ${result.windowDays} days): failing, as --fail-on-no-data asks.\n`,
        );
    }
  }
}

/** The threshold of the JUnit health check: --fail-under, else the pre-push gate's minHealth. */
function healthGate(core: Kv1ntCore, failUnder: number | undefined, failOnNoData: boolean): HealthGate {
  if (failUnder !== undefined) return { threshold: failUnder, source: '--fail-under', failOnNoData };
  const { minHealth } = core.hookSettings().prePush;
  return { threshold: minHealth, source: 'hooks.pre-push.minHealth', failOnNoData };
}
