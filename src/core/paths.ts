import { homedir } from 'node:os';
import path from 'node:path';
import type { LoadedConfig } from './config/load.js';
import { Kv1ntError, EXIT_USAGE } from './errors.js';

export interface DataDirSources {
  flag?: string | undefined;
  env?: string | undefined;
  /** `dataDir` from the config, already resolved against the config file's folder. */
  config?: string | undefined;
}

/** `--data-dir` > `KV1NT_HOME` > config `dataDir` > `~/.kv1nt` (contract §0). */
export function resolveDataDir(sources: DataDirSources, cwd: string = process.cwd()): string {
  const chosen = [sources.flag, sources.env].find((value) => value !== undefined && value !== '');
  if (chosen !== undefined) return path.resolve(cwd, chosen);
  if (sources.config !== undefined && sources.config !== '') return path.resolve(sources.config);
  return path.join(homedir(), '.kv1nt');
}

/** The data dir of a run: `flag`, else KV1NT_HOME, else the config's `dataDir` (relative to its file). */
export function dataDirOf(
  loaded: LoadedConfig,
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  cwd: string,
): string {
  const configDir = loaded.file ? path.dirname(loaded.file) : cwd;
  const fromConfig =
    loaded.config.dataDir === undefined ? undefined : path.resolve(configDir, loaded.config.dataDir);
  return resolveDataDir({ flag, env: env.KV1NT_HOME, config: fromConfig }, cwd);
}

/**
 * Joins `parts` under `root` and proves the result stays inside it. Containment is checked on the
 * resolved path, not by string prefix: `..foo` is a fine name, `../foo` is not.
 */
export function containedPath(root: string, ...parts: string[]): string {
  const base = path.resolve(root);
  const target = path.resolve(base, ...parts);
  if (!isInside(base, target)) {
    throw new Kv1ntError(
      'PATH_ESCAPE',
      `Refusing path ${JSON.stringify(parts.join('/'))}: it resolves outside ${base}.`,
      {
        exit: EXIT_USAGE,
      },
    );
  }
  return target;
}

export function isInside(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  return (
    relative === '' ||
    (!relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative))
  );
}
