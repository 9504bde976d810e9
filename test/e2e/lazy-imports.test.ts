import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { kv1nt, tempDir } from '../helpers/cli.js';

/**
 * execa costs ~150 ms to import, fs-extra ~30 ms: only the commands that start a process, or use a
 * sandbox, may load them. A loader hook (node --import) writes every ES module URL the CLI
 * resolves to a file, and a preload (--require) the CommonJS modules it required, at exit.
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
    'required.cjs': [
      "const fs = require('node:fs');",
      "process.on('exit', () => fs.appendFileSync(process.env.KV1NT_TEST_MODULES_FILE, Object.keys(require.cache).join('\\n') + '\\n'));",
    ].join('\n'),
  });
  const list = path.join(dir, 'modules.txt');
  const run = kv1nt(path.join(dir, 'data'), args, {
    env: {
      NODE_OPTIONS: `--import=${pathToFileURL(path.join(dir, 'register.mjs')).href} --require=${path.join(dir, 'required.cjs')}`,
      KV1NT_TEST_MODULES_FILE: list,
    },
  });
  expect(run.stderr).toBe('');
  return fs.existsSync(list) ? fs.readFileSync(list, 'utf8').split('\n').filter(Boolean) : [];
}

const isExeca = (url: string) => url.includes('/node_modules/execa/');
const isFsExtra = (file: string) => file.includes('/node_modules/fs-extra/');

describe('execa is loaded only on the paths that start a process', () => {
  it('recording feedback does not load it', () => {
    const loaded = modulesLoadedBy(['feedback', 'success', 'a', 'op', '--json']);
    // The hook saw the CLI's own modules: an empty list would prove nothing.
    expect(loaded.some((url) => url.endsWith('/bin/run.js'))).toBe(true);
    // The record fast path's bundle (bin/run.js), not oclif's.
    expect(loaded.some((file) => file.endsWith('/dist/record.cjs'))).toBe(true);
    expect(loaded.filter(isExeca)).toEqual([]);
    expect(loaded.filter(isFsExtra)).toEqual([]);
  });

  it('kv1nt run loads it', () => {
    const loaded = modulesLoadedBy(['run', 'bot', '--json', '--', process.execPath, '-e', '0']);
    expect(loaded.some(isExeca)).toBe(true);
  });
});
