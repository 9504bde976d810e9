import { Kv1ntCommand } from '../../cli/base-command.js';
import { table } from '../../cli/render.js';
import type { Agent } from '../../core/index.js';

export default class AgentsList extends Kv1ntCommand {
  static override summary = 'List the agents declared in the config and registered in the data dir.';
  static override examples = ['<%= config.bin %> agents list', '<%= config.bin %> agents list --json'];

  async run(): Promise<{ agents: Agent[] }> {
    const { flags } = await this.parse(AgentsList);
    const core = await this.openCore(flags);
    const agents = await core.listAgents();
    if (!this.jsonEnabled()) {
      if (agents.length === 0)
        this.log(
          'No agents yet. Add one with `kv1nt agents add <id> --path <dir> --test "<command>"` or in the config.',
        );
      else
        this.log(
          await table(
            ['id', 'from', 'path', 'test', 'sla'],
            agents.map((a) => [
              a.id,
              a.source,
              a.path,
              a.test,
              a.slaMs === undefined ? null : `${a.slaMs} ms`,
            ]),
          ),
        );
    }
    return { agents };
  }
}
