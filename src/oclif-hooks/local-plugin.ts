/**
 * A plugin package on disk — a folder, or a tarball made by `npm pack` — as `kv1nt plugins
 * install|link` is given it: what the user typed resolved to a path, and the check oclif's plugin
 * manager makes later with only "plugin is invalid" to say.
 */
import fs from 'node:fs';
import path from 'node:path';
import { list } from 'tar';

const TARBALL = /\.(tgz|tar\.gz|tar)$/i;

/** Whether `input` can only mean a local path (not an npm name or a GitHub `org/repo`). */
export function looksLocal(input: string): boolean {
  return /^(\.{1,2}([/\\]|$)|[/\\~]|[A-Za-z]:[/\\]|file:)/.test(input) || TARBALL.test(input);
}

/** The absolute path `input` names (`file:` URLs as npm reads them: relative to the working folder). */
export function localPath(input: string): string {
  const bare = input.startsWith('file:') ? input.slice('file:'.length).replace(/^\/\/(?=\/)/, '') : input;
  return path.resolve(bare.startsWith('~/') ? path.join(process.env.HOME ?? '~', bare.slice(2)) : bare);
}

export function isTarball(file: string): boolean {
  return TARBALL.test(file) && fs.statSync(file).isFile();
}

/**
 * The reason the package at `target` cannot be installed or linked as a kv1nt plugin, with what to
 * do about it; undefined when it can.
 */
export async function packageProblem(target: string, input: string): Promise<string | undefined> {
  if (!fs.existsSync(target))
    return `${input}: there is no file or folder ${target}. Give the path of a plugin package's folder or of a tarball made with npm pack.`;
  const pjson = isTarball(target) ? await tarballPackageJson(target) : folderPackageJson(target);
  if (typeof pjson === 'string') return `${input}: ${pjson}`;
  if (pjson.oclif === undefined)
    return `${input}: its package.json has no "oclif" key, which kv1nt plugins install and link require. Add "oclif": {} to the package.json of ${typeof pjson.name === 'string' ? pjson.name : target} (see docs/plugins.md, "Packaging and publishing").`;
  return undefined;
}

function folderPackageJson(folder: string): Record<string, unknown> | string {
  const file = path.join(folder, 'package.json');
  if (!fs.statSync(folder).isDirectory() || !fs.existsSync(file))
    return `${folder} is not a package: it has no package.json`;
  return parsed(fs.readFileSync(file, 'utf8'), file);
}

/** package.json of a tarball from npm pack (every file under `package/`). */
async function tarballPackageJson(file: string): Promise<Record<string, unknown> | string> {
  let text: string | undefined;
  try {
    await list({
      file,
      filter: (entry) => entry.split('/').length === 2 && entry.endsWith('/package.json'),
      onReadEntry: (entry) => {
        const chunks: Buffer[] = [];
        entry.on('data', (chunk: Buffer) => chunks.push(chunk));
        entry.on('end', () => (text ??= Buffer.concat(chunks).toString('utf8')));
      },
    });
  } catch (error) {
    return `${file} is not a readable tarball (${(error as Error).message})`;
  }
  if (text === undefined) return `${file} has no package.json at its top (make it with npm pack)`;
  return parsed(text, `package.json in ${file}`);
}

function parsed(text: string, where: string): Record<string, unknown> | string {
  try {
    const value = JSON.parse(text) as unknown;
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // Reported below.
  }
  return `${where} is not a JSON object`;
}
