import { Args, Flags } from '@oclif/core';
import { Kv1ntCommand } from '../../cli/base-command.js';
import type { RemoveAgentResult } from '../../core/index.js';

export default class AgentsRemove extends Kv1ntCommand {
  static override summary = 'Unregister an agent (its history stays unless --purge).';
  static override description =
    'Removes a registered agent. With --purge its feedback entries, patterns, learnings, optimization records and verifications are deleted too (this rewrites the feedback log) — for any agent that has data: registered, known only from its feedback, or declared in the config file (which kv1nt never edits: the agent stays declared there).';
  static override examples = [
    '<%= config.bin %> agents remove summarizer',
    '<%= config.bin %> agents remove summarizer --purge',
  ];
  static override args = { id: Args.string({ description: 'Agent id', required: true }) };
  static override flags = { purge: Flags.boolean({ description: "Also delete the agent's history." }) };

  async run(): Promise<RemoveAgentResult> {
    const { args, flags } = await this.parse(AgentsRemove);
    const core = await this.openCore(flags);
    const result = await core.removeAgent(args.id, { purge: flags.purge });
    const entries = `${result.purgedEntries} feedback entr${result.purgedEntries === 1 ? 'y' : 'ies'}`;
    if (result.unregistered) this.say(`Removed agent ${args.id}${flags.purge ? ` and ${entries}` : ''}.`);
    else this.say(`Deleted the data of agent ${args.id}: ${entries}, its patterns and optimization records.`);
    if (result.note) this.say(result.note);
    return result;
  }
}
