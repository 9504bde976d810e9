import { checkDeclaredAgentFolders } from './agents/registry.js';
import { loadConfig, type LoadedConfig } from './config/load.js';
import { dataDirOf } from './paths.js';
import type { CoreOptions } from './requests.js';

export interface CoreSetup {
  loaded: LoadedConfig;
  dataDir: string;
  cwd: string;
}

/** The config and the data dir that `options` name, checked: the first step of every open. */
export async function resolveSetup(options: CoreOptions): Promise<CoreSetup> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const loaded = await loadConfig(cwd, options.config ?? env.KV1NT_CONFIG);
  const dataDir = dataDirOf(loaded, options.dataDir, env, cwd);
  checkDeclaredAgentFolders(loaded, dataDir);
  return { loaded, dataDir, cwd };
}
