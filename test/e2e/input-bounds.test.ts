import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cliEnv, kv1nt, snapshot, tempDir } from '../helpers/cli.js';

type ErrorBody = { error: { code: string; message: string } };

function home(): string {
  return path.join(tempDir(), 'data');
}

describe('numbers on the command line: decimal only', () => {
  it.each([
    [['feedback', 'success', 'a', 'op', '--score', '0x1'], '--score'],
    [['feedback', 'success', 'a', 'op', '--score', '0b1'], '--score'],
    [['feedback', 'success', 'a', 'op', '--duration-ms', '0x10'], '--duration-ms'],
    [['feedback', 'success', 'a', 'op', '--metric', 'm=0x10'], '--metric m'],
    [['feedback', 'quality', 'a', 'op', '0o1'], '--score'],
    [['summary', 'a', '--days', 'Infinity'], '--days'],
  ])('refuses %j with exit 2, writing nothing', (args, flag) => {
    const data = home();
    const result = kv1nt(data, [...args, '--json']);
    expect(result.code).toBe(2);
    expect(result.json<ErrorBody>().error).toEqual({
      code: 'INVALID_INPUT',
      message: `${flag} expects a decimal number (e.g. 0.5 or 250), got "${args.at(-1)!.replace(/^m=/, '')}".`,
      suggestions: [],
    });
    expect(fs.existsSync(data)).toBe(false);
  });
});

describe('feedback import: odd input', () => {
  const LINE = JSON.stringify({ agentId: 'a', operationId: 'op', type: 'success' });

  it('accepts a file that starts with a UTF-8 byte order mark', () => {
    const dir = tempDir({ 'bom.jsonl': `\uFEFF${LINE}\n${LINE}\n` });
    const result = kv1nt(path.join(dir, 'data'), [
      'feedback',
      'import',
      path.join(dir, 'bom.jsonl'),
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.json()).toMatchObject({ imported: 2, skipped: 0 });
  });

  it('shows an invisible character of a bad line as an escape, never raw', () => {
    const dir = tempDir({
      'bad.jsonl': `${LINE}\n{"agentId":"a","operationId":"op","type":"succ\u202Eess"}\n`,
    });
    const data = path.join(dir, 'data');
    const human = kv1nt(data, ['feedback', 'import', path.join(dir, 'bad.jsonl')]);
    expect(human.code).toBe(2);
    expect(human.stderr).toContain('line 2: Invalid type "succ\\u{202E}ess"');
    expect(human.stderr).not.toContain('\u202E');
    const json = kv1nt(data, ['feedback', 'import', path.join(dir, 'bad.jsonl'), '--json']);
    expect(json.stdout).not.toContain('\u202E');
    expect(json.json<ErrorBody>().error.message).toContain('succ\\u{202E}ess');
    expect(fs.existsSync(data)).toBe(false);
  });

  it('shows an invisible character in a human line (an operation id) as an escape', () => {
    const result = kv1nt(home(), ['feedback', 'success', 'a', 'op\u202E1\uFEFF']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Recorded success for a / op\\u{202E}1\\u{FEFF}');
    expect(result.stdout).not.toMatch(/[\u202E\uFEFF]/);
  });

  it('refuses /dev/zero as a device, before reading it', () => {
    const data = home();
    const result = kv1nt(data, ['feedback', 'import', '/dev/zero', '--json']);
    expect(result.code).toBe(2);
    expect(result.json<ErrorBody>().error.message).toBe(
      '/dev/zero is a character device, not a file: import reads a regular file, a pipe, or - for standard input.',
    );
    expect(fs.existsSync(data)).toBe(false);
  });

  it('stops standard input that never ends a line (/dev/zero) at 1 MiB', () => {
    const data = home();
    const zero = fs.openSync('/dev/zero', 'r');
    try {
      const run = spawnSync(process.execPath, [BIN, 'feedback', 'import', '-', '--json'], {
        env: cliEnv(data),
        stdio: [zero, 'pipe', 'pipe'],
        encoding: 'utf8',
      });
      expect(run.status).toBe(2);
      expect((JSON.parse(run.stdout) as ErrorBody).error.message).toBe(
        'Nothing imported: line 1 of standard input is longer than 1 MiB without a line break (an entry is at most 64 KiB).',
      );
    } finally {
      fs.closeSync(zero);
    }
    expect(fs.existsSync(data)).toBe(false);
  });
});

describe('config and agents add: bounds', () => {
  it('refuses --test-timeout-ms above the longest timer', () => {
    const dir = tempDir({ 'agent/x': '' });
    const data = path.join(dir, 'data');
    const args = ['agents', 'add', 'a', '--path', 'agent', '--test', 'true', '--test-timeout-ms'];
    const result = kv1nt(data, [...args, '2147483648', '--json'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.json<ErrorBody>().error.message).toBe(
      '--test-timeout-ms must be a whole number from 1 to 2147483647 (the longest timer Node.js runs, about 24.8 days).',
    );
    expect(fs.existsSync(data)).toBe(false);
    expect(kv1nt(data, [...args, '2147483647', '--json'], { cwd: dir }).code).toBe(0);
  });

  it.each([
    ['agents.__proto__', '{"agents": {"__proto__": {"path": ".", "test": "true"}}}', 'is a reserved name'],
    ['thresholds.qualityMin', '{"thresholds": {"qualityMin": 7}}', 'qualityMin must be at most 1'],
    [
      'agents.a.testTimeoutMs',
      '{"agents": {"a": {"path": ".", "test": "true", "testTimeoutMs": 3000000000}}}',
      'testTimeoutMs must be at most 2147483647',
    ],
  ])('refuses %s in the config by name (exit 2)', (key, config, message) => {
    const dir = tempDir({ '.kv1ntrc.json': config });
    const result = kv1nt(path.join(dir, 'data'), ['agents', 'list', '--json'], { cwd: dir });
    expect(result.code).toBe(2);
    const { error } = result.json<ErrorBody>();
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain(path.join(dir, '.kv1ntrc.json'));
    expect(error.message).toContain(`${key}: `);
    expect(error.message).toContain(message);
  });
});

describe('stores with the right schema version but wrong field types', () => {
  it.each([
    [
      'agents.json',
      { schemaVersion: 1, agents: { a: { path: 5, test: 'true', addedAt: 'x' } } },
      ['agents', 'list'],
      'agents.a.path',
    ],
    ['feedback/store.json', { schemaVersion: 1, patterns: {}, learningEvents: [] }, ['status'], 'patterns'],
    [
      'optimization/store.json',
      {
        schemaVersion: 1,
        performanceMetrics: [],
        opportunities: 'none',
        optimizationPlans: [],
        optimizationResults: [],
        healthHistory: [],
      },
      ['opportunities'],
      'opportunities',
    ],
    [
      'feedback/aggregates.json',
      {
        schemaVersion: 4,
        foldedTo: { segment: 0, offset: 0 },
        agents: { a: { '2026-11-20T10': { n: 'many' } } },
        epochs: {},
      },
      ['summary', 'a'],
      'agents.a.2026-11-20T10',
    ],
  ])('%s: STORE_CORRUPT naming the file and the key, the file left as it was', (name, doc, args, key) => {
    const data = home();
    const file = path.join(data, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(doc));
    const before = snapshot(data);
    const result = kv1nt(data, [...args, '--json']);
    expect(result.code).toBe(1);
    const { error } = result.json<ErrorBody>();
    expect(error.code).toBe('STORE_CORRUPT');
    expect(error.message).toContain(file);
    expect(error.message).toContain(`${key}: `);
    expect(snapshot(data)).toEqual(before);
  });
});
