import { Args, Flags } from '@oclif/core';
import { Kv1ntCommand } from '../../cli/base-command.js';
import { renderEntries } from '../../cli/feedback-io-view.js';
import { FEEDBACK_SOURCES, FEEDBACK_TYPES, LIST_LIMIT_MAX, type FeedbackEntry } from '../../core/index.js';

export default class FeedbackList extends Kv1ntCommand {
  static override summary = 'List recorded feedback entries, newest first.';
  static override description = `Newest first by timestamp (at equal times, the one stored later first). --since and --until take an ISO-8601 time (2026-01-31, 2026-01-31T12:00:00Z) or a duration back from now (30m, 24h, 7d); both bounds are inclusive. A small --limit reads only the newest segments of the log, however long the history. With --json, an array of the entries.`;
  static override examples = [
    '<%= config.bin %> feedback list',
    '<%= config.bin %> feedback list summarizer --type failure --since 24h',
    '<%= config.bin %> feedback list --error-type timeout --limit 200 --json',
  ];
  static override args = {
    agent: Args.string({ description: 'Only this agent' }),
  };
  static override flags = {
    type: Flags.string({ description: `Only this type: ${FEEDBACK_TYPES.join(', ')}.` }),
    source: Flags.string({ description: `Only this source: ${FEEDBACK_SOURCES.join(', ')}.` }),
    'error-type': Flags.string({ description: 'Only failures of this error type.' }),
    operation: Flags.string({ description: 'Only this operation id.' }),
    since: Flags.string({ description: 'From this time on (ISO-8601, or a duration back such as 7d).' }),
    until: Flags.string({ description: 'Up to this time (ISO-8601, or a duration back such as 1h).' }),
    limit: Flags.integer({
      description: 'At most this many entries.',
      default: 50,
      min: 1,
      max: LIST_LIMIT_MAX,
    }),
  };

  async run(): Promise<FeedbackEntry[]> {
    const { args, flags } = await this.parse(FeedbackList);
    const core = await this.openCore(flags);
    const entries = core.desk.list(
      {
        agentId: args.agent,
        type: flags.type,
        source: flags.source,
        errorType: flags['error-type'],
        operationId: flags.operation,
        since: flags.since,
        until: flags.until,
      },
      flags.limit,
    );
    if (!this.jsonEnabled())
      this.log(await renderEntries(entries, process.stdout.isTTY ? process.stdout.columns : undefined));
    return entries;
  }
}
