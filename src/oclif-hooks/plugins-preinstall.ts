/**
 * oclif hook `plugins:preinstall`: lets `kv1nt plugins install` take a local plugin package — a
 * folder (`./my-plugin`, `/abs/dir`) or a tarball made by `npm pack` (`./x.tgz`, `/abs/x.tgz`,
 * `x.tgz`). oclif's installer reads anything with a slash as a GitHub `org/repo` (a long network
 * wait, then a cryptic error) and a bare `x.tgz` as an npm name; a local path becomes the `file:`
 * spec npm installs from instead. A path that does not exist, or a package without the `"oclif"`
 * key oclif requires, is refused here with what to do (exit 2), before npm runs. Anything else (an
 * npm name, a GitHub `org/repo`, a git or https URL) is left to oclif.
 */
import fs from 'node:fs';
import path from 'node:path';
import { looksLocal, localPath, packageProblem } from './local-plugin.js';

type PluginSpec = { type: 'npm'; name: string; tag: string } | { type: 'repo'; url: string };

interface HookContext {
  error(message: string, options?: { exit?: number }): never;
}

const GITHUB = 'https://github.com/';

export default async function pluginsPreinstall(
  this: HookContext,
  options: { plugin: PluginSpec },
): Promise<void> {
  const input = typed(options.plugin);
  if (input === undefined) return;
  const target = localPath(input);
  const problem = await packageProblem(target, input);
  if (problem !== undefined) this.error(problem, { exit: 2 });
  // oclif decides between npm and a URL after this hook, from this same object.
  Object.assign(options.plugin, { type: 'repo', url: `file:${target}` });
}

/** What the user typed, when it names a local path; undefined for anything oclif should handle. */
function typed(plugin: PluginSpec): string | undefined {
  if (plugin.type === 'npm')
    return looksLocal(plugin.name) && plugin.tag === 'latest' ? plugin.name : undefined;
  if (plugin.url.startsWith('file:')) return plugin.url;
  if (!plugin.url.startsWith(GITHUB)) return undefined;
  const input = plugin.url.slice(GITHUB.length);
  // `org/repo` stays a GitHub slug unless a folder of that name is here.
  if (looksLocal(input)) return input;
  return localPathExists(input) ? input : undefined;
}

function localPathExists(input: string): boolean {
  return fs.existsSync(path.join(localPath(input), 'package.json'));
}
