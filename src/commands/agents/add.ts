import { Args, Flags } from '@oclif/core';
import { Kv1ntCommand } from '../../cli/base-command.js';
import { parseNumber } from '../../cli/feedback-flags.js';
import type { Agent } from '../../core/index.js';

export default class AgentsAdd extends Kv1ntCommand {
  static override summary = 'Register an agent: its folder and its test command.';
  static override description =
    'Registers the agent in the data dir. Agents can also be declared in the config (`agents` key), which takes precedence. The folder must exist; a relative --path is resolved from the current folder.';
  static override examples = [
    '<%= config.bin %> agents add summarizer --path ./agents/summarizer --test "npm test"',
    '<%= config.bin %> agents add summarizer --path ./agents/summarizer --test "npm test" --sla-ms 2000 --force',
  ];
  static override args = { id: Args.string({ description: 'Agent id', required: true }) };
  static override flags = {
    path: Flags.string({ description: "The agent's folder.", required: true }),
    test: Flags.string({ description: "The agent's test command, run in its folder.", required: true }),
    'sla-ms': Flags.string({ description: 'Response-time target in milliseconds.' }),
    'test-timeout-ms': Flags.string({ description: 'Time limit of one test run (default 600000).' }),
    'learnings-file': Flags.string({ description: 'File in the agent folder that receives learnings.' }),
    force: Flags.boolean({ description: 'Replace an existing registration.' }),
  };

  async run(): Promise<Agent> {
    const { args, flags } = await this.parse(AgentsAdd);
    const core = await this.openCore(flags);
    const agent = await core.addAgent({
      id: args.id,
      path: flags.path,
      test: flags.test,
      slaMs: flags['sla-ms'] === undefined ? undefined : parseNumber('--sla-ms', flags['sla-ms']),
      testTimeoutMs:
        flags['test-timeout-ms'] === undefined
          ? undefined
          : parseNumber('--test-timeout-ms', flags['test-timeout-ms']),
      learningsFile: flags['learnings-file'],
      force: flags.force,
    });
    this.say(`Registered agent ${agent.id} at ${agent.path} (test: ${agent.test}).`);
    return agent;
  }
}
