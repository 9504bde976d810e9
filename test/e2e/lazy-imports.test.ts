import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { kv1nt, tempDir } from '../helpers/cli.js';

/**
 * execa costs ~150 ms to import: only the commands that start a process may load it. A loader hook
 * (node --import) writes every module URL the CLI resolves to a file, which the test reads.
 */
function modulesLoadedBy(args: string[]): string[] {
  const dir = tempDir({
    'hooks.mjs': [
      "import fs from 'node:fs';",
      'export async function resolve(specifier, context, next) {',
      '  const resolved = await next(specifier, context);',
      '  fs.appendFileSync(process.env.KV1NT_TEST_MODULES_FILE, `${resolved.url}\\n`);',
      '  return resolved;',
      '}',
    ].join('\n'),
    'register.mjs': "import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n",
  });
  const list = path.join(dir, 'modules.txt');
  const run = kv1nt(path.join(dir, 'data'), args, {
    env: {
      NODE_OPTIONS: `--import=${pathToFileURL(path.join(dir, 'register.mjs')).href}`,
      KV1NT_TEST_MODULES_FILE: list,
    },
  });
  expect(run.stderr).toBe('');
  return fs.existsSync(list) ? fs.readFileSync(list, 'utf8').split('\n').filter(Boolean) : [];
}

const isExeca = (url: string) => url.includes('/node_modules/execa/');

describe('execa is loaded only on the paths that start a process', () => {
  it('recording feedback does not load it', () => {
    const loaded = modulesLoadedBy(['feedback', 'success', 'a', 'op', '--json']);
    // The hook saw the CLI's own modules: an empty list would prove nothing.
    expect(loaded.some((url) => url.endsWith('/bin/run.js'))).toBe(true);
    expect(loaded.filter(isExeca)).toEqual([]);
  });

  it('kv1nt run loads it', () => {
    const loaded = modulesLoadedBy(['run', 'bot', '--json', '--', process.execPath, '-e', '0']);
    expect(loaded.some(isExeca)).toBe(true);
  });
});
