import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, cliEnv, kv1nt, snapshot, tempDir } from '../helpers/cli.js';

/**
 * kv1nt's git hooks in real repositories: a working clone with a bare remote, git run with a private
 * HOME and no system config, so that nothing of the machine's git setup leaks in.
 */
interface GitRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

interface Fixture {
  base: string;
  repo: string;
  remote: string;
  data: string;
  env: (extra?: Record<string, string | undefined>) => NodeJS.ProcessEnv;
  git: (args: string[], options?: { cwd?: string; env?: Record<string, string | undefined> }) => GitRun;
  cli: (
    args: string[],
    options?: { cwd?: string; env?: Record<string, string | undefined> },
  ) => ReturnType<typeof kv1nt>;
  hooksDir: string;
  commit: (message: string, options?: { cwd?: string; env?: Record<string, string | undefined> }) => GitRun;
  push: (options?: { cwd?: string; env?: Record<string, string | undefined> }) => GitRun;
}

function fixture(
  config: Record<string, unknown> = {},
  agentTests: Record<string, string> = { bot: 'true' },
): Fixture {
  const base = tempDir();
  const home = path.join(base, 'home');
  const data = path.join(base, 'data');
  const remote = path.join(base, 'remote.git');
  const repo = path.join(base, 'repo');
  fs.mkdirSync(home);
  const env = (extra: Record<string, string | undefined> = {}) =>
    cliEnv(data, { HOME: home, GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0', ...extra });
  const git: Fixture['git'] = (args, options = {}) => {
    const started = performance.now();
    const run = spawnSync('git', args, { cwd: options.cwd ?? repo, env: env(options.env), encoding: 'utf8' });
    if (run.error) throw run.error;
    return { code: run.status, stdout: run.stdout, stderr: run.stderr, ms: performance.now() - started };
  };
  const must = (run: GitRun) => {
    if (run.code !== 0) throw new Error(`git failed (${run.code}): ${run.stderr}`);
    return run;
  };
  must(git(['init', '-q', '--bare', remote], { cwd: base }));
  must(git(['init', '-q', '-b', 'main', repo], { cwd: base }));
  const rc = {
    agents: Object.fromEntries(
      Object.entries(agentTests).map(([id, test]) => [id, { path: `./agents/${id}`, test }]),
    ),
    ...config,
  };
  fs.writeFileSync(path.join(repo, '.kv1ntrc.json'), JSON.stringify(rc, null, 2));
  for (const id of Object.keys(agentTests)) {
    fs.mkdirSync(path.join(repo, 'agents', id), { recursive: true });
    fs.writeFileSync(path.join(repo, 'agents', id, 'README.md'), `${id}\n`);
  }
  const commit: Fixture['commit'] = (message, options = {}) => {
    const cwd = options.cwd ?? repo;
    must(git(['add', '-A'], { cwd }));
    return git(
      ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', message],
      {
        cwd,
        env: options.env,
      },
    );
  };
  must(git(['remote', 'add', 'origin', remote]));
  const push: Fixture['push'] = (options = {}) =>
    git(['push', '-q', 'origin', 'HEAD:refs/heads/main'], { cwd: options.cwd ?? repo, env: options.env });
  return {
    base,
    repo,
    remote,
    data,
    env,
    git,
    commit,
    push,
    hooksDir: path.join(repo, '.git', 'hooks'),
    cli: (args, options = {}) =>
      kv1nt(data, args, { cwd: options.cwd ?? repo, env: { HOME: home, ...options.env } }),
  };
}

/** The commit the remote's main points at, or null. */
function remoteHead(f: Fixture): string | null {
  const run = f.git(['rev-parse', '--verify', '-q', 'refs/heads/main'], { cwd: f.remote });
  return run.code === 0 ? run.stdout.trim() : null;
}

function recordFailures(f: Fixture, agent: string, count: number): void {
  for (let i = 0; i < count; i++) {
    const run = f.cli([
      'feedback',
      'failure',
      agent,
      `op-${i}`,
      '--error-type',
      'boom',
      '--message',
      'it broke',
    ]);
    expect(run.code, run.stderr).toBe(0);
  }
}

function recordSuccesses(f: Fixture, agent: string, count: number): void {
  for (let i = 0; i < count; i++) expect(f.cli(['feedback', 'success', agent, `ok-${i}`]).code).toBe(0);
}

interface StatusJson {
  hooksDir: string;
  hooksPath: string | null;
  hooks: Array<{
    hook: string;
    state: string;
    original: string | null;
    stale: boolean;
    missing?: string[];
    onError?: string | null;
    outdated?: boolean;
  }>;
}

/** Every feedback entry written so far, straight from the log segments. */
function loggedEntries(data: string): Array<Record<string, unknown>> {
  const dir = path.join(data, 'feedback', 'log');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.jsonl'))
    .flatMap((name) => fs.readFileSync(path.join(dir, name), 'utf8').split('\n'))
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function poll<T>(probe: () => T | undefined, withinMs: number): Promise<T | undefined> {
  const until = Date.now() + withinMs;
  while (Date.now() < until) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return probe();
}

/** Rewrites one embedded path of an installed kv1nt hook script (as a node upgrade or an uninstall would leave it). */
function pointHookAt(f: Fixture, hook: string, variable: 'kv1nt_node' | 'kv1nt_bin', target: string): void {
  const file = path.join(f.hooksDir, hook);
  const text = fs.readFileSync(file, 'utf8');
  const changed = text.replace(new RegExp(`^${variable}=.*$`, 'm'), `${variable}='${target}'`);
  expect(changed).not.toBe(text);
  fs.writeFileSync(file, changed);
}

const USER_HOOK =
  '#!/bin/sh\n# the user\'s own pre-push\t(with a tab and no trailing newline)\nprintf \'%s|\' "$@" >"$(git rev-parse --git-dir)/../user-hook-args"\ncat >"$(git rev-parse --git-dir)/../user-hook-stdin"\nexit 0';

describe('kv1nt hooks install / uninstall / status', () => {
  it('keeps and chains an existing hook, is idempotent, and uninstall restores it byte for byte', () => {
    const f = fixture();
    const userHook = path.join(f.hooksDir, 'pre-push');
    fs.writeFileSync(userHook, USER_HOOK, { mode: 0o750 });
    fs.chmodSync(userHook, 0o750);
    const before = { bytes: fs.readFileSync(userHook), mode: fs.statSync(userHook).mode };
    expect(f.commit('first').code).toBe(0);

    const install = f.cli(['hooks', 'install', '--json']);
    expect(install.code, install.stderr).toBe(0);
    const changes = install.json<{ changes: Array<{ hook: string; action: string }> }>().changes;
    expect(changes).toEqual([
      expect.objectContaining({ hook: 'pre-push', action: 'chained' }),
      expect.objectContaining({ hook: 'post-commit', action: 'installed' }),
    ]);
    const status = f.cli(['hooks', 'status', '--json']).json<StatusJson>();
    expect(status.hooksDir).toBe(fs.realpathSync(f.hooksDir));
    expect(status.hooks.map((h) => [h.hook, h.state, h.stale])).toEqual([
      ['pre-push', 'chained', false],
      ['post-commit', 'installed', false],
    ]);
    expect(fs.readFileSync(`${userHook}.kv1nt-orig`)).toEqual(before.bytes);

    // Installing twice changes nothing.
    const installed = snapshot(f.hooksDir);
    const again = f.cli(['hooks', 'install', '--json']);
    expect(again.json<{ changes: Array<{ action: string }> }>().changes.map((c) => c.action)).toEqual([
      'unchanged',
      'unchanged',
    ]);
    expect(snapshot(f.hooksDir)).toEqual(installed);

    // The original still runs, with git's arguments and the refs on stdin.
    const push = f.push();
    expect(push.code, push.stderr).toBe(0);
    expect(fs.readFileSync(path.join(f.repo, 'user-hook-args'), 'utf8')).toBe(`origin|${f.remote}|`);
    const head = f.git(['rev-parse', 'HEAD']).stdout.trim();
    expect(fs.readFileSync(path.join(f.repo, 'user-hook-stdin'), 'utf8')).toBe(
      `HEAD ${head} refs/heads/main ${'0'.repeat(40)}\n`,
    );
    expect(remoteHead(f)).toBe(head);

    const uninstall = f.cli(['hooks', 'uninstall', '--json']);
    expect(uninstall.code, uninstall.stderr).toBe(0);
    expect(uninstall.json<{ changes: Array<{ action: string }> }>().changes.map((c) => c.action)).toEqual([
      'restored',
      'removed',
    ]);
    expect(fs.readFileSync(userHook)).toEqual(before.bytes);
    expect(fs.statSync(userHook).mode).toBe(before.mode);
    expect(fs.existsSync(`${userHook}.kv1nt-orig`)).toBe(false);
    expect(fs.existsSync(path.join(f.hooksDir, 'post-commit'))).toBe(false);
    expect(
      f
        .cli(['hooks', 'status', '--json'])
        .json<StatusJson>()
        .hooks.map((h) => h.state),
    ).toEqual(['foreign', 'not_installed']);
  });

  it('a failing original hook still stops the push', () => {
    const f = fixture();
    fs.writeFileSync(path.join(f.hooksDir, 'pre-push'), '#!/bin/sh\necho "user says no" >&2\nexit 3\n', {
      mode: 0o755,
    });
    expect(f.commit('first').code).toBe(0);
    expect(f.cli(['hooks', 'install', '--hook', 'pre-push']).code).toBe(0);
    const push = f.push();
    expect(push.code).not.toBe(0);
    expect(push.stderr).toContain('user says no');
    expect(remoteHead(f)).toBeNull();
  });

  it('honours core.hooksPath (a husky-style .husky folder) and leaves .git/hooks alone', () => {
    const f = fixture();
    fs.mkdirSync(path.join(f.repo, '.husky'));
    const userHook = path.join(f.repo, '.husky', 'pre-push');
    fs.writeFileSync(userHook, USER_HOOK, { mode: 0o755 });
    f.git(['config', 'core.hooksPath', '.husky']);
    expect(f.commit('first').code).toBe(0);
    const gitHooksBefore = snapshot(f.hooksDir);

    const install = f.cli(['hooks', 'install', '--json']);
    expect(install.code, install.stderr).toBe(0);
    const report = install.json<{ hooksDir: string; hooksPath: string }>();
    expect(report.hooksDir).toBe(path.join(fs.realpathSync(f.repo), '.husky'));
    expect(report.hooksPath).toBe('.husky');
    expect(fs.readFileSync(`${userHook}.kv1nt-orig`, 'utf8')).toBe(USER_HOOK);
    expect(fs.readFileSync(userHook, 'utf8')).toContain('kv1nt-managed-hook');
    expect(snapshot(f.hooksDir)).toEqual(gitHooksBefore);

    expect(f.push().code).toBe(0);
    expect(fs.existsSync(path.join(f.repo, 'user-hook-args'))).toBe(true);

    expect(f.cli(['hooks', 'uninstall']).code).toBe(0);
    expect(fs.readFileSync(userHook, 'utf8')).toBe(USER_HOOK);
    expect(fs.readdirSync(path.join(f.repo, '.husky'))).toEqual(['pre-push']);
  });

  it('under husky 9 installs nothing in .husky/_, says what to add, and gates from the husky script', () => {
    const f = fixture({ hooks: { 'pre-push': { minHealth: 70, blockOn: ['HIGH', 'CRITICAL'] } } });
    // What `husky` (v9) sets up: core.hooksPath = .husky/_, a helper `h`, and one stub per hook
    // that sources it; `h` runs the user's .husky/<hook> of the same name, with node_modules/.bin
    // first on PATH. (A stand-in written here: husky itself is not a dependency of these tests.)
    const generated = path.join(f.repo, '.husky', '_');
    fs.mkdirSync(generated, { recursive: true });
    fs.writeFileSync(path.join(generated, '.gitignore'), '*');
    fs.writeFileSync(
      path.join(generated, 'h'),
      '#!/usr/bin/env sh\nn=$(basename "$0")\ns=$(dirname "$(dirname "$0")")/$n\n[ ! -f "$s" ] && exit 0\nexport PATH="node_modules/.bin:$PATH"\nsh -e "$s" "$@"\n',
    );
    for (const hook of ['pre-push', 'post-commit'])
      fs.writeFileSync(path.join(generated, hook), '#!/usr/bin/env sh\n. "${0%/*}/h"', { mode: 0o755 });
    f.git(['config', 'core.hooksPath', '.husky/_']);
    // kv1nt as the project's dev dependency would be: node_modules/.bin/kv1nt.
    const bin = path.join(f.repo, 'node_modules', '.bin');
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(
      path.join(bin, 'kv1nt'),
      `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(ROOT, 'bin', 'run.js'))} "$@"\n`,
      { mode: 0o755 },
    );
    const before = snapshot(generated);

    const install = f.cli(['hooks', 'install']);
    expect(install.code).toBe(2);
    expect(install.stderr).toMatch(/is the folder husky 9 generates \(core\.hooksPath = \.husky\/_\)/);
    expect(install.stderr).toContain(
      `Add the line \`kv1nt hooks run pre-push\` to ${path.join(fs.realpathSync(f.repo), '.husky', 'pre-push')}`,
    );
    expect(install.stderr).toContain('kv1nt hooks run post-commit');
    expect(snapshot(generated)).toEqual(before);
    const states = () =>
      f
        .cli(['hooks', 'status', '--json'])
        .json<StatusJson>()
        .hooks.map((h) => h.state);
    expect(states()).toEqual(['not_installed', 'not_installed']);

    // The user adds the line to their husky script, as the message says.
    fs.writeFileSync(path.join(f.repo, '.husky', 'pre-push'), 'kv1nt hooks run pre-push\n');
    expect(states()).toEqual(['husky', 'not_installed']);
    expect(f.commit('first').code).toBe(0);
    recordFailures(f, 'bot', 5);
    const push = f.push();
    expect(push.code).not.toBe(0);
    expect(push.stderr).toContain('kv1nt pre-push: push blocked.');
    expect(remoteHead(f)).toBeNull();
    expect(f.push({ env: { KV1NT_SKIP_HOOKS: '1' } }).code).toBe(0);

    // Uninstall changes nothing either: the husky script is the user's to edit, and it says so.
    const huskyScripts = snapshot(path.join(f.repo, '.husky'));
    const uninstall = f.cli(['hooks', 'uninstall']);
    expect(uninstall.code, uninstall.stderr).toBe(0);
    expect(uninstall.stdout).toMatch(
      /pre-push: your husky script .*\.husky\/pre-push calls kv1nt; remove its `kv1nt hooks run pre-push` line/,
    );
    expect(uninstall.stdout).toMatch(/post-commit: not kv1nt’s, left alone/);
    expect(snapshot(path.join(f.repo, '.husky'))).toEqual(huskyScripts);
  });

  it('under lefthook: reports the hook it moved to .old, installs nothing, prints the lefthook.yml lines, and gates from lefthook', () => {
    const f = fixture({ hooks: { 'pre-push': { minHealth: 70, blockOn: ['HIGH', 'CRITICAL'] } } });
    // kv1nt on the PATH git gives lefthook, as a dev dependency puts it in node_modules/.bin.
    const bin = path.join(f.base, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(
      path.join(bin, 'kv1nt'),
      `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(ROOT, 'bin', 'run.js'))} "$@"\n`,
      { mode: 0o755 },
    );
    const env = { PATH: `${bin}:${process.env.PATH ?? ''}` };
    const lefthook = (args: string[]) =>
      spawnSync(path.join(ROOT, 'node_modules', '.bin', 'lefthook'), args, {
        cwd: f.repo,
        env: f.env(env),
        encoding: 'utf8',
      });
    expect(f.commit('first').code).toBe(0);
    expect(f.cli(['hooks', 'install']).code).toBe(0);
    recordFailures(f, 'bot', 5);

    // The user adopts lefthook: its install moves kv1nt's hook aside, where nothing runs it.
    const userConfig = 'pre-push:\n  commands:\n    user-check:\n      run: echo user-check ran\n';
    fs.writeFileSync(path.join(f.repo, 'lefthook.yml'), userConfig);
    const installed = lefthook(['install']);
    expect(installed.status, installed.stderr).toBe(0);
    expect(fs.existsSync(path.join(f.hooksDir, 'pre-push.old'))).toBe(true);
    const status = f.cli(['hooks', 'status', '--json']).json<StatusJson>();
    expect(status.hooks.map((h) => [h.hook, h.state])).toEqual([
      ['pre-push', 'moved_by_lefthook'],
      // lefthook replaces only the hooks its config names: kv1nt's post-commit is still in place, for now.
      ['post-commit', 'installed'],
    ]);
    const text = f.cli(['hooks', 'status']).stdout;
    expect(text).toMatch(/pre-push: NOT RUN — `lefthook install` moved/);
    expect(text).toMatch(/lefthook is set up here: the next `lefthook install` moves kv1nt’s hooks/);
    // What the issue saw: the gate is gone, the unhealthy agent's push goes through.
    expect(f.push({ env }).code).toBe(0);

    const hooksBefore = snapshot(f.hooksDir);
    const refused = f.cli(['hooks', 'install', '--hook', 'pre-push', '--json']);
    expect(refused.code).toBe(2);
    const { error } = refused.json<{
      error: { code: string; lefthookConfig: string; suggestions: string[] };
    }>();
    expect(error.code).toBe('HOOKS_MANAGED_BY_LEFTHOOK');
    expect(error.lefthookConfig).toBe(
      'pre-push:\n  commands:\n    kv1nt:\n      run: kv1nt hooks run pre-push\n',
    );
    expect(error.suggestions[1]).toMatch(/Delete .*pre-push\.old: kv1nt's earlier hook/);
    const human = f.cli(['hooks', 'install']);
    expect(human.stderr).toContain(
      `Add these lines to ${path.join(fs.realpathSync(f.repo), 'lefthook.yml')}`,
    );
    expect(human.stderr).toContain(
      '      post-commit:\n        commands:\n          kv1nt:\n            run: kv1nt hooks run post-commit',
    );
    expect(snapshot(f.hooksDir)).toEqual(hooksBefore);

    // The user adds kv1nt's command next to their own, as printed, and installs lefthook again.
    fs.writeFileSync(
      path.join(f.repo, 'lefthook.yml'),
      `${userConfig}    kv1nt:\n      run: kv1nt hooks run pre-push\n`,
    );
    expect(lefthook(['install']).status).toBe(0);
    expect(
      f
        .cli(['hooks', 'status', '--json'])
        .json<StatusJson>()
        .hooks.map((h) => h.state),
    ).toEqual(['lefthook', 'installed']);
    expect(f.commit('second').code).toBe(0);
    const push = f.push({ env });
    expect(push.code).not.toBe(0);
    expect(`${push.stdout}${push.stderr}`).toContain('kv1nt pre-push: push blocked.');
    expect(remoteHead(f)).not.toBe(f.git(['rev-parse', 'HEAD']).stdout.trim());

    // Uninstall leaves lefthook's hook and the .old alone and says what calls kv1nt; its own
    // post-commit script it removes.
    const lefthookFiles = ['pre-push', 'pre-push.old'].map((name) =>
      fs.readFileSync(path.join(f.hooksDir, name), 'utf8'),
    );
    const uninstall = f.cli(['hooks', 'uninstall']);
    expect(uninstall.code, uninstall.stderr).toBe(0);
    expect(uninstall.stdout).toMatch(/pre-push: your lefthook config .*lefthook\.yml calls kv1nt/);
    expect(uninstall.stdout).toMatch(/post-commit: removed/);
    expect(
      ['pre-push', 'pre-push.old'].map((name) => fs.readFileSync(path.join(f.hooksDir, name), 'utf8')),
    ).toEqual(lefthookFiles);
    expect(fs.existsSync(path.join(f.hooksDir, 'post-commit'))).toBe(false);
  });

  it('installs from a linked worktree into the shared hooks folder, and gates pushes from it', () => {
    const f = fixture();
    expect(f.commit('first').code).toBe(0);
    const worktree = path.join(f.base, 'wt');
    expect(f.git(['worktree', 'add', '-q', '-b', 'side', worktree]).code).toBe(0);

    const install = f.cli(['hooks', 'install', '--json'], { cwd: worktree });
    expect(install.code, install.stderr).toBe(0);
    expect(install.json<{ hooksDir: string }>().hooksDir).toBe(fs.realpathSync(f.hooksDir));
    expect(
      f
        .cli(['hooks', 'status', '--json'])
        .json<StatusJson>()
        .hooks.map((h) => h.state),
    ).toEqual(['installed', 'installed']);

    recordFailures(f, 'bot', 4);
    const push = f.push({ cwd: worktree });
    expect(push.code).not.toBe(0);
    expect(push.stderr).toContain('push blocked');
  });

  it('outside a git repository: exit 2 and a clear message', () => {
    const f = fixture();
    const run = f.cli(['hooks', 'install'], { cwd: f.base });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/not inside a git working tree/);
  });
});

describe('the pre-push gate', () => {
  it('blocks an unhealthy agent with a message naming it, its score and the blocking opportunities', () => {
    const f = fixture({ hooks: { 'pre-push': { minHealth: 70, blockOn: ['HIGH', 'CRITICAL'] } } });
    expect(f.commit('first').code).toBe(0);
    expect(f.cli(['hooks', 'install']).code).toBe(0);
    recordFailures(f, 'bot', 5);

    const push = f.push();
    expect(push.code).not.toBe(0);
    expect(push.stderr).toContain('kv1nt pre-push: push blocked.');
    expect(push.stderr).toMatch(/agent bot \(health 0\/100\): health 0 is under the minimum of 70/);
    expect(push.stderr).toMatch(/\[HIGH\] .*\(error_pattern, /);
    expect(push.stderr).toContain('KV1NT_SKIP_HOOKS=1');
    expect(remoteHead(f)).toBeNull();

    // KV1NT_SKIP_HOOKS=1 lets it through.
    const skipped = f.push({ env: { KV1NT_SKIP_HOOKS: '1' } });
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(skipped.stderr).not.toContain('kv1nt');
    expect(remoteHead(f)).toBe(f.git(['rev-parse', 'HEAD']).stdout.trim());
  });

  it('lets a healthy agent through', () => {
    const f = fixture({ hooks: { agents: ['bot'], 'pre-push': { minHealth: 90 } } });
    expect(f.commit('first').code).toBe(0);
    expect(f.cli(['hooks', 'install', '--hook', 'pre-push']).code).toBe(0);
    recordSuccesses(f, 'bot', 5);
    const push = f.push();
    expect(push.code, push.stderr).toBe(0);
    expect(push.stderr).toContain('kv1nt pre-push: ok (bot 100)');
    expect(remoteHead(f)).toBe(f.git(['rev-parse', 'HEAD']).stdout.trim());
  });

  it('finds its kv1nt with a bare PATH that holds no node', () => {
    const f = fixture();
    expect(f.commit('first').code).toBe(0);
    expect(f.cli(['hooks', 'install']).code).toBe(0);
    recordFailures(f, 'bot', 4);
    // A PATH with git and the few tools the script uses, and no node.
    const bin = path.join(f.base, 'bare-bin');
    fs.mkdirSync(bin);
    for (const tool of ['git', 'dirname', 'mktemp', 'cat', 'rm']) {
      const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
      fs.symlinkSync(found, path.join(bin, tool));
    }
    const noNode = spawnSync('/bin/sh', ['-c', 'command -v node'], { env: { PATH: bin } });
    expect(noNode.status).not.toBe(0);

    const push = f.push({ env: { PATH: bin } });
    expect(push.code).not.toBe(0);
    expect(push.stderr).toContain('push blocked');
  });

  it('a corrupted store warns and lets the push and the commit through', () => {
    const f = fixture();
    expect(f.commit('first').code).toBe(0);
    expect(f.cli(['hooks', 'install']).code).toBe(0);
    recordFailures(f, 'bot', 4);
    fs.mkdirSync(path.join(f.data, 'optimization'), { recursive: true });
    fs.writeFileSync(path.join(f.data, 'optimization', 'store.json'), '{ not json');
    fs.writeFileSync(path.join(f.data, 'agents.json'), '{"schemaVersion": ');

    const commit = f.commit('second');
    expect(commit.code, commit.stderr).toBe(0);
    expect(commit.stderr).toMatch(/kv1nt: the post-commit hook could not run .*git goes on without it/);

    const push = f.push();
    expect(push.code, push.stderr).toBe(0);
    expect(push.stderr).toMatch(/kv1nt: the pre-push hook could not run .*git goes on without it/);
    expect(remoteHead(f)).toBe(f.git(['rev-parse', 'HEAD']).stdout.trim());
  });

  it('a hook whose kv1nt is gone (uninstalled or moved) says so in one line and lets git go on', () => {
    const f = fixture();
    expect(f.commit('first').code).toBe(0);
    expect(f.cli(['hooks', 'install']).code).toBe(0);
    recordFailures(f, 'bot', 4);
    // As if kv1nt had been uninstalled or moved: the bin the scripts call no longer exists.
    const gone = `${f.base}/gone/bin/run.js`;
    for (const hook of ['pre-push', 'post-commit']) pointHookAt(f, hook, 'kv1nt_bin', gone);
    const status = f.cli(['hooks', 'status', '--json']).json<StatusJson>();
    expect(status.hooks.map((h) => [h.stale, h.missing])).toEqual([
      [true, [gone]],
      [true, [gone]],
    ]);

    const commit = f.commit('second');
    expect(commit.code).toBe(0);
    expect(commit.stderr).toBe(
      `kv1nt: the post-commit hook cannot run: ${gone} is gone; run \`kv1nt hooks install\` again (or \`kv1nt hooks uninstall\`). git goes on without it.\n`,
    );
    const push = f.push();
    expect(push.code, push.stderr).toBe(0);
    expect(push.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(push.stderr).toContain(`the pre-push hook cannot run: ${gone} is gone`);
    expect(push.ms).toBeLessThan(5000);
  });

  it('a hook whose node binary is gone (a node upgrade) warns in one line, and status names the node', () => {
    const f = fixture();
    expect(f.commit('first').code).toBe(0);
    expect(f.cli(['hooks', 'install']).code).toBe(0);
    recordFailures(f, 'bot', 4);
    const oldNode = `${f.base}/.nvm/versions/node/v20.1.0/bin/node`;
    pointHookAt(f, 'pre-push', 'kv1nt_node', oldNode);

    const status = f.cli(['hooks', 'status', '--json']).json<StatusJson>();
    expect(status.hooks[0]).toMatchObject({ hook: 'pre-push', stale: true, missing: [oldNode] });
    const human = f.cli(['hooks', 'status']).stdout;
    expect(human).toContain(`pre-push: installed — its node binary ${oldNode} is gone`);
    expect(human).not.toMatch(/run\.js, which is gone/);

    const push = f.push();
    expect(push.code, push.stderr).toBe(0);
    expect(push.stderr).toBe(
      `kv1nt: the pre-push hook cannot run: ${oldNode} is gone; run \`kv1nt hooks install\` again (or \`kv1nt hooks uninstall\`). git goes on without it.\n`,
    );
    expect(remoteHead(f)).toBe(f.git(['rev-parse', 'HEAD']).stdout.trim());
    // Installing again points the script at the node of today, and the gate is back.
    expect(f.cli(['hooks', 'install', '--json']).json()).toMatchObject({
      changes: [{ hook: 'pre-push', action: 'updated' }, { hook: 'post-commit' }],
    });
    expect(f.commit('second').code).toBe(0);
    expect(f.push().stderr).toContain('kv1nt pre-push: push blocked.');
  });

  it('hooks.pre-push.onError "block": a missing node or a crash inside kv1nt fails the push', () => {
    const f = fixture({ hooks: { 'pre-push': { onError: 'block' } } });
    expect(f.commit('first').code).toBe(0);
    expect(f.cli(['hooks', 'install']).code).toBe(0);
    recordSuccesses(f, 'bot', 4);
    const file = path.join(f.hooksDir, 'pre-push');
    const installed = fs.readFileSync(file, 'utf8');
    pointHookAt(f, 'pre-push', 'kv1nt_node', `${f.base}/gone/node`);
    const missing = f.push();
    expect(missing.code).not.toBe(0);
    // One line of kv1nt's, then git's own "failed to push".
    expect(missing.stderr.split('\n')[0]).toBe(
      `kv1nt: the pre-push hook cannot run: ${f.base}/gone/node is gone; run \`kv1nt hooks install\` again (or \`kv1nt hooks uninstall\`). The push is blocked (hooks.pre-push.onError = block).`,
    );
    expect(missing.stderr.split('\n')[1]).toMatch(/^error: failed to push/);
    expect(remoteHead(f)).toBeNull();

    fs.writeFileSync(file, installed);
    const crashing = path.join(f.base, 'crash.js');
    fs.writeFileSync(crashing, "throw new Error('kv1nt exploded');\n");
    pointHookAt(f, 'pre-push', 'kv1nt_bin', crashing);
    const crashed = f.push();
    expect(crashed.code).not.toBe(0);
    expect(crashed.stderr).toMatch(/the pre-push hook failed unexpectedly \(exit 1\)\. The push is blocked/);
    expect(remoteHead(f)).toBeNull();

    // An error kv1nt catches itself (an unreadable store) follows the config the same way.
    fs.writeFileSync(file, installed);
    fs.writeFileSync(path.join(f.data, 'agents.json'), '{"schemaVersion": ');
    const broken = f.push();
    expect(broken.code).not.toBe(0);
    expect(broken.stderr).toMatch(
      /kv1nt: the pre-push hook could not run .*The push is blocked \(hooks\.pre-push\.onError = block\)/,
    );
    expect(remoteHead(f)).toBeNull();
    expect(f.push({ env: { KV1NT_SKIP_HOOKS: '1' } }).code).toBe(0);
  });

  it('a script installed under another onError is reported outdated, and installing again updates it', () => {
    const f = fixture();
    expect(f.cli(['hooks', 'install', '--hook', 'pre-push']).code).toBe(0);
    expect(f.cli(['hooks', 'status', '--json']).json<StatusJson>().hooks[0]).toMatchObject({
      onError: 'allow',
      outdated: false,
    });
    const rc = path.join(f.repo, '.kv1ntrc.json');
    const config = JSON.parse(fs.readFileSync(rc, 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(rc, JSON.stringify({ ...config, hooks: { 'pre-push': { onError: 'block' } } }));
    expect(f.cli(['hooks', 'status', '--json']).json<StatusJson>().hooks[0]).toMatchObject({
      onError: 'allow',
      outdated: true,
    });
    expect(f.cli(['hooks', 'status']).stdout).toMatch(/run `kv1nt hooks install` again to update it/);
    expect(f.cli(['hooks', 'install', '--hook', 'pre-push']).code).toBe(0);
    expect(f.cli(['hooks', 'status', '--json']).json<StatusJson>().hooks[0]).toMatchObject({
      onError: 'block',
      outdated: false,
    });
  });

  it('hooks.pre-push.failOnNoData fails the push for an agent without data, or one kv1nt does not know', () => {
    const open = fixture({ hooks: { agents: ['bot', 'bott'] } });
    expect(open.commit('first').code).toBe(0);
    expect(open.cli(['hooks', 'install', '--hook', 'pre-push']).code).toBe(0);
    const passed = open.push();
    expect(passed.code, passed.stderr).toBe(0);
    expect(passed.stderr).toContain(
      'kv1nt pre-push: ok (bot no data, bott unknown agent (did you mean bot?))',
    );

    const strict = fixture({ hooks: { agents: ['bot', 'bott'], 'pre-push': { failOnNoData: true } } });
    expect(strict.commit('first').code).toBe(0);
    expect(strict.cli(['hooks', 'install', '--hook', 'pre-push']).code).toBe(0);
    const blocked = strict.push();
    expect(blocked.code).not.toBe(0);
    expect(blocked.stderr).toContain(
      'agent bot (health no data): no health score: no feedback in the window (failOnNoData)',
    );
    expect(blocked.stderr).toContain(
      'agent bott (health no data): no health score: unknown agent (did you mean bot?) (failOnNoData)',
    );
    expect(remoteHead(strict)).toBeNull();
  });

  it('refuses a bad onError or failOnNoData in the config, naming the key', () => {
    const bad = fixture({ hooks: { 'pre-push': { onError: 'maybe', failOnNoData: 'yes' } } });
    const run = bad.cli(['analyze', 'bot', '--json']);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/hooks\.pre-push\.onError/);
    expect(bad.cli(['hooks', 'install']).code).toBe(2);
  });

  it('a crash inside kv1nt warns and lets git go on', () => {
    const f = fixture();
    expect(f.commit('first').code).toBe(0);
    expect(f.cli(['hooks', 'install']).code).toBe(0);
    recordFailures(f, 'bot', 4);
    const crashing = path.join(f.base, 'crash.js');
    fs.writeFileSync(crashing, "throw new Error('kv1nt exploded');\n");
    for (const hook of ['pre-push', 'post-commit']) {
      const file = path.join(f.hooksDir, hook);
      fs.writeFileSync(
        file,
        fs.readFileSync(file, 'utf8').replace(/^kv1nt_bin=.*$/m, `kv1nt_bin='${crashing}'`),
      );
    }
    const commit = f.commit('second');
    expect(commit.code).toBe(0);
    expect(commit.stderr).toMatch(/kv1nt: the post-commit hook failed unexpectedly \(exit 1\)\. git goes on/);
    const push = f.push();
    expect(push.code, push.stderr).toBe(0);
    expect(push.stderr).toMatch(
      /kv1nt: the pre-push hook failed unexpectedly \(exit 1\)\. git goes on without it/,
    );
  });
});

describe('post-commit', () => {
  it('records each agent’s test outcome in the background without delaying the commit', async () => {
    const f = fixture({}, { slow: 'sleep 4; echo passed', broken: 'echo "3 tests failed" >&2; exit 3' });
    expect(f.commit('first').code).toBe(0);
    expect(f.cli(['hooks', 'install', '--hook', 'post-commit']).code).toBe(0);

    fs.writeFileSync(path.join(f.repo, 'agents', 'slow', 'change.txt'), 'x\n');
    const commit = f.commit('second');
    expect(commit.code, commit.stderr).toBe(0);
    // The commit waits for kv1nt's start-up only, never for the 4 s test: when it returns, the slow
    // agent's outcome is not recorded yet (a state, not a duration that a busy machine stretches).
    expect(loggedEntries(f.data).filter((e) => e.source === 'test' && e.agentId === 'slow')).toEqual([]);
    const sha = f.git(['rev-parse', 'HEAD']).stdout.trim();

    const tests = await poll(() => {
      const entries = loggedEntries(f.data).filter((e) => e.source === 'test');
      return entries.length === 2 ? entries : undefined;
    }, 20_000);
    expect(tests).toBeDefined();
    const byAgent: Record<string, Record<string, unknown>> = Object.fromEntries(
      tests!.map((e) => [String(e.agentId), e]),
    );
    expect(byAgent.slow).toMatchObject({
      type: 'success',
      operationId: `commit-${sha.slice(0, 12)}`,
      details: { hook: 'post-commit', commit: sha, exitCode: 0, timedOut: false },
    });
    expect(byAgent.slow!.durationMs as number).toBeGreaterThanOrEqual(3900);
    expect(byAgent.broken).toMatchObject({
      type: 'failure',
      errorType: 'exit_3',
      details: { commit: sha, exitCode: 3 },
    });
    expect(String(byAgent.broken!.message)).toContain('3 tests failed');

    const summary = f.cli(['summary', 'slow', '--json']).json<{ bySource: Record<string, number> }>();
    expect(summary.bySource.test).toBe(1);
  });

  it('records nothing with recordTests false or KV1NT_SKIP_HOOKS=1', async () => {
    const f = fixture({ hooks: { 'post-commit': { recordTests: false } } });
    expect(f.commit('first').code).toBe(0);
    expect(f.cli(['hooks', 'install']).code).toBe(0);
    expect(f.commit('second').code).toBe(0);

    const g = fixture();
    expect(g.commit('first').code).toBe(0);
    expect(g.cli(['hooks', 'install']).code).toBe(0);
    expect(g.commit('second', { env: { KV1NT_SKIP_HOOKS: '1' } }).code).toBe(0);

    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(loggedEntries(f.data)).toEqual([]);
    expect(loggedEntries(g.data)).toEqual([]);
  });
});
