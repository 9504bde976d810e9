import { createHash } from 'node:crypto';
import type { FeedbackEntry } from '../feedback/types.js';
import type { PatternInfo } from '../sdk/types.js';
import type { Stores } from '../store/stores.js';
import { byTimestamp, detectPatterns, type PatternOptions } from './detect.js';
import { FINGERPRINT_VERSION } from './fingerprint.js';
import { readWindow } from './window.js';

export interface StoredPattern extends PatternInfo {
  status: 'active' | 'inactive';
  fingerprintVersion: number;
  updatedAt: string;
}

export interface PatternRunOptions extends Omit<PatternOptions, 'slaMs'> {
  days: number;
}

export function patternId(agentId: string, patternType: string, signature: string): string {
  return `pat_${createHash('sha256')
    .update(JSON.stringify([agentId, patternType, signature]))
    .digest('hex')
    .slice(0, 20)}`;
}

/**
 * The window's entries of the given agents (all agents when `agentIds` is undefined), each
 * agent's sorted by timestamp (ties in log order). Reads only what can hold the window.
 */
export function windowEntries(
  stores: Stores,
  agentIds: ReadonlySet<string> | undefined,
  from: number,
  to: number,
): Map<string, FeedbackEntry[]> {
  const fromIso = new Date(from).toISOString();
  const toIso = new Date(to + 300_000).toISOString();
  const byAgent = readWindow(stores, agentIds, fromIso, toIso);
  for (const list of byAgent.values()) list.sort(byTimestamp);
  return byAgent;
}

/**
 * Detects the patterns of each agent and stores them: same (agent, type, signature) → same id,
 * updated in place; a stored pattern not seen this time is marked inactive, not deleted.
 */
export async function runPatterns(
  stores: Stores,
  agents: ReadonlyArray<{ id: string; slaMs: number | null }>,
  allAgents: boolean,
  options: PatternRunOptions,
  now: Date,
): Promise<StoredPattern[]> {
  const to = now.getTime();
  const entries = windowEntries(
    stores,
    allAgents ? undefined : new Set(agents.map((a) => a.id)),
    to - options.days * 86_400_000,
    to,
  );
  const targets = new Map(agents.map((agent) => [agent.id, agent.slaMs]));
  if (allAgents) for (const id of entries.keys()) if (!targets.has(id)) targets.set(id, null);
  const at = now.toISOString();
  return stores.feedback.update((doc) => {
    const result: StoredPattern[] = [];
    for (const [agentId, slaMs] of targets) {
      const found = detectPatterns(entries.get(agentId) ?? [], { ...options, slaMs });
      const existing = new Map(
        (doc.patterns as unknown as StoredPattern[])
          .filter((p) => p.agentId === agentId)
          .map((p) => [p.id, p]),
      );
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
      for (const pattern of existing.values()) {
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
