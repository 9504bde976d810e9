/**
 * oclif hook `plugins:preinstall`: lets `kv1nt plugins install <path>` take a plain local folder.
 * oclif's installer reads `./my-plugin` or `../x/y` as a GitHub `org/repo` (and a bare `my-plugin` as
 * an npm name); when the argument names a folder with a package.json here, it becomes the `file:`
 * URL npm installs from instead. Anything else is left to oclif.
 */
import fs from 'node:fs';
import path from 'node:path';

interface PreinstallOptions {
  plugin: { type: 'npm'; name: string; tag: string } | { type: 'repo'; url: string };
}

const GITHUB = 'https://github.com/';

export default async function pluginsPreinstall(options: PreinstallOptions): Promise<void> {
  const plugin = options.plugin;
  if (plugin.type !== 'repo' || !plugin.url.startsWith(GITHUB)) return;
  const folder = path.resolve(plugin.url.slice(GITHUB.length));
  if (!fs.existsSync(path.join(folder, 'package.json'))) return;
  (plugin as { url: string }).url = `file:${folder}`;
  return Promise.resolve();
}
