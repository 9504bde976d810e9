import { Args, Flags } from '@oclif/core';
import { Kv1ntCommand } from '../cli/base-command.js';
import { invalidInput } from '../core/errors.js';
import { parseOlderThan, pruneOlderThan, type PruneResult } from '../core/index.js';

export default class Prune extends Kv1ntCommand {
  static override summary = 'Delete feedback entries older than an age (--dry-run counts them).';
  static override description = `Deletes the entries of the agent (or of every agent) timestamped before now minus --older-than, then rebuilds the aggregates. The age is a whole number and a unit: d (days), w (weeks), mo (30 days), y (365 days) — 90d, 12w, 6mo, 1y. The last 24 hours are never deleted: an age under 1d is refused.

Deleting asks for confirmation on a terminal; elsewhere (scripts, --json) it needs --yes. --dry-run only counts and needs no confirmation. Each log segment is rewritten atomically: a crash mid-prune leaves every segment whole, and running prune again finishes the job. Config "retention": {"days": N} makes every \`kv1nt cycle\` do the same (docs/feedback.md#retention).`;
  static override examples = [
    '<%= config.bin %> prune --older-than 90d --dry-run',
    '<%= config.bin %> prune --older-than 6mo --yes',
    '<%= config.bin %> prune summarizer --older-than 12w --yes --json',
  ];
  static override args = { agent: Args.string({ description: 'Only this agent (default: every agent)' }) };
  static override flags = {
    'older-than': Flags.string({
      description: 'Age of the entries to delete: 90d, 12w, 6mo, 1y.',
      required: true,
    }),
    'dry-run': Flags.boolean({ description: 'Count what would be deleted; delete nothing.' }),
    yes: Flags.boolean({ char: 'y', description: 'Delete without asking.' }),
  };

  async run(): Promise<PruneResult> {
    const { args, flags } = await this.parse(Prune);
    const olderThanDays = parseOlderThan('--older-than', flags['older-than']);
    const core = await this.openCore(flags);
    const request = { olderThanDays, agentId: args.agent };
    const whose = args.agent === undefined ? 'every agent' : args.agent;
    if (!flags['dry-run'] && !flags.yes) {
      const counted = await pruneOlderThan(core, { ...request, dryRun: true });
      if (!(await this.confirmDeletion(counted, whose))) {
        this.say('Nothing deleted.');
        return { ...counted, dryRun: true, removed: 0, agents: {} };
      }
    }
    const result = await pruneOlderThan(core, { ...request, dryRun: flags['dry-run'] });
    const entries = `${result.removed} feedback entr${result.removed === 1 ? 'y' : 'ies'}`;
    this.say(
      result.dryRun
        ? `Would delete ${entries} of ${whose} older than ${result.cutoff} (dry run: nothing deleted).`
        : `Deleted ${entries} of ${whose} older than ${result.cutoff}; the aggregates are rebuilt.`,
    );
    for (const [agent, count] of Object.entries(result.agents)) this.say(`  ${agent}: ${count}`);
    return result;
  }

  /** On a terminal, asks (unless nothing is old enough); elsewhere --yes is needed (exit 2, nothing deleted). */
  private async confirmDeletion(counted: PruneResult, whose: string): Promise<boolean> {
    const interactive = !this.jsonEnabled() && Boolean(process.stdin.isTTY) && Boolean(process.stderr.isTTY);
    if (!interactive)
      throw invalidInput(
        `Not deleting without confirmation (${counted.removed} feedback entries of ${whose} are older than ${counted.cutoff}): not a terminal, and no --yes.`,
        ['Add --yes to delete them, or --dry-run to count only.'],
      );
    if (counted.removed === 0) return true;
    const { default: confirm } = await import('@inquirer/confirm');
    return confirm(
      {
        message: `Delete ${counted.removed} feedback entries of ${whose} older than ${counted.cutoff}?`,
        default: false,
      },
      { output: process.stderr },
    );
  }
}
