import fs from 'node:fs';
import path from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import { MAX_TIMER_MS, type ParamConfig } from '../config/schema.js';
import { invalidInput, invalidValue, agentExists, agentPathUnsafe, configInvalid } from '../errors.js';
import { assertAgentId } from '../ids.js';
import { ownValue, setOwn } from '../safe-record.js';
import { AGENT_FOLDER_ADVICE, unsafeAgentFolder } from './agent-folder.js';
import type { RegisteredAgent, Stores } from '../store/stores.js';

/** An agent as kv1nt sees it: declared in the config or registered with `agents add`. */
export interface Agent {
  id: string;
  source: 'config' | 'registry';
  /** Absolute folder of the agent. */
  path: string;
  test: string;
  slaMs?: number;
  testTimeoutMs?: number;
  learningsFile?: string;
  guardian?: string;
  params?: Record<string, ParamConfig>;
  /** The config file that declares it (source `config`). */
  configFile?: string;
  addedAt?: string;
}

export interface AddAgentInput {
  id: string;
  path: string;
  test: string;
  slaMs?: number | undefined;
  testTimeoutMs?: number | undefined;
  learningsFile?: string | undefined;
  /** Replace an existing registration. */
  force?: boolean | undefined;
}

/** Config agents win over registered ones of the same id: the config is the reviewed source. */
export async function listAgents(stores: Stores, loaded: LoadedConfig): Promise<Agent[]> {
  const registry = await stores.agents.read();
  const byId = new Map<string, Agent>();
  for (const [id, entry] of Object.entries(registry.agents)) byId.set(id, fromRegistry(id, entry));
  const configDir = loaded.file ? path.dirname(loaded.file) : process.cwd();
  for (const [id, declared] of Object.entries(loaded.config.agents ?? {})) {
    const agent: Agent = { ...declared, id, source: 'config', path: path.resolve(configDir, declared.path) };
    if (loaded.file) agent.configFile = loaded.file;
    byId.set(id, agent);
  }
  return [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
}

export async function findAgent(
  stores: Stores,
  loaded: LoadedConfig,
  id: string,
): Promise<Agent | undefined> {
  assertAgentId(id);
  return (await listAgents(stores, loaded)).find((agent) => agent.id === id);
}

export async function addAgent(
  stores: Stores,
  loaded: LoadedConfig,
  input: AddAgentInput,
  cwd: string,
  now: Date,
): Promise<Agent> {
  const id = assertAgentId(input.id);
  if (ownValue(loaded.config.agents, id)) {
    throw invalidInput(`Agent ${id} is declared in ${loaded.file}; change it there.`);
  }
  const folder = path.resolve(cwd, input.path);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(folder);
  } catch {
    throw invalidInput(`Agent folder ${folder} does not exist.`, [
      'Pass the folder that holds the agent with --path.',
    ]);
  }
  if (!stat.isDirectory()) throw invalidInput(`Agent path ${folder} is not a folder.`);
  const unsafe = unsafeAgentFolder(folder, stores.dataDir.root);
  if (unsafe) throw invalidInput(`Agent folder ${folder} cannot be used: ${unsafe}.`, [AGENT_FOLDER_ADVICE]);
  if (input.test.trim() === '') throw invalidInput('The test command must not be empty.');
  if (input.slaMs !== undefined && !(input.slaMs > 0)) throw invalidValue('slaMs', 'above 0', input.slaMs);
  if (
    input.testTimeoutMs !== undefined &&
    !(Number.isInteger(input.testTimeoutMs) && input.testTimeoutMs > 0 && input.testTimeoutMs <= MAX_TIMER_MS)
  ) {
    throw invalidInput(
      `testTimeoutMs must be a whole number from 1 to ${MAX_TIMER_MS} (the longest timer Node.js runs, about 24.8 days).`,
      [],
      'testTimeoutMs',
    );
  }
  const entry: RegisteredAgent = { path: folder, test: input.test, addedAt: now.toISOString() };
  if (input.slaMs !== undefined) entry.slaMs = input.slaMs;
  if (input.testTimeoutMs !== undefined) entry.testTimeoutMs = input.testTimeoutMs;
  if (input.learningsFile !== undefined) entry.learningsFile = input.learningsFile;
  await stores.agents.update((doc) => {
    const existing = ownValue(doc.agents, id);
    if (existing && !input.force) {
      throw agentExists(id, existing.path);
    }
    setOwn(doc.agents, id, entry);
  });
  return fromRegistry(id, entry);
}

/**
 * Refuses the config when a declared agent's folder cannot be one (see unsafeAgentFolder). Run
 * once the data dir is known: --data-dir or KV1NT_HOME may put it inside an agent folder.
 */
export function checkDeclaredAgentFolders(loaded: LoadedConfig, dataDir: string): void {
  if (!loaded.file) return;
  const problems: string[] = [];
  for (const [id, declared] of Object.entries(loaded.config.agents ?? {})) {
    const folder = path.resolve(path.dirname(loaded.file), declared.path);
    const unsafe = unsafeAgentFolder(folder, dataDir);
    if (unsafe) problems.push(`agents.${id}.path: ${folder} cannot be an agent folder: ${unsafe}`);
  }
  if (problems.length > 0)
    throw configInvalid(`Invalid config ${loaded.file}:\n  ${problems.join('\n  ')}`, [AGENT_FOLDER_ADVICE]);
}

/** Refuses to optimize an agent whose folder cannot be one (the data dir may have moved since). */
export function assertSafeAgentFolder(agent: Agent, dataDir: string): void {
  const unsafe = unsafeAgentFolder(agent.path, dataDir);
  if (unsafe)
    throw agentPathUnsafe(`Agent ${agent.id}'s folder ${agent.path} cannot be used: ${unsafe}.`, [
      AGENT_FOLDER_ADVICE,
    ]);
}

/** Unregisters an agent; its feedback stays unless `purge` is handled by the caller. */
export async function removeAgent(
  stores: Stores,
  loaded: LoadedConfig,
  id: string,
): Promise<Agent | undefined> {
  assertAgentId(id);
  if (ownValue(loaded.config.agents, id)) {
    throw invalidInput(`Agent ${id} is declared in ${loaded.file}; remove it from that file.`);
  }
  let removed: Agent | undefined;
  // Read first so removing an unknown agent writes nothing (and creates no data dir).
  if (!ownValue((await stores.agents.read()).agents, id)) return undefined;
  await stores.agents.update((doc) => {
    const entry = ownValue(doc.agents, id);
    if (entry) removed = fromRegistry(id, entry);
    delete doc.agents[id];
  });
  return removed;
}

function fromRegistry(id: string, entry: RegisteredAgent): Agent {
  return { ...entry, id, source: 'registry' };
}
