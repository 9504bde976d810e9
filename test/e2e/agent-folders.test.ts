import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kv1nt, snapshot, tempDir } from '../helpers/cli.js';

type ErrorBody = { error: { code: string; message: string; suggestions: string[] } };

describe('agent folders that hold the data dir, or are not an agent at all', () => {
  it.each([
    ['/', 'it is the root of the file system'],
    ['/proc', 'it is in /proc, a virtual file system'],
    ['..', "it contains kv1nt's data dir"],
    ['.', "it contains kv1nt's data dir"],
    ['data/inner', "it is inside kv1nt's data dir"],
  ])('agents add --path %s: exit 2, nothing written', (folder, reason) => {
    const root = tempDir({ 'data/inner/x': '', 'data/agents.json': '{"schemaVersion":1,"agents":{}}' });
    const data = path.join(root, 'data');
    const before = snapshot(root);
    const cwd = folder === '..' ? data : root;
    const result = kv1nt(data, ['agents', 'add', 'a', '--path', folder, '--test', 'true', '--json'], { cwd });
    expect(result.code).toBe(2);
    const { error } = result.json<ErrorBody>();
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain(`Agent folder ${path.resolve(cwd, folder)} cannot be used: ${reason}`);
    expect(error.suggestions[0]).toMatch(/own project folder/);
    expect(snapshot(root)).toEqual(before);
  });

  it('a declared agent whose folder holds the data dir fails the config (exit 2), wherever the data dir comes from', () => {
    const root = tempDir({
      '.kv1ntrc.json': JSON.stringify({ agents: { bot: { path: './bot', test: 'true' } } }),
      'bot/index.js': '',
    });
    // Fine with the data dir beside the agent...
    expect(kv1nt(path.join(root, 'data'), ['agents', 'list', '--json'], { cwd: root }).code).toBe(0);
    // ...not once KV1NT_HOME puts it inside the agent folder.
    const inside = path.join(root, 'bot', '.kv1nt');
    const result = kv1nt(inside, ['feedback', 'success', 'bot', 'op', '--json'], { cwd: root });
    expect(result.code).toBe(2);
    const { error } = result.json<ErrorBody>();
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain(path.join(root, '.kv1ntrc.json'));
    expect(error.message).toContain(
      `agents.bot.path: ${path.join(root, 'bot')} cannot be an agent folder: it contains kv1nt's data dir ${inside}`,
    );
    expect(fs.existsSync(inside)).toBe(false);
  });

  it('optimize refuses a registered agent whose folder now holds the data dir, before any sandbox', () => {
    const root = tempDir({ 'agent/index.js': '' });
    const data = path.join(root, 'data');
    fs.mkdirSync(data);
    // Registered when the data dir was elsewhere, then the data dir moved into the agent folder.
    const registry = {
      schemaVersion: 1,
      agents: { bot: { path: root, test: 'true', addedAt: new Date().toISOString() } },
    };
    fs.writeFileSync(path.join(data, 'agents.json'), JSON.stringify(registry));
    const result = kv1nt(data, ['optimize', 'bot', '--yes', '--json']);
    expect(result.code).toBe(2);
    const { error } = result.json<ErrorBody>();
    expect(error.code).toBe('AGENT_PATH_UNSAFE');
    expect(error.message).toBe(
      `Agent bot's folder ${root} cannot be used: it contains kv1nt's data dir ${data}: optimizing would copy the sandboxes into themselves.`,
    );
    expect(fs.existsSync(path.join(data, 'sandboxes'))).toBe(false);
  });
});
