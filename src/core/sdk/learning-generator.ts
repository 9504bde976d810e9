/** A learning generator: turns a stored pattern into learnings. */
import type { AgentInfo, LearningInfo, PatternInfo, PluginConfig, PluginOptions } from './context.js';

/** Turns a stored pattern of the types it handles into learnings. */
export interface LearningGenerator {
  id: string;
  patternTypes: ReadonlyArray<PatternInfo['patternType']>;
  generate(
    pattern: Readonly<PatternInfo>,
    ctx: Readonly<{
      agent: Readonly<AgentInfo>;
      config: PluginConfig;
      /** This plugin's options (`pluginOptions[<plugin name>]`). */
      options: PluginOptions;
      now: Date;
      /** Reports a problem that did not stop the generator: shown in `warnings`. */
      warn(message: string): void;
    }>,
  ):
    | Array<Omit<LearningInfo, 'id' | 'agentId' | 'patternId' | 'createdAt'>>
    | Promise<Array<Omit<LearningInfo, 'id' | 'agentId' | 'patternId' | 'createdAt'>>>;
}
