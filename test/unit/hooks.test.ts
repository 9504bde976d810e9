import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { embeddedPaths, hookScript, isKv1ntHook } from '../../src/core/hooks/script.js';
import { hookSettings, hooksSkipped } from '../../src/core/hooks/settings.js';
import { tempDir } from '../helpers/cli.js';

describe('hookScript', () => {
  it('embeds paths with spaces and quotes so that sh reads them back exactly', () => {
    const dir = tempDir();
    const node = path.join(dir, "it's a node");
    const bin = path.join(dir, 'k v1nt', 'bin', 'run.js');
    const script = hookScript({ hook: 'post-commit', node, bin });
    expect(isKv1ntHook(script)).toBe(true);
    expect(isKv1ntHook('#!/bin/sh\necho mine\n')).toBe(false);
    expect(embeddedPaths(script)).toEqual({ node, bin });
    // A fake "node" that prints what it was called with proves the quoting survives sh.
    fs.writeFileSync(node, '#!/bin/sh\nprintf "%s\\n" "$@"\n', { mode: 0o755 });
    fs.mkdirSync(path.dirname(bin), { recursive: true });
    fs.writeFileSync(bin, '');
    const hook = path.join(dir, 'post-commit');
    fs.writeFileSync(hook, script, { mode: 0o755 });
    const run = spawnSync(hook, ['a b'], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`${bin}\nhooks\nrun\npost-commit\na b\n`);
  });

  it('buffers stdin only for hooks that get data on it', () => {
    expect(hookScript({ hook: 'pre-push', node: '/n', bin: '/b' })).toContain('cat >"$input"');
    expect(hookScript({ hook: 'post-commit', node: '/n', bin: '/b' })).not.toContain('cat >"$input"');
  });
});

describe('hook settings', () => {
  it('defaults: every declared agent, minHealth 70, blockOn CRITICAL, recordTests on', () => {
    expect(hookSettings({ agents: { a: { path: '.', test: 't' }, b: { path: '.', test: 't' } } })).toEqual({
      agents: ['a', 'b'],
      prePush: { minHealth: 70, blockOn: ['CRITICAL'] },
      postCommit: { recordTests: true },
    });
    expect(
      hookSettings({
        hooks: {
          agents: ['x'],
          'pre-push': { minHealth: 50, blockOn: [] },
          'post-commit': { recordTests: false },
        },
      }),
    ).toEqual({ agents: ['x'], prePush: { minHealth: 50, blockOn: [] }, postCommit: { recordTests: false } });
  });

  it('KV1NT_SKIP_HOOKS: anything but empty, 0 or false skips', () => {
    expect(hooksSkipped({})).toBe(false);
    for (const off of ['', '0', 'false']) expect(hooksSkipped({ KV1NT_SKIP_HOOKS: off })).toBe(false);
    for (const on of ['1', 'true', 'yes', 'FALSE']) expect(hooksSkipped({ KV1NT_SKIP_HOOKS: on })).toBe(true);
  });
});
