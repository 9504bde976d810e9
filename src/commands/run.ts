import { Args, Flags } from '@oclif/core';
import { Kv1ntCommand } from '../cli/base-command.js';
import { describeEntry } from '../cli/render.js';
import { invalidInput } from '../core/errors.js';
import type { RunRecord } from '../core/index.js';

export default class Run extends Kv1ntCommand {
  static override summary = 'Run a command as one operation of an agent and record its outcome.';
  static override description = `Runs the command with its standard streams passed through, then records a success or a failure with its duration (on failure the error type is exit_<code> or the signal name, or --type-on-failure), and exits with the command's own exit code.

Everything after the first -- is the command, passed on verbatim (a later -- or --json belongs to the command).

With --json the command's stdout is sent to stderr, so that stdout carries only the recorded entry.`;
  static override strict = false;
  static override examples = [
    '<%= config.bin %> run summarizer -- node summarize.js input.txt',
    '<%= config.bin %> run summarizer --operation nightly-batch --type-on-failure batch_failed -- ./batch.sh',
  ];
  static override args = { agent: Args.string({ description: 'Agent id', required: true }) };
  static override flags = {
    operation: Flags.string({ description: 'Operation id to record (default: the command line).' }),
    'type-on-failure': Flags.string({ description: 'Error type to record when the command fails.' }),
  };

  async run(): Promise<RunRecord> {
    const { args, flags, argv } = await this.parse(Run);
    const command = commandAfterDashes(this.argv) ?? (argv as string[]).slice(1);
    if (command.length === 0)
      throw invalidInput('No command to run: put it after --, e.g. `kv1nt run my-agent -- npm test`.');
    const core = await this.openCore(flags);
    const entry = await core.runAndRecord({
      agentId: args.agent,
      command,
      operationId: flags.operation,
      typeOnFailure: flags['type-on-failure'],
      stdoutToStderr: this.jsonEnabled(),
    });
    this.say(describeEntry(entry));
    process.exitCode = entry.exitCode;
    return entry;
  }
}

/**
 * Everything after the first `--`, verbatim. oclif's parser drops a second `--` (so `npm test --
 * --x` lost its own separator and the command became `-- npm …`): the raw argv is the truth.
 */
function commandAfterDashes(raw: readonly string[]): string[] | undefined {
  const index = raw.indexOf('--');
  return index === -1 ? undefined : raw.slice(index + 1);
}
