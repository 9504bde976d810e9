import { Args } from '@oclif/core';
import { Kv1ntCommand } from '../cli/base-command.js';
import { table } from '../cli/render.js';
import type { LearningRun } from '../core/index.js';

export default class Learnings extends Kv1ntCommand {
  static override summary = "Turn an agent's stored patterns into learnings, and list them.";
  static override description = `Each active pattern goes through the learning generators that handle its type (built-in: error_avoidance from failures, skill_enhancement from operation kinds that mostly fail, positive_reinforcement from successes, optimization from quality and performance, pattern_recognition from behaviour). Each learning says what happens, when, how often and what to do, with an impact score in [0, 1]. Idempotent: running again updates the same learnings. Run \`kv1nt patterns\` first.`;
  static override examples = [
    '<%= config.bin %> patterns summarizer && <%= config.bin %> learnings summarizer',
    '<%= config.bin %> learnings summarizer --json',
  ];
  static override args = { agent: Args.string({ description: 'Agent id', required: true }) };

  async run(): Promise<LearningRun> {
    const { args, flags } = await this.parse(Learnings);
    const core = await this.openCore(flags);
    const run = await core.learnings(args.agent);
    if (!this.jsonEnabled()) {
      this.log(
        run.learnings.length === 0
          ? `No learnings for ${args.agent}: no active patterns (run \`kv1nt patterns ${args.agent}\` first).`
          : await table(
              ['type', 'impact', 'title', 'absorbed'],
              run.learnings.map((l) => [
                l.learningType,
                l.impactScore.toFixed(2),
                l.title,
                l.absorbedAt ? 'yes' : 'no',
              ]),
            ),
      );
      for (const warning of run.warnings)
        this.log(
          `! ${warning.plugin}${warning.component ? ` / ${warning.component}` : ''}: ${warning.error}`,
        );
    }
    return run;
  }
}
