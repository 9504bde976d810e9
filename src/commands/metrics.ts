import path from 'node:path';
import { Args, Flags } from '@oclif/core';
import { Kv1ntCommand } from '../cli/base-command.js';
import { parseNumber } from '../cli/feedback-flags.js';
import { invalidInput } from '../core/errors.js';
import { atomicWriteFile, metricsView, renderExposition, type MetricFamily } from '../core/index.js';

export default class Metrics extends Kv1ntCommand {
  static override summary = "Print kv1nt's figures as Prometheus metrics (text exposition format).";
  static override description = `For node_exporter's textfile collector, or any scraper of the Prometheus text format. Computed from the aggregates and the stores (no log scan): all-time counters of entries (by type and source), failures (by error type) and optimization runs (by status); gauges over the last --days of the health score, the success ratio and the open opportunities (by severity); a summary of successful durations (p50, p95, p99).

With --output the file is replaced atomically (written next to it, then renamed), as the textfile collector requires. With --json, the metric families as data.`;
  static override examples = [
    '<%= config.bin %> metrics',
    '<%= config.bin %> metrics summarizer',
    '<%= config.bin %> metrics --all --output /var/lib/node_exporter/textfile_collector/kv1nt.prom',
  ];
  static override args = {
    agent: Args.string({ description: 'Agent id (default: every agent kv1nt knows)' }),
  };
  static override flags = {
    all: Flags.boolean({ description: 'Every agent kv1nt knows (the default without an agent id).' }),
    days: Flags.string({
      description: 'Window of the gauges and the duration summary, in days.',
      default: '7',
    }),
    output: Flags.string({ char: 'o', description: 'Write to this file (atomically) instead of stdout.' }),
  };

  async run(): Promise<{ output: string | null; families: MetricFamily[] }> {
    const { args, flags } = await this.parse(Metrics);
    if (args.agent !== undefined && flags.all)
      throw invalidInput('Give an agent id or --all, not both.', [
        'kv1nt metrics summarizer',
        'kv1nt metrics --all',
      ]);
    const days = parseNumber('--days', flags.days);
    const core = await this.openCore(flags);
    const families = await core.view(metricsView, args.agent, days);
    const text = renderExposition(families);
    const output = flags.output === undefined ? null : path.resolve(flags.output);
    if (output !== null) {
      atomicWriteFile(output, text);
      const samples = families.reduce((sum, family) => sum + family.samples.length, 0);
      this.say(`Wrote ${samples} sample(s) of ${families.length} metrics to ${output}.`);
    } else if (!this.jsonEnabled()) process.stdout.write(text);
    return { output, families };
  }
}
