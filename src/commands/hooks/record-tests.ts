import os from 'node:os';
import path from 'node:path';
import { Args, Flags } from '@oclif/core';
import { Kv1ntCommand } from '../../cli/base-command.js';
import { logWorkerError, type CommitTestOutcome } from '../../core/index.js';

export default class HooksRecordTests extends Kv1ntCommand {
  static override hidden = true;
  static override summary =
    "Run agents' tests for a commit and record the outcome as test feedback (internal).";
  static override description =
    'Started in the background by the post-commit hook. Each outcome is a success or failure entry of source `test`, operation `commit-<short sha>`. Errors go to hooks/errors.log in the data dir: nobody is watching this process.';
  static override args = { commit: Args.string({ description: 'The commit sha', required: true }) };
  static override flags = {
    agent: Flags.string({ description: 'An agent to test (repeatable).', multiple: true, required: true }),
  };

  async run(): Promise<{ commit: string; outcomes: CommitTestOutcome[] }> {
    const { args, flags } = await this.parse(HooksRecordTests);
    try {
      const core = await this.openCore(flags);
      return { commit: args.commit, outcomes: await core.recordCommitTests(flags.agent, args.commit) };
    } catch (error) {
      const dataDir = flags['data-dir'] ?? process.env.KV1NT_HOME ?? path.join(os.homedir(), '.kv1nt');
      logWorkerError(
        dataDir,
        `post-commit ${args.commit}: ${error instanceof Error ? error.message : String(error)}`,
      );
      process.exitCode = 0;
      return { commit: args.commit, outcomes: [] };
    }
  }
}
