import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const EXAMPLE = path.join(ROOT, 'examples', 'kv1nt-plugin-example');

describe('examples/kv1nt-plugin-example', () => {
  it('passes its own tests (node --test, written with kv1nt/testing)', () => {
    // What `npm install` does there for its `"kv1nt": "file:../.."` dev dependency: a link to this
    // package (built by `npm test` first), so that `kv1nt/testing` resolves through its exports.
    const link = path.join(EXAMPLE, 'node_modules', 'kv1nt');
    if (!fs.existsSync(link)) {
      fs.mkdirSync(path.dirname(link), { recursive: true });
      fs.symlinkSync(path.relative(path.dirname(link), ROOT), link, 'dir');
    }
    const run = spawnSync(process.execPath, ['--test'], { cwd: EXAMPLE, encoding: 'utf8' });
    const output = `${run.stdout}\n${run.stderr}`;
    expect(run.status, output).toBe(0);
    // Every case ran as its own test: 8 valid and 4 invalid.
    expect(output).toMatch(/# tests 12\b/);
    expect(output).toMatch(/# fail 0\b/);
    expect(output).toMatch(/ok \d+ - mostly failing is HIGH/);
    expect(output).toMatch(/ok \d+ - a bad flakyMinEach is a warning, and the default is used/);
  });
});
