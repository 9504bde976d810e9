import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kv1nt, tempDir } from '../helpers/cli.js';

interface ErrorJson {
  error: { code: string; message: string; suggestions: string[]; ref?: string };
}

describe('how a command reports an error', () => {
  it('prints the message, what to try and the docs reference, as oclif does; --json carries the ref', () => {
    const data = path.join(tempDir(), 'data');
    const human = kv1nt(data, ['analyze', 'nobody']);
    expect(human.code).toBe(2);
    const lines = human.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Error: Unknown agent nobody: /);
    expect(lines.slice(1, -1).every((line) => line.startsWith('  → '))).toBe(true);
    expect(lines.at(-1)).toBe('  Reference: docs/configuration.md#agents');
    const json = kv1nt(data, ['analyze', 'nobody', '--json']);
    expect(json.json<ErrorJson>().error).toMatchObject({
      code: 'AGENT_NOT_FOUND',
      ref: 'docs/configuration.md#agents',
    });
  });

  it('names the flag of a value the core refused (the core names the value)', () => {
    const data = path.join(tempDir(), 'data');
    const result = kv1nt(data, ['patterns', '--min-frequency', '0', '--json']);
    expect(result.code).toBe(2);
    expect(result.json<ErrorJson>().error).toEqual({
      code: 'INVALID_INPUT',
      message: '--min-frequency must be a whole number of at least 1 (got 0).',
      suggestions: [],
    });
    const history = kv1nt(data, ['history', 'bot', '--limit', '0']);
    expect(history.code).toBe(2);
    expect(history.stderr).toBe('Error: --limit must be a whole number of at least 1 (got 0).\n');
  });
});
