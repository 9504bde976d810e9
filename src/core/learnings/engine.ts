import { createHash } from 'node:crypto';
import type { LoadedGenerator } from '../plugins/validate-plugin.js';
import { invokeComponent, StuckComponents } from '../plugins/invoke.js';
import type { PluginWarning } from '../plugins/run-detectors.js';
import { LEARNING_TYPES, type AgentInfo, type LearningInfo, type PluginConfig } from '../sdk/types.js';
import type { Stores } from '../store/stores.js';

export interface LearningRun {
  learnings: LearningInfo[];
  warnings: PluginWarning[];
}

/**
 * Turns the agent's active patterns into learnings through every generator that handles their
 * type, each call isolated. A learning's id is stable per (agent, generator, pattern, index), so
 * running again updates rather than duplicates, and keeps `createdAt` and `absorbedAt`.
 */
export async function generateLearnings(
  stores: Stores,
  agent: AgentInfo,
  generators: readonly LoadedGenerator[],
  config: PluginConfig,
  perPlugin: {
    limitOf: (plugin: string) => number;
    optionsOf: (plugin: string) => Readonly<Record<string, unknown>>;
  },
  now: Date,
): Promise<LearningRun> {
  const doc = await stores.feedback.read();
  const patterns = doc.patterns.filter((p) => p.agentId === agent.id && p.status !== 'inactive');
  const warnings: PluginWarning[] = [];
  const fresh: LearningInfo[] = [];
  const stuck = new StuckComponents();
  for (const pattern of patterns) {
    for (const loaded of generators) {
      const { plugin, generator } = loaded;
      if (!generator.patternTypes.includes(pattern.patternType) || stuck.skip(generator.id)) continue;
      try {
        const frozen = Object.freeze({ ...pattern });
        const ctx = Object.freeze({
          agent,
          config,
          options: perPlugin.optionsOf(plugin),
          now,
          warn: (message: string) => warnings.push({ plugin, component: generator.id, error: message }),
        });
        const produced = await invokeComponent(
          loaded,
          { kind: 'learningGenerators', id: generator.id },
          { method: 'generate', args: [frozen], ctx, local: () => generator.generate(frozen, ctx) },
          perPlugin.limitOf(plugin),
        );
        if (!Array.isArray(produced)) throw new Error('generate() did not return an array');
        produced.forEach((item, index) => {
          checkLearning(item, index);
          fresh.push({
            id: `lrn_${createHash('sha256')
              .update(JSON.stringify([agent.id, generator.id, pattern.id, index]))
              .digest('hex')
              .slice(0, 20)}`,
            agentId: agent.id,
            learningType: item.learningType,
            title: item.title,
            description: item.description,
            impactScore: Math.round(item.impactScore * 1000) / 1000,
            patternId: pattern.id,
            createdAt: now.toISOString(),
            generator: generator.id,
          });
        });
      } catch (error) {
        stuck.failed(plugin, generator.id, error);
        warnings.push({ plugin, component: generator.id, error: (error as Error).message });
      }
    }
  }
  warnings.push(...stuck.warnings('pattern', 'patterns'));
  const learnings = await stores.feedback.update((stored) => {
    const existing = new Map(
      stored.learningEvents.filter((l) => l.agentId === agent.id).map((l) => [l.id, l]),
    );
    for (const learning of fresh) {
      const previous = existing.get(learning.id);
      existing.set(learning.id, {
        ...learning,
        createdAt: previous?.createdAt ?? learning.createdAt,
        absorbedAt: previous?.absorbedAt ?? null,
      });
    }
    stored.learningEvents = [
      ...stored.learningEvents.filter((l) => l.agentId !== agent.id),
      ...existing.values(),
    ];
    return [...existing.values()].sort((a, b) => b.impactScore - a.impactScore || a.id.localeCompare(b.id));
  });
  return { learnings, warnings };
}

function checkLearning(
  item: unknown,
  index: number,
): asserts item is Pick<LearningInfo, 'learningType' | 'title' | 'description' | 'impactScore'> {
  const l = item as Record<string, unknown> | null;
  if (!l || typeof l !== 'object') throw new Error(`learning ${index} is not an object`);
  if (!(LEARNING_TYPES as readonly unknown[]).includes(l.learningType))
    throw new Error(
      `learning ${index} has learningType ${JSON.stringify(l.learningType)}; expected one of ${LEARNING_TYPES.join(', ')}`,
    );
  if (typeof l.title !== 'string' || l.title === '' || typeof l.description !== 'string')
    throw new Error(`learning ${index} needs a title and a description`);
  if (typeof l.impactScore !== 'number' || !(l.impactScore >= 0 && l.impactScore <= 1))
    throw new Error(`learning ${index} has an impactScore outside [0, 1]`);
}
