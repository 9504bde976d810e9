import type { LoadedConfig } from '../config/load.js';
import { agentNotFound, invalidInput } from '../errors.js';
import type { Stores } from '../store/stores.js';
import { knownAgentIds, unknownAgent } from './known.js';
import { purgeAgentHistory } from './purge.js';
import { removeAgent, type Agent } from './registry.js';

export interface RemoveAgentResult {
  /** The agent as it was declared or registered; null for one that only had data. */
  agent: Agent | null;
  /** Whether it was taken out of the registry (a config-declared agent never is). */
  unregistered: boolean;
  purgedEntries: number;
  /** What was left as it was, and why (the config file is never edited). */
  note?: string;
}

/**
 * `kv1nt agents remove`: unregisters a registered agent; with `purge`, deletes the data of any
 * agent that has some — registered, declared in the config (which kv1nt never edits: it stays
 * declared) or known only from its feedback and results.
 */
export async function removeAgentAndData(
  stores: Stores,
  loaded: LoadedConfig,
  declared: Agent | undefined,
  id: string,
  purge: boolean,
): Promise<RemoveAgentResult> {
  if (declared?.source === 'config') {
    const note = `${id} stays declared in ${loaded.file}: kv1nt does not edit the config file.`;
    if (!purge)
      throw invalidInput(`Agent ${id} is declared in ${loaded.file}; remove it from that file.`, [
        `\`kv1nt agents remove ${id} --purge\` deletes its data (the declaration stays in the file).`,
      ]);
    return { agent: declared, unregistered: false, purgedEntries: await purgeAgentHistory(stores, id), note };
  }
  const agent = declared ? await removeAgent(stores, loaded, id) : undefined;
  if (agent)
    return { agent, unregistered: true, purgedEntries: purge ? await purgeAgentHistory(stores, id) : 0 };
  if (!purge) throw agentNotFound(`No registered agent ${id}.`, ['`kv1nt agents list` shows the agents.']);
  const known = await knownAgentIds(stores, [], id);
  if (!known.has(id)) throw unknownAgent(id, known);
  return { agent: null, unregistered: false, purgedEntries: await purgeAgentHistory(stores, id) };
}
