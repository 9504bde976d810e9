import { resolveId, type IdKind } from './id-prefix.js';
import type { Stores } from './store/stores.js';

/** The whole id of the stored row that `typed` names (a whole id or a unique prefix; see id-prefix.ts). */
export async function resolveStoredId(stores: Stores, kind: IdKind, typed: string): Promise<string> {
  return resolveId(kind, typed, await storedIds(stores, kind));
}

async function storedIds(stores: Stores, kind: IdKind): Promise<string[]> {
  if (kind === 'learning' || kind === 'pattern') {
    const doc = await stores.feedback.read();
    return (kind === 'learning' ? doc.learningEvents : doc.patterns).map((row) => row.id);
  }
  const doc = await stores.optimization.read();
  const rows = {
    result: doc.optimizationResults,
    plan: doc.optimizationPlans,
    opportunity: doc.opportunities,
    verification: doc.verifications,
  }[kind];
  return rows.map((row) => row.id);
}
