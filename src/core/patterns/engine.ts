import { createHash } from 'node:crypto';
import type { Stores } from '../store/stores.js';
import { PatternAccumulator, type PatternOptions } from './detect.js';
import { FINGERPRINT_VERSION } from './fingerprint.js';
import { detectWindow } from './two-readers.js';
import { windowBounds } from './window.js';

export { windowBounds };

import type { StoredPattern } from '../model/knowledge.js';

export type { StoredPattern };

export interface PatternRunOptions extends Omit<PatternOptions, 'slaMs'> {
  days: number;
  /**
   * Mark the agents' stored patterns not found this time inactive. Only a run with the default
   * settings may: a run with others (`--min-frequency 50`) does not see what the defaults see.
   */
  deactivateUnseen?: boolean;
}

export function patternId(agentId: string, patternType: string, signature: string): string {
  return `pat_${createHash('sha256')
    .update(JSON.stringify([agentId, patternType, signature]))
    .digest('hex')
    .slice(0, 20)}`;
}

/**
 * Detects the patterns of each agent and stores them: same (agent, type, signature) → same id,
 * updated in place; a stored pattern not seen this time is marked inactive, not deleted (only by
 * a run with `deactivateUnseen`).
 */
export async function runPatterns(
  stores: Stores,
  agents: ReadonlyArray<{ id: string; slaMs: number | null }>,
  allAgents: boolean,
  options: PatternRunOptions,
  now: Date,
): Promise<StoredPattern[]> {
  const to = now.getTime();
  const targets = new Map(agents.map((agent) => [agent.id, agent.slaMs]));
  // Each entry is folded into its agent's detection as it is read: the window is never held.
  const { accumulators } = await detectWindow(
    stores.log,
    allAgents ? undefined : new Set(targets.keys()),
    ...windowBounds(to - options.days * 86_400_000, to),
    targets,
  );
  if (allAgents) for (const id of accumulators.keys()) if (!targets.has(id)) targets.set(id, null);
  const at = now.toISOString();
  return stores.feedback.update((doc) => {
    const result: StoredPattern[] = [];
    for (const [agentId, slaMs] of targets) {
      const found = (accumulators.get(agentId) ?? new PatternAccumulator(slaMs)).patterns({
        ...options,
        slaMs,
      });
      const existing = new Map(doc.patterns.filter((p) => p.agentId === agentId).map((p) => [p.id, p]));
      const seen = new Set<string>();
      for (const candidate of found) {
        const id = patternId(agentId, candidate.patternType, candidate.signature);
        seen.add(id);
        const previous = existing.get(id);
        const pattern: StoredPattern = {
          id,
          agentId,
          patternType: candidate.patternType,
          signature: candidate.signature,
          description: candidate.description,
          frequency: candidate.frequency,
          confidence: candidate.confidence,
          firstSeen:
            previous && previous.firstSeen < candidate.firstSeen ? previous.firstSeen : candidate.firstSeen,
          lastSeen: candidate.lastSeen,
          examples: candidate.examples,
          ...candidate.extra,
          status: 'active',
          fingerprintVersion: FINGERPRINT_VERSION,
          createdAt: typeof previous?.createdAt === 'string' ? previous.createdAt : at,
          updatedAt: at,
        };
        existing.set(id, pattern);
        result.push(pattern);
      }
      for (const pattern of options.deactivateUnseen === false ? [] : existing.values()) {
        if (!seen.has(pattern.id) && pattern.status !== 'inactive') {
          pattern.status = 'inactive';
          pattern.updatedAt = at;
        }
      }
      doc.patterns = [
        ...doc.patterns.filter((p) => p.agentId !== agentId),
        ...(existing.values() as Iterable<StoredPattern & Record<string, unknown>>),
      ];
    }
    return result;
  });
}

/** The stored patterns of one agent or all, as the last detection left them: most frequent first. */
export async function storedPatterns(stores: Stores, agentId: string | undefined): Promise<StoredPattern[]> {
  const doc = await stores.feedback.read();
  return doc.patterns
    .filter((p) => agentId === undefined || p.agentId === agentId)
    .sort(
      (a, b) =>
        a.agentId.localeCompare(b.agentId) || b.frequency - a.frequency || b.confidence - a.confidence,
    );
}
