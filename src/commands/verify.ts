import { Args } from '@oclif/core';
import { Kv1ntCommand } from '../cli/base-command.js';
import { renderVerifications } from '../cli/verify-view.js';
import type { Verification } from '../core/index.js';

export default class Verify extends Kv1ntCommand {
  static override summary = 'Judge kept changes on the feedback that followed them, and list the verdicts.';
  static override description = `Every change kv1nt keeps opens a verification. Once verify.minEntries (default 30) feedback entries have been recorded after the change, it is compared with the week before it: the success rate and the targeted error's share by Fisher's exact test, durations of successful operations and quality scores by the Mann–Whitney U test, at verify.alpha (default 0.05). Verdicts: confirmed (the metric its opportunity named improved, nothing guarded got worse), no_effect, regressed (the success rate, successful durations or quality got significantly worse: rolled back through its journal unless verify.onRegression is "report"), and inconclusive (not enough feedback within verify.maxWait, default 7d).

This command decides what can be decided, then lists every verification, newest first; analyze, optimize and cycle decide first too. See docs/how-kv1nt-decides.md.`;
  static override examples = [
    '<%= config.bin %> verify',
    '<%= config.bin %> verify summarizer',
    '<%= config.bin %> verify summarizer --json',
  ];
  static override args = { agent: Args.string({ description: 'Agent id (all agents when left out)' }) };

  async run(): Promise<Verification[]> {
    const { args, flags } = await this.parse(Verify);
    const core = await this.openCore(flags);
    const { decided, verifications } = await core.verify(args.agent);
    if (!this.jsonEnabled()) this.log(await renderVerifications(verifications, decided, core.now()));
    return verifications;
  }
}
