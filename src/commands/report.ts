import fs from 'node:fs';
import path from 'node:path';
import { Args, Flags } from '@oclif/core';
import { Kv1ntCommand } from '../cli/base-command.js';
import { parseNumber } from '../cli/feedback-flags.js';
import { invalidInput } from '../core/errors.js';
import { atomicWriteFile, renderReport, reportView } from '../core/index.js';

export default class Report extends Kv1ntCommand {
  static override summary =
    'Write an HTML report: health over time, failures, durations, opportunities, changes.';
  static override description = `One self-contained HTML file (Chart.js inlined, nothing fetched when it is viewed; it prints well too) with, per agent: the daily health score with the changes applied, rolled back or reverted and the closed loop's verdicts marked on it; failures per day by error type; p50 / p95 of successful durations against the SLA; failures by hour of day; the open opportunities; the last changes with their before / after figures. Computed from the aggregates and the optimization store (no log scan).

The file is replaced atomically. With --json: {file, agents, bytes}. See docs/report.md.`;
  static override examples = [
    '<%= config.bin %> report',
    '<%= config.bin %> report summarizer --days 14',
    '<%= config.bin %> report --all --output /srv/www/kv1nt.html',
  ];
  static override args = {
    agent: Args.string({ description: 'Agent id (default: every agent kv1nt knows)' }),
  };
  static override flags = {
    all: Flags.boolean({ description: 'Every agent kv1nt knows (the default without an agent id).' }),
    days: Flags.string({ description: 'Window of the report, in days.', default: '30' }),
    output: Flags.string({ char: 'o', description: 'The HTML file to write.', default: 'kv1nt-report.html' }),
  };

  async run(): Promise<{ file: string; agents: string[]; bytes: number }> {
    const { args, flags } = await this.parse(Report);
    if (args.agent !== undefined && flags.all)
      throw invalidInput('Give an agent id or --all, not both.', [
        'kv1nt report summarizer',
        'kv1nt report --all',
      ]);
    const days = parseNumber('--days', flags.days);
    const file = path.resolve(flags.output);
    checkOutput(file);
    const core = await this.openCore(flags);
    const data = await core.view(reportView, args.agent, days);
    const html = renderReport(data);
    atomicWriteFile(file, html);
    const agents = data.agents.map((agent) => agent.agentId);
    const bytes = Buffer.byteLength(html);
    this.say(
      `Wrote the report of ${agents.length} agent(s) over ${days} day(s) to ${file} (${bytes} bytes).`,
    );
    return { file, agents, bytes };
  }
}

/** The output must go into an existing folder and must not be one: said before anything is read. */
function checkOutput(file: string): void {
  const folder = path.dirname(file);
  if (!fs.statSync(folder, { throwIfNoEntry: false })?.isDirectory())
    throw invalidInput(
      `Cannot write the report to ${file}: the folder ${folder} does not exist.`,
      [`Create it first (mkdir -p ${folder}), or give another --output.`],
      'output',
    );
  if (fs.statSync(file, { throwIfNoEntry: false })?.isDirectory())
    throw invalidInput(
      `Cannot write the report to ${file}: it is a folder.`,
      [`Give a file name, e.g. --output ${path.join(file, 'kv1nt-report.html')}.`],
      'output',
    );
}
