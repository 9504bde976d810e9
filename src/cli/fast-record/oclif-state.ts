import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** package.json's `oclif.dirname`: the folder name of oclif's data and config dirs. */
export const OCLIF_DIRNAME = 'kv1nt';

/** Variables that make oclif itself do more: debug output, JSON output forced. */
const OCLIF_VARIABLES = ['DEBUG', 'KV1NT_DEBUG', 'KV1NT_CONTENT_TYPE'];

/**
 * Whether oclif, loaded, would do anything for a record command besides running it: a plugin the
 * user installed or linked with `kv1nt plugins` (it could bring its own `feedback success`, or
 * hooks), a colour theme for JSON, one of OCLIF_VARIABLES, Windows' own dirs. Then the fast path
 * steps aside. The dirs are oclif's (Config.load and Config.dir in @oclif/core).
 */
export function oclifWouldDoMore(env: NodeJS.ProcessEnv): boolean {
  if (process.platform === 'win32' || OCLIF_VARIABLES.some((name) => env[name])) return true;
  const home = env.HOME || os.homedir() || os.tmpdir();
  const dataDir =
    env.KV1NT_DATA_DIR || path.join(env.XDG_DATA_HOME || path.join(home, '.local/share'), OCLIF_DIRNAME);
  const configDir =
    env.KV1NT_CONFIG_DIR || path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), OCLIF_DIRNAME);
  return (
    hasUserPlugins(path.join(dataDir, 'package.json')) || fs.existsSync(path.join(configDir, 'theme.json'))
  );
}

/** oclif's user plugins file lists a plugin (or cannot be read: oclif would say so). */
function hasUserPlugins(file: string): boolean {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
  try {
    const plugins = (JSON.parse(text) as { oclif?: { plugins?: unknown } } | null)?.oclif?.plugins;
    return plugins !== undefined && (!Array.isArray(plugins) || plugins.length > 0);
  } catch {
    return true;
  }
}
