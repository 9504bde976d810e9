import { Args, Flags } from '@oclif/core';
import { Kv1ntCommand } from '../cli/base-command.js';
import { renderDiff } from '../cli/diff-view.js';
import { parseNumber } from '../cli/feedback-flags.js';
import { renderHistory, renderResult } from '../cli/optimize-view.js';
import type { OptimizationResult, ResultDiff } from '../core/index.js';

type HistoryOutput = { agentId: string; results: OptimizationResult[] } | OptimizationResult | ResultDiff;

export default class History extends Kv1ntCommand {
  static override summary =
    "An agent's optimization results, newest first; or one result, and what it changed.";
  static override description =
    'With an agent id: its results, newest first. With a result id (`res_…`, or a unique prefix of it): that result. With --diff, the argument is a result id and the output is what each of its applied actions changed, file by file, as unified diffs made by git from the contents kept for rollback (`--json`: `{resultId, agentId, status, rolledBackAt, files: [{path, actionIds, transactionId, change, before, after, state, diff, note}]}`). Files of installed packages (node_modules) are listed without a diff.';
  static override examples = [
    '<%= config.bin %> history summarizer',
    '<%= config.bin %> history summarizer --limit 3 --json',
    '<%= config.bin %> history res_0193ab5f',
    '<%= config.bin %> history 0193ab5f --diff',
  ];
  static override args = {
    target: Args.string({
      description: 'Agent id, or a result id (or a unique prefix of it)',
      required: true,
    }),
  };
  static override flags = {
    limit: Flags.string({ description: 'How many results to show.', default: '10' }),
    diff: Flags.boolean({ description: 'Show what the result changed, as a unified diff per file.' }),
  };

  async run(): Promise<HistoryOutput> {
    const { args, flags } = await this.parse(History);
    const limit = parseNumber('--limit', flags.limit);
    const core = await this.openCore(flags);
    if (flags.diff) {
      const diff = await (await core.records()).diff(args.target);
      this.say(renderDiff(diff));
      return diff;
    }
    if (await namesAResult(core, args.target)) {
      const result = await (await core.records()).result(args.target);
      this.say(renderResult(result));
      return result;
    }
    const results = await core.history(args.target, limit);
    this.say(await renderHistory(args.target, results));
    return { agentId: args.target, results };
  }
}

/** `res_…` names a result, unless an agent has exactly that id (an agent id may start so too). */
async function namesAResult(core: { findAgent(id: string): Promise<unknown> }, target: string) {
  return target.startsWith('res_') && (await core.findAgent(target)) === undefined;
}
