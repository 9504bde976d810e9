import { distance } from 'fastest-levenshtein';
import { EXIT_USAGE, Kv1ntError } from '../errors.js';
import { refreshAggregates } from '../feedback/aggregate-index.js';
import type { Stores } from '../store/stores.js';
import type { Agent } from './registry.js';

/**
 * The known id closest to `id` by edit distance, if it is close enough to be a typo: at most a
 * third of the id's length, and at least 2 edits allowed (`sumarizer` → `summarizer`).
 */
export function didYouMean(id: string, known: Iterable<string>): string | null {
  const limit = Math.max(2, Math.floor(id.length / 3));
  let best: { id: string; distance: number } | null = null;
  for (const candidate of known) {
    const d = distance(id.toLowerCase(), candidate.toLowerCase());
    if (d <= limit && (best === null || d < best.distance)) best = { id: candidate, distance: d };
  }
  return best?.id ?? null;
}

/**
 * An agent that is neither declared nor has any feedback or optimization history: most likely a
 * typo, which must not pass a gate with "no data" (exit 2, nothing written).
 */
export function unknownAgent(id: string, known: Iterable<string>): Kv1ntError {
  const suggestion = didYouMean(id, known);
  const error = new Kv1ntError(
    'AGENT_NOT_FOUND',
    `Unknown agent ${id}: it is not declared (config or \`kv1nt agents add\`) and has no feedback.`,
    {
      exit: EXIT_USAGE,
      suggestions: [
        ...(suggestion === null ? [] : [`Did you mean ${suggestion}?`]),
        '`kv1nt agents list` shows the declared agents, `kv1nt stats` those with feedback; recording feedback for a new agent (`kv1nt feedback record …`) makes it known.',
      ],
    },
  );
  return Object.assign(error, { didYouMean: suggestion });
}

/**
 * The ids of the agents kv1nt knows of: declared, with feedback, or with optimization results.
 * Stops reading stores once `wanted` is found (the usual case costs only the registry).
 */
export async function knownAgentIds(
  stores: Stores,
  declared: readonly Agent[],
  wanted?: string,
): Promise<Set<string>> {
  const known = new Set(declared.map((agent) => agent.id));
  if (wanted !== undefined && known.has(wanted)) return known;
  for (const id of Object.keys((await refreshAggregates(stores)).agents)) known.add(id);
  if (wanted !== undefined && known.has(wanted)) return known;
  for (const row of (await stores.optimization.read()).optimizationResults) known.add(row.agentId);
  return known;
}
