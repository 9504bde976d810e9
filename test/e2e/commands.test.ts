import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { BIN, cliEnv, kv1nt, kv1ntAsync, snapshot, tempDir } from '../helpers/cli.js';

describe('kv1nt run', () => {
  it('records a success with its duration and passes the output through', () => {
    const dir = tempDir();
    const data = path.join(dir, 'data');
    const result = kv1nt(data, [
      'run',
      'bot',
      '--',
      process.execPath,
      '-e',
      'setTimeout(() => console.log("hello from the agent"), 50)',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^hello from the agent\nRecorded success for bot \//);
    const summary = kv1nt(data, ['summary', 'bot', '--json']).json<{
      byType: { success: number };
      averageDurationMs: number;
    }>();
    expect(summary.byType.success).toBe(1);
    expect(summary.averageDurationMs).toBeGreaterThanOrEqual(50);
  });

  it("records a failure and exits with the command's exit code", () => {
    const data = path.join(tempDir(), 'data');
    const result = kv1nt(data, [
      'run',
      'bot',
      '--operation',
      'nightly',
      '--json',
      '--',
      process.execPath,
      '-e',
      'console.log("noise"); process.exit(3)',
    ]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/noise/);
    expect(result.json()).toMatchObject({
      agentId: 'bot',
      operationId: 'nightly',
      type: 'failure',
      score: 0,
      errorType: 'exit_3',
      exitCode: 3,
      details: { exitCode: 3 },
    });
    const typed = kv1nt(data, [
      'run',
      'bot',
      '--type-on-failure',
      'batch_failed',
      '--json',
      '--',
      process.execPath,
      '-e',
      'process.exit(1)',
    ]);
    expect(typed.json()).toMatchObject({ errorType: 'batch_failed', exitCode: 1 });
  });

  it('records a signal as the error type and a missing program as spawn_error', () => {
    const data = path.join(tempDir(), 'data');
    const killed = kv1nt(data, [
      'run',
      'bot',
      '--json',
      '--',
      process.execPath,
      '-e',
      'process.kill(process.pid, "SIGTERM")',
    ]);
    expect(killed.code).toBe(128 + 15);
    expect(killed.json()).toMatchObject({
      type: 'failure',
      errorType: 'SIGTERM',
      details: { signal: 'SIGTERM' },
    });
    const missing = kv1nt(data, ['run', 'bot', '--json', '--', 'no-such-program-kv1nt']);
    expect(missing.code).toBe(127);
    expect(missing.json()).toMatchObject({ type: 'failure', errorType: 'spawn_error' });
  });

  it('passes everything after the first -- to the command verbatim, later -- and flags included', () => {
    const dir = tempDir({ 'echo.js': 'console.log(JSON.stringify(process.argv.slice(2)))' });
    const data = path.join(dir, 'data');
    const echo = path.join(dir, 'echo.js');
    const result = kv1nt(data, [
      'run',
      'bot',
      '--operation',
      'args',
      '--json',
      '--',
      process.execPath,
      echo,
      '--',
      '--x',
      '--json',
      '--',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stderr.trim())).toEqual(['--', '--x', '--json', '--']);
    expect(result.json()).toMatchObject({
      type: 'success',
      operationId: 'args',
      details: { command: `${process.execPath} ${echo} -- --x --json --`, exitCode: 0 },
    });
  });

  it('runs nothing when the agent id is invalid or the command is missing', () => {
    const dir = tempDir();
    const marker = path.join(dir, 'ran');
    const bad = kv1nt(path.join(dir, 'data'), [
      'run',
      '../bad',
      '--',
      process.execPath,
      '-e',
      `require("fs").writeFileSync(${JSON.stringify(marker)}, "")`,
    ]);
    expect(bad.code).toBe(2);
    expect(fs.existsSync(marker)).toBe(false);
    expect(kv1nt(path.join(dir, 'data'), ['run', 'bot']).code).toBe(2);
  });
});

describe('agents', () => {
  it('adds, lists and removes registered agents', () => {
    const dir = tempDir({ 'bot/index.js': '' });
    const data = path.join(dir, 'data');
    const added = kv1nt(
      data,
      ['agents', 'add', 'bot', '--path', 'bot', '--test', 'npm test', '--sla-ms', '1500', '--json'],
      { cwd: dir },
    );
    expect(added.code).toBe(0);
    expect(added.json()).toEqual({
      id: 'bot',
      source: 'registry',
      path: path.join(dir, 'bot'),
      test: 'npm test',
      slaMs: 1500,
      addedAt: expect.any(String) as unknown,
    });
    expect(kv1nt(data, ['agents', 'add', 'bot', '--path', 'bot', '--test', 'x'], { cwd: dir }).code).toBe(2);
    expect(
      kv1nt(data, ['agents', 'add', 'bot', '--path', 'bot', '--test', 'npm run check', '--force', '--json'], {
        cwd: dir,
      }).json(),
    ).toMatchObject({ test: 'npm run check' });
    expect(kv1nt(data, ['agents', 'list', '--json']).json()).toEqual({
      agents: [expect.objectContaining({ id: 'bot', test: 'npm run check' })],
    });
    expect(kv1nt(data, ['agents', 'list']).stdout).toMatch(/bot\s+registry/);

    kv1nt(data, ['feedback', 'success', 'bot', 'op']);
    const removed = kv1nt(data, ['agents', 'remove', 'bot', '--json']);
    expect(removed.json()).toMatchObject({ agent: { id: 'bot' }, purgedEntries: 0 });
    expect(kv1nt(data, ['agents', 'list', '--json']).json()).toEqual({ agents: [] });
    expect(kv1nt(data, ['summary', 'bot', '--json']).json()).toMatchObject({ total: 1 });
    const again = kv1nt(data, ['agents', 'remove', 'bot', '--json']);
    expect(again.code).toBe(2);
    expect(again.json()).toMatchObject({ error: { code: 'AGENT_NOT_FOUND' } });
  });

  it('--purge deletes the history of that agent only', () => {
    const dir = tempDir({ 'bot/x': '' });
    const data = path.join(dir, 'data');
    kv1nt(data, ['agents', 'add', 'bot', '--path', path.join(dir, 'bot'), '--test', 'true']);
    kv1nt(data, ['feedback', 'import', '-'], {
      input: ['bot', 'bot', 'keep', 'bot']
        .map((agentId, i) => JSON.stringify({ agentId, operationId: `o${i}`, type: 'success' }))
        .join('\n'),
    });
    expect(kv1nt(data, ['summary', 'bot', '--json']).json()).toMatchObject({ total: 3 });
    expect(kv1nt(data, ['agents', 'remove', 'bot', '--purge', '--json']).json()).toMatchObject({
      purgedEntries: 3,
    });
    // Neither declared nor with any feedback now: kv1nt knows no such agent.
    expect(kv1nt(data, ['summary', 'bot', '--json']).json()).toMatchObject({
      error: { code: 'AGENT_NOT_FOUND' },
    });
    expect(kv1nt(data, ['summary', 'keep', '--json']).json()).toMatchObject({ total: 1 });
  });

  it('--purge deletes the data of an agent known only from its feedback, or declared in the config (left as it is)', () => {
    const config = JSON.stringify({ agents: { declared: { path: './declared', test: 'true' } } });
    const dir = tempDir({ '.kv1ntrc.json': config, 'declared/x': '' });
    const data = path.join(dir, 'data');
    const cli = (args: string[]) => kv1nt(data, args, { cwd: dir });
    kv1nt(data, ['feedback', 'import', '-'], {
      cwd: dir,
      input: ['declared', 'loose', 'loose', 'keep']
        .map((agentId, i) => JSON.stringify({ agentId, operationId: `o${i}`, type: 'success' }))
        .join('\n'),
    });
    // Known from its feedback only: nothing to unregister, its data goes.
    const loose = cli(['agents', 'remove', 'loose', '--purge', '--json']);
    expect(loose.code).toBe(0);
    expect(loose.json()).toEqual({ agent: null, unregistered: false, purgedEntries: 2 });
    expect(cli(['summary', 'loose', '--json']).json()).toMatchObject({ error: { code: 'AGENT_NOT_FOUND' } });
    // Declared in the config: without --purge, refused; with it, the data goes and the file stays.
    expect(cli(['agents', 'remove', 'declared']).code).toBe(2);
    const declared = cli(['agents', 'remove', 'declared', '--purge']);
    expect(declared.code).toBe(0);
    expect(declared.stdout).toMatch(/Deleted the data of agent declared: 1 feedback entry/);
    expect(declared.stdout).toMatch(
      /stays declared in .*\.kv1ntrc\.json: kv1nt does not edit the config file/,
    );
    expect(fs.readFileSync(path.join(dir, '.kv1ntrc.json'), 'utf8')).toBe(config);
    expect(cli(['summary', 'declared', '--json']).json()).toMatchObject({ total: 0 });
    expect(cli(['summary', 'keep', '--json']).json()).toMatchObject({ total: 1 });
    // Neither declared nor with data: a typo, with a did-you-mean.
    const typo = cli(['agents', 'remove', 'kep', '--purge', '--json']);
    expect(typo.code).toBe(2);
    expect(typo.json()).toMatchObject({ error: { code: 'AGENT_NOT_FOUND', didYouMean: 'keep' } });
  });

  it('refuses bad registrations with exit 2 and writes nothing', () => {
    const dir = tempDir({ file: '' });
    const data = path.join(dir, 'data');
    for (const args of [
      ['agents', 'add', '../x', '--path', dir, '--test', 't'],
      ['agents', 'add', 'x', '--path', path.join(dir, 'missing'), '--test', 't'],
      ['agents', 'add', 'x', '--path', path.join(dir, 'file'), '--test', 't'],
      ['agents', 'add', 'x', '--path', dir, '--test', 't', '--sla-ms', '-1'],
      ['agents', 'add', 'x', '--path', dir],
    ]) {
      const result = kv1nt(data, [...args, '--json']);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.json()).toHaveProperty('error.message');
    }
    expect(fs.existsSync(data)).toBe(false);
  });
});

describe('config', () => {
  const config = (extra: object = {}) =>
    JSON.stringify({
      agents: { summarizer: { path: './agents/summarizer', test: 'npm test', slaMs: 2000, ...extra } },
    });

  it('is found from the working directory upward, in every supported form', () => {
    const forms: Record<string, string> = {
      '.kv1ntrc': config(),
      '.kv1ntrc.json': config(),
      '.kv1ntrc.yaml': 'agents:\n  summarizer:\n    path: ./agents/summarizer\n    test: npm test\n',
      'kv1nt.config.mjs': `export default ${config()};`,
      'kv1nt.config.js': `export default ${config()};`,
      'package.json': JSON.stringify({ name: 'x', type: 'module', kv1nt: JSON.parse(config()) as unknown }),
    };
    for (const [name, content] of Object.entries(forms)) {
      const dir = tempDir({ [name]: content, 'agents/summarizer/.keep': '', 'deep/er/.keep': '' });
      const result = kv1nt(path.join(dir, 'data'), ['agents', 'list', '--json'], {
        cwd: path.join(dir, 'deep/er'),
      });
      expect(result.code, `${name}: ${result.stderr}`).toBe(0);
      expect(result.json(), name).toEqual({
        agents: [
          expect.objectContaining({
            id: 'summarizer',
            source: 'config',
            path: path.join(dir, 'agents/summarizer'),
            configFile: path.join(dir, name),
          }),
        ],
      });
    }
  });

  it('--config and KV1NT_CONFIG pick a file; dataDir in the config is used', () => {
    const dir = tempDir({ 'conf/my.json': JSON.stringify({ dataDir: '../store' }) });
    const viaFlag = kv1nt(
      path.join(dir, 'unused'),
      ['feedback', 'success', 'a', 'op', '--config', 'conf/my.json'],
      { cwd: dir, env: { KV1NT_HOME: undefined } },
    );
    expect(viaFlag.code).toBe(0);
    expect(fs.existsSync(path.join(dir, 'store/feedback/log'))).toBe(true);
    const viaEnv = kv1nt(path.join(dir, 'unused'), ['status', '--json'], {
      cwd: dir,
      env: { KV1NT_HOME: undefined, KV1NT_CONFIG: path.join(dir, 'conf/my.json') },
    });
    expect(viaEnv.json()).toMatchObject({
      dataDir: path.join(dir, 'store'),
      configFile: path.join(dir, 'conf/my.json'),
    });
    const flagWins = kv1nt(path.join(dir, 'env-home'), ['status', '--json', '--data-dir', 'flag-home'], {
      cwd: dir,
      env: { KV1NT_CONFIG: path.join(dir, 'conf/my.json') },
    });
    expect(flagWins.json()).toMatchObject({ dataDir: path.join(dir, 'flag-home') });
    fs.writeFileSync(
      path.join(dir, 'conf/abs.json'),
      JSON.stringify({ dataDir: path.join(dir, 'absolute-store') }),
    );
    const absolute = kv1nt(path.join(dir, 'unused'), ['status', '--json', '--config', 'conf/abs.json'], {
      cwd: dir,
      env: { KV1NT_HOME: undefined },
    });
    expect(absolute.json()).toMatchObject({ dataDir: path.join(dir, 'absolute-store') });
    const missing = kv1nt(path.join(dir, 'data'), ['status', '--config', 'nope.json', '--json'], {
      cwd: dir,
    });
    expect(missing.code).toBe(2);
    expect(missing.json()).toMatchObject({ error: { code: 'CONFIG_NOT_FOUND' } });
  });

  it.each([
    [
      'an unknown key',
      { agents: { s: { path: '.', test: 't', colour: 'red' } } },
      /agents\.s\.colour: unknown key/,
    ],
    [
      'a wrong type',
      { agents: { s: { path: '.', test: 't', slaMs: 'fast' } } },
      /agents\.s\.slaMs: slaMs must be a number/,
    ],
    ['an unknown top-level key', { agent: {} }, /agent: unknown key/],
    ['a bad agent id', { agents: { '../x': { path: '.', test: 't' } } }, /agents.*agent id/],
    [
      'a param with min above max',
      {
        agents: { s: { path: '.', test: 't', params: { t: { file: 'c.json', key: 'k', min: 5, max: 1 } } } },
      },
      /min must not be above max/,
    ],
    ['a missing required key', { agents: { s: { path: '.' } } }, /agents\.s\.test/],
  ])('rejects %s naming the file and key path (exit 2)', (_name, content, message) => {
    const dir = tempDir({ '.kv1ntrc.json': JSON.stringify(content) });
    const result = kv1nt(path.join(dir, 'data'), ['feedback', 'success', 'a', 'op', '--json'], { cwd: dir });
    expect(result.code).toBe(2);
    const error = result.json<{ error: { code: string; message: string } }>().error;
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain(path.join(dir, '.kv1ntrc.json'));
    expect(error.message).toMatch(message);
    expect(fs.existsSync(path.join(dir, 'data'))).toBe(false);
  });

  it('reports malformed JSON and YAML with the file name', () => {
    for (const [name, content] of [
      ['.kv1ntrc.json', '{ "agents": '],
      ['.kv1ntrc.yaml', 'agents: [unclosed'],
      ['.kv1ntrc', '{ nope'],
    ]) {
      const dir = tempDir({ [name!]: content! });
      const result = kv1nt(path.join(dir, 'data'), ['status'], { cwd: dir });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(path.join(dir, name!));
    }
  });
});

describe('status and stats', () => {
  it('reports both engines, and each engine under its own topic', () => {
    const dir = tempDir();
    const data = path.join(dir, 'data');
    kv1nt(data, ['feedback', 'success', 'bot', 'op']);
    kv1nt(data, ['feedback', 'failure', 'bot', 'op', '--error-type', 'x']);
    const status = kv1nt(data, ['status', '--json']).json<Record<string, unknown>>();
    expect(status).toMatchObject({
      scope: 'all',
      dataDir: data,
      configFile: null,
      agents: [
        { id: 'bot', declared: null, path: null, entries: 2, lastFeedbackAt: expect.any(String) as unknown },
      ],
      feedback: { entries: 2, logSegments: 1, patterns: 0, learnings: 0 },
      optimization: { opportunities: { open: 0, resolved: 0 }, plans: 0, results: 0 },
      plugins: [
        {
          name: 'kv1nt-builtin',
          source: 'builtin',
          detectors: expect.arrayContaining(['kv1nt/error-pattern', 'kv1nt/tool-upgrade']) as unknown,
        },
      ],
    });
    expect(status.stores).toContainEqual({
      name: 'feedback_entries',
      engine: 'feedback',
      file: path.join(data, 'feedback/log/000001.jsonl'),
      bytes: expect.any(Number) as unknown,
    });
    // Nobody registered an agent: the registry file does not exist yet, and says so.
    expect(status.stores).toContainEqual({
      name: 'agents',
      engine: 'registry',
      file: path.join(data, 'agents.json'),
      bytes: null,
    });
    expect(kv1nt(data, ['status']).stdout).toMatch(/agents\s+\S+agents\.json\s+not created yet/);
    const feedbackOnly = kv1nt(data, ['feedback', 'status', '--json']).json<Record<string, unknown>>();
    expect(feedbackOnly.scope).toBe('feedback');
    expect(feedbackOnly).not.toHaveProperty('optimization');
    const optimizationOnly = kv1nt(data, ['optimization', 'status', '--json']).json<
      Record<string, unknown>
    >();
    expect(optimizationOnly).not.toHaveProperty('feedback');
    expect(kv1nt(data, ['status']).stdout).toMatch(/Feedback loop: 2 entries/);

    const stats = kv1nt(data, ['stats', 'bot', '--json']).json();
    expect(stats).toMatchObject({
      scope: 'all',
      agents: [{ agentId: 'bot', feedback: { total: 2, successRate: 0.5 }, optimization: { results: 0 } }],
    });
    expect(kv1nt(data, ['feedback', 'stats', '--json']).json()).toMatchObject({
      scope: 'feedback',
      agents: [{ agentId: 'bot', feedback: { total: 2 } }],
    });
    expect(kv1nt(data, ['stats', '../x']).code).toBe(2);
  });

  it('works on an empty data dir without creating it', () => {
    const data = path.join(tempDir(), 'data');
    expect(kv1nt(data, ['status', '--json']).json()).toMatchObject({ agents: [], feedback: { entries: 0 } });
    expect(kv1nt(data, ['stats']).stdout).toMatch(/No statistics yet/);
    expect(fs.existsSync(data)).toBe(false);
  });
});

describe('a corrupted store stops the command, names the file, and is never rewritten', () => {
  it.each([
    ['empty', ''],
    ['null', 'null'],
    ['truncated JSON', '{"schemaVersion":1,"agents":{'],
  ])('agents.json that is %s', (_name, content) => {
    const dir = tempDir({ 'bot/index.js': '' });
    const data = path.join(dir, 'data');
    fs.mkdirSync(data);
    fs.writeFileSync(path.join(data, 'agents.json'), content);
    const result = kv1nt(data, [
      'agents',
      'add',
      'bot',
      '--path',
      path.join(dir, 'bot'),
      '--test',
      't',
      '--json',
    ]);
    expect(result.code).toBe(1);
    expect(result.json()).toMatchObject({
      error: {
        code: 'STORE_CORRUPT',
        message: expect.stringContaining(path.join(data, 'agents.json')) as unknown,
      },
    });
    expect(fs.readFileSync(path.join(data, 'agents.json'), 'utf8')).toBe(content);
  });

  it('aggregates: the error says they can be rebuilt, and they are', () => {
    const data = path.join(tempDir(), 'data');
    kv1nt(data, ['feedback', 'success', 'bot', 'op']);
    kv1nt(data, ['summary', 'bot']);
    const file = path.join(data, 'feedback/aggregates.json');
    fs.writeFileSync(file, '{"schemaVersion":1,');
    const before = snapshot(data);
    const result = kv1nt(data, ['summary', 'bot']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(file);
    expect(result.stderr).toMatch(/rebuilds it from the log/);
    expect(snapshot(data)).toEqual(before);
    fs.renameSync(file, `${file}.bad`);
    expect(kv1nt(data, ['summary', 'bot', '--json']).json()).toMatchObject({ total: 1 });
  });

  it('a damaged log line is reported with its segment; recording still appends safely', () => {
    const data = path.join(tempDir(), 'data');
    kv1nt(data, ['feedback', 'success', 'bot', 'op']);
    const segment = path.join(data, 'feedback/log/000001.jsonl');
    fs.appendFileSync(segment, 'garbage that is not json\n');
    const result = kv1nt(data, ['summary', 'bot', '--json']);
    expect(result.code).toBe(1);
    expect(result.json()).toMatchObject({
      error: { code: 'STORE_CORRUPT', message: expect.stringContaining(segment) as unknown },
    });
    expect(kv1nt(data, ['feedback', 'success', 'bot', 'op-2']).code).toBe(0);
    expect(fs.readFileSync(segment, 'utf8')).toMatch(
      /garbage that is not json\n\{"id":"fb_[0-9a-f]+","agentId":"bot","operationId":"op-2"/,
    );
  });
});

describe('help and version', () => {
  it('prints the version and help for every command', () => {
    const data = path.join(tempDir(), 'data');
    expect(kv1nt(data, ['--version']).stdout).toMatch(/^kv1nt\/\d+\.\d+\.\d+/);
    const help = kv1nt(data, ['help', 'feedback', 'record']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/\$ kv1nt feedback record AGENT OPERATION --type <value>/);
    expect(kv1nt(data, ['feedback', 'import', '--help']).stdout).toMatch(/--skip-invalid/);
    expect(kv1nt(data, ['--help']).stdout).toMatch(/feedback/);
  });
});

describe('kv1nt run under signals', () => {
  it('forwards SIGTERM to the command and still records the outcome', async () => {
    const dir = tempDir();
    const data = path.join(dir, 'data');
    const ready = path.join(dir, 'ready');
    const script = `require("fs").writeFileSync(${JSON.stringify(ready)}, ""); setInterval(() => {}, 1000)`;
    const child = spawn(
      process.execPath,
      [BIN, 'run', 'bot', '--json', '--', process.execPath, '-e', script],
      { env: cliEnv(data), cwd: dir },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    for (let i = 0; i < 200 && !fs.existsSync(ready); i++) await new Promise((r) => setTimeout(r, 25));
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(JSON.parse(stdout)).toMatchObject({ type: 'failure', errorType: 'SIGTERM' });
    expect((await kv1ntAsync(data, ['summary', 'bot', '--json'])).json()).toMatchObject({
      total: 1,
      topErrors: [{ errorType: 'SIGTERM', count: 1 }],
    });
  });
});
