import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { detectLefthook, isLefthookStub, lefthookSnippet } from '../../../src/core/hooks/lefthook.js';
import { embeddedPaths, hookScript, isKv1ntHook } from '../../../src/core/hooks/script.js';
import { hookSettings, hooksSkipped } from '../../../src/core/hooks/settings.js';
import { ROOT, tempDir } from '../../helpers/cli.js';

describe('hookScript', () => {
  it('embeds paths with spaces and quotes so that sh reads them back exactly', () => {
    const dir = tempDir();
    const node = path.join(dir, "it's a node");
    const bin = path.join(dir, 'k v1nt', 'bin', 'run.js');
    const script = hookScript({ hook: 'post-commit', node, bin });
    expect(isKv1ntHook(script)).toBe(true);
    expect(isKv1ntHook('#!/bin/sh\necho mine\n')).toBe(false);
    expect(embeddedPaths(script)).toEqual({ node, bin, onError: null });
    expect(embeddedPaths(hookScript({ hook: 'pre-push', node, bin, onError: 'block' }))).toEqual({
      node,
      bin,
      onError: 'block',
    });
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

  it.each([
    { onError: 'allow' as const, status: 0, outcome: 'git goes on without it.' },
    {
      onError: 'block' as const,
      status: 1,
      outcome: 'The push is blocked (hooks.pre-push.onError = block).',
    },
  ])(
    'a node binary that is gone: one line on stderr, then onError $onError (exit $status)',
    ({ onError, status, outcome }) => {
      const dir = tempDir({ 'bin/run.js': '' });
      const node = path.join(dir, 'v20.1.0', 'bin', 'node');
      const hook = path.join(dir, 'pre-push');
      fs.writeFileSync(
        hook,
        hookScript({ hook: 'pre-push', node, bin: path.join(dir, 'bin/run.js'), onError }),
        {
          mode: 0o755,
        },
      );
      const run = spawnSync(hook, ['origin'], {
        encoding: 'utf8',
        input: '',
        env: { PATH: '/usr/bin:/bin' },
      });
      expect(run.status).toBe(status);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe(
        `kv1nt: the pre-push hook cannot run: ${node} is gone; run \`kv1nt hooks install\` again (or \`kv1nt hooks uninstall\`). ${outcome}\n`,
      );
    },
  );

  it('buffers stdin only for hooks that get data on it', () => {
    expect(hookScript({ hook: 'pre-push', node: '/n', bin: '/b' })).toContain('cat >"$input"');
    expect(hookScript({ hook: 'post-commit', node: '/n', bin: '/b' })).not.toContain('cat >"$input"');
  });
});

describe('hook settings', () => {
  it('defaults: every declared agent, minHealth 70, blockOn CRITICAL, recordTests on', () => {
    expect(hookSettings({ agents: { a: { path: '.', test: 't' }, b: { path: '.', test: 't' } } })).toEqual({
      agents: ['a', 'b'],
      prePush: { minHealth: 70, blockOn: ['CRITICAL'], failOnNoData: false, onError: 'allow' },
      postCommit: { recordTests: true },
    });
    expect(
      hookSettings({
        hooks: {
          agents: ['x'],
          'pre-push': { minHealth: 50, blockOn: [], failOnNoData: true, onError: 'block' },
          'post-commit': { recordTests: false },
        },
      }),
    ).toEqual({
      agents: ['x'],
      prePush: { minHealth: 50, blockOn: [], failOnNoData: true, onError: 'block' },
      postCommit: { recordTests: false },
    });
  });

  it('KV1NT_SKIP_HOOKS: anything but empty, 0 or false skips', () => {
    expect(hooksSkipped({})).toBe(false);
    for (const off of ['', '0', 'false']) expect(hooksSkipped({ KV1NT_SKIP_HOOKS: off })).toBe(false);
    for (const on of ['1', 'true', 'yes', 'FALSE']) expect(hooksSkipped({ KV1NT_SKIP_HOOKS: on })).toBe(true);
  });
});

describe('lefthook', () => {
  /** The last line of the stub `lefthook install` (2.x) writes; 1.x stubs call the same function. */
  const STUB = '#!/bin/sh\n\ncall_lefthook()\n{\n  lefthook "$@"\n}\n\ncall_lefthook run "pre-push" "$@"\n';

  it('is detected by a config file at the root, or by its stubs in the hooks folder', () => {
    const root = tempDir({ '.lefthook.yml': 'pre-push: {}\n', 'hooks/pre-push.sample': '' });
    expect(detectLefthook(root, path.join(root, 'hooks'))).toEqual({
      config: path.join(root, '.lefthook.yml'),
      local: null,
    });
    const stubbed = tempDir({ 'hooks/pre-push': STUB });
    expect(detectLefthook(stubbed, path.join(stubbed, 'hooks'))).toEqual({ config: null, local: null });
    const plain = tempDir({ 'hooks/pre-push': '#!/bin/sh\nexit 0\n' });
    expect(detectLefthook(plain, path.join(plain, 'hooks'))).toBeNull();
    expect(isLefthookStub(hookScript({ hook: 'pre-push', node: '/n', bin: '/b' }))).toBe(false);
  });

  it('the printed lines are a lefthook config that runs kv1nt for each hook', () => {
    expect(parse(lefthookSnippet(['pre-push', 'post-commit']))).toEqual({
      'pre-push': { commands: { kv1nt: { run: 'kv1nt hooks run pre-push' } } },
      'post-commit': { commands: { kv1nt: { run: 'kv1nt hooks run post-commit' } } },
    });
  });
});

describe('.pre-commit-hooks.yaml (the pre-commit framework)', () => {
  it('offers kv1nt-pre-push: the gate at the pre-push stage, a system command, no file names', () => {
    const hooks = parse(fs.readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as unknown;
    expect(hooks).toEqual([
      {
        id: 'kv1nt-pre-push',
        name: 'kv1nt pre-push health gate',
        description: expect.stringMatching(/minHealth/) as unknown,
        entry: 'kv1nt hooks run pre-push',
        language: 'system',
        stages: ['pre-push'],
        pass_filenames: false,
        always_run: true,
      },
    ]);
  });
});
