import { describe, expect, it } from 'vitest';
import { readPluginMessage } from '../../../src/core/plugins/protocol.js';

describe('readPluginMessage (what kv1nt accepts from a plugin process)', () => {
  it('reads each kind, its fields coerced to their types', () => {
    expect(readPluginMessage({ kind: 'warn', callId: 1, message: 42 })).toEqual({
      kind: 'warn',
      callId: 1,
      message: '42',
    });
    expect(readPluginMessage({ kind: 'error', callId: 2, message: { text: 'x' } })).toEqual({
      kind: 'error',
      callId: 2,
      message: '[object Object]',
    });
    expect(
      readPluginMessage({
        kind: 'run',
        callId: 3,
        runId: '7',
        command: 'npm',
        args: ['outdated', 1],
        options: { timeoutMs: '5', cwd: 'sub' },
      }),
    ).toEqual({
      kind: 'run',
      callId: 3,
      runId: 7,
      command: 'npm',
      args: ['outdated', '1'],
      options: { cwd: 'sub' },
    });
    expect(
      readPluginMessage({ kind: 'done', callId: 4, items: [{ a: 1 }], notes: ['cut', 3], extra: 'dropped' }),
    ).toEqual({ kind: 'done', callId: 4, items: [{ a: 1 }], notes: ['cut', '3'] });
    expect(readPluginMessage({ kind: 'done', callId: 5, items: 'not a list', undefined: true })).toEqual({
      kind: 'done',
      callId: 5,
      undefined: true,
    });
  });

  it('ignores a message of an unknown kind or without a numeric callId', () => {
    expect(readPluginMessage({ kind: 'runResult', callId: 1 })).toBeUndefined();
    expect(readPluginMessage({ kind: 'done', callId: '1' })).toBeUndefined();
  });

  it('keeps at most 20 notes', () => {
    const notes = Array.from({ length: 30 }, (_, i) => `note ${i}`);
    const read = readPluginMessage({ kind: 'done', callId: 1, items: [], notes });
    expect(read).toEqual({ kind: 'done', callId: 1, items: [], notes: notes.slice(0, 20) });
  });
});
