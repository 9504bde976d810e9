import { Args, Flags } from '@oclif/core';
import { Kv1ntCommand } from '../cli/base-command.js';
import { percent, table } from '../cli/render.js';
import { parseNumber } from '../cli/feedback-flags.js';
import type { FeedbackSummary } from '../core/index.js';

export default class Summary extends Kv1ntCommand {
  static override summary = "Summarize an agent's feedback over the last days.";
  static override description = `Counts by type and source, average scores, success rate, average rating and the top error types, read from the score aggregates (not by scanning the log).

The window covers the last --days × 24 hours, starting at the top of that hour.`;
  static override aliases = ['feedback:summary'];
  static override examples = [
    '<%= config.bin %> summary summarizer',
    '<%= config.bin %> summary summarizer --days 30 --json',
  ];
  static override args = { agent: Args.string({ description: 'Agent id', required: true }) };
  static override flags = {
    days: Flags.string({ description: 'Length of the window in days.', default: '7' }),
  };

  async run(): Promise<FeedbackSummary> {
    const { args, flags } = await this.parse(Summary);
    const core = await this.openCore(flags);
    const summary = await core.summary(args.agent, parseNumber('--days', flags.days));
    if (!this.jsonEnabled()) this.log(await render(summary));
    return summary;
  }
}

async function render(s: FeedbackSummary): Promise<string> {
  if (s.total === 0) return `${s.agentId}: no feedback in the last ${s.days} day(s).`;
  const lines = [
    `${s.agentId} — last ${s.days} day(s): ${s.total} entries`,
    `  success rate   ${percent(s.successRate)}`,
    `  average rating ${s.averageRating === null ? '—' : `${s.averageRating.toFixed(2)} / 5`}`,
    `  mean duration  ${s.averageDurationMs === null ? '—' : `${Math.round(s.averageDurationMs)} ms`}`,
    '',
  ];
  const types = Object.entries(s.byType).filter(([, n]) => n > 0);
  lines.push(
    await table(
      ['type', 'count', 'avg score'],
      types.map(([type, n]) => [
        type,
        n,
        s.averageScoreByType[type as keyof typeof s.averageScoreByType]?.toFixed(3) ?? null,
      ]),
    ),
  );
  const sources = Object.entries(s.bySource).filter(([, n]) => n > 0);
  lines.push('', `  by source: ${sources.map(([source, n]) => `${source} ${n}`).join(', ')}`);
  if (s.topPatterns && s.topPatterns.length > 0) {
    lines.push(
      '',
      await table(
        ['top patterns', 'type', 'frequency', 'confidence'],
        s.topPatterns.map((p) => [p.description, p.patternType, p.frequency, p.confidence.toFixed(2)]),
      ),
    );
  }
  if (s.topErrors.length > 0)
    lines.push(
      '',
      await table(
        ['top errors', 'count'],
        s.topErrors.map((e) => [e.errorType, e.count]),
      ),
    );
  return lines.join('\n');
}
