import { Args, Flags } from '@oclif/core';
import { Kv1ntCommand } from '../cli/base-command.js';
import { parseNumber } from '../cli/feedback-flags.js';
import { table } from '../cli/render.js';
import { when } from '../cli/terminal.js';
import type { StoredPattern } from '../core/index.js';

export default class Patterns extends Kv1ntCommand {
  static override summary = 'Detect and store recurring patterns in the feedback (all agents without one).';
  static override description = `Five kinds: failure (recurring error fingerprints, and operation kinds that mostly fail), success (operation kinds that keep succeeding), quality (falling scores, a dimension that stays low), performance (durations drifting up, a kind usually over the SLA) and behavior (failures concentrated in one hour of the day, retries).

A pattern needs --min-frequency occurrences and --min-confidence within the last --days (defaults 3, 0.6, 7; also settable under "patterns" in the config). Running again updates the same patterns (same ids); one no longer seen is kept and marked inactive — only by a run with the default settings: a run with other flags sees other patterns and leaves the stored ones as they are.

With --stored, lists the stored patterns (active and inactive) without detecting anything.`;
  static override aliases = ['feedback:patterns'];
  static override examples = [
    '<%= config.bin %> patterns',
    '<%= config.bin %> patterns summarizer --days 30 --min-frequency 5 --json',
    '<%= config.bin %> patterns summarizer --stored',
  ];
  static override args = { agent: Args.string({ description: 'Agent id (every agent when left out)' }) };
  static override flags = {
    days: Flags.string({ description: 'Lookback window in days (default 7).' }),
    'min-frequency': Flags.string({ description: 'Occurrences a pattern needs (default 3).' }),
    'min-confidence': Flags.string({ description: 'Confidence a pattern needs, 0–1 (default 0.6).' }),
    stored: Flags.boolean({
      description: 'List the stored patterns without detecting.',
      exclusive: ['days', 'min-frequency', 'min-confidence'],
    }),
  };

  async run(): Promise<{ patterns: StoredPattern[] }> {
    const { args, flags } = await this.parse(Patterns);
    const number = (flag: string, value: string | undefined) =>
      value === undefined ? undefined : parseNumber(flag, value);
    const core = await this.openCore(flags);
    const request = {
      days: number('--days', flags.days),
      minFrequency: number('--min-frequency', flags['min-frequency']),
      minConfidence: number('--min-confidence', flags['min-confidence']),
    };
    if (args.agent !== undefined) await core.assertKnownAgent(args.agent);
    const patterns = flags.stored
      ? await core.storedPatterns(args.agent)
      : await this.withProgress((progress) => {
          progress.step(`Detecting the patterns of ${args.agent ?? 'every agent'}`);
          return core.patterns(args.agent, request);
        });
    if (!this.jsonEnabled()) {
      this.log(
        patterns.length === 0
          ? flags.stored
            ? 'No stored patterns: run `kv1nt patterns` to detect them.'
            : 'No patterns in the window.'
          : await table(
              [
                'agent',
                'type',
                'description',
                'frequency',
                'confidence',
                'last seen',
                ...(flags.stored ? ['status'] : []),
              ],
              patterns.map((p) => [
                p.agentId,
                p.patternType,
                p.description,
                p.frequency,
                p.confidence.toFixed(2),
                when(p.lastSeen),
                ...(flags.stored ? [p.status] : []),
              ]),
            ),
      );
    }
    return { patterns };
  }
}
