import { Args, Flags } from '@oclif/core';
import { Kv1ntCommand } from '../cli/base-command.js';
import { parseNumber } from '../cli/feedback-flags.js';
import { renderHistory } from '../cli/optimize-view.js';
import type { OptimizationResult } from '../core/index.js';

export default class History extends Kv1ntCommand {
  static override summary = "An agent's optimization results, newest first.";
  static override examples = [
    '<%= config.bin %> history summarizer',
    '<%= config.bin %> history summarizer --limit 3 --json',
  ];
  static override args = { agent: Args.string({ description: 'Agent id', required: true }) };
  static override flags = {
    limit: Flags.string({ description: 'How many results to show.', default: '10' }),
  };

  async run(): Promise<{ agentId: string; results: OptimizationResult[] }> {
    const { args, flags } = await this.parse(History);
    const core = await this.openCore(flags);
    const results = await core.history(args.agent, parseNumber('--limit', flags.limit));
    this.say(await renderHistory(args.agent, results));
    return { agentId: args.agent, results };
  }
}
