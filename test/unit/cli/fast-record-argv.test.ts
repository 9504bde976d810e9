import { describe, expect, it } from 'vitest';
import { parseRecordArgv } from '../../../src/cli/fast-record/argv.js';

describe('parseRecordArgv', () => {
  it('parses arguments and flags in any order and form, with the defaults oclif applies', () => {
    expect(
      parseRecordArgv([
        'feedback',
        'quality',
        '--dimension=a=0.5',
        'bot',
        '--json',
        'op 1',
        '0.7',
        '--dimension',
        'b=1',
        '--data-dir',
        '/d',
      ]),
    ).toEqual({
      name: 'quality',
      args: { agent: 'bot', operation: 'op 1', score: '0.7' },
      flags: { dimension: ['a=0.5', 'b=1'], json: true, 'data-dir': '/d', source: 'agent' },
    });
    expect(parseRecordArgv(['feedback', 'record', 'a', 'b', '--type', 'coverage', '--source=test'])).toEqual({
      name: 'record',
      args: { agent: 'a', operation: 'b' },
      flags: { type: 'coverage', source: 'test' },
    });
  });

  it('leaves to oclif every line it does not plainly understand', () => {
    for (const line of [
      ['feedback', 'list'],
      ['feedback', '__proto__', 'a', 'b'],
      ['feedback', 'success', 'a'],
      ['feedback', 'success', 'a', 'b', 'c'],
      ['feedback', 'success', 'a', ''],
      ['feedback', 'success', 'a', 'b', '--help'],
      ['feedback', 'success', 'a', 'b', '-h'],
      ['feedback', 'success', 'a', 'b', '--'],
      ['feedback', 'success', 'a', 'b', '--constructor', 'x'],
      ['feedback', 'success', 'a', 'b', '--type', 'success'],
      ['feedback', 'success', 'a', 'b', '--score'],
      ['feedback', 'success', 'a', 'b', '--score', '-1'],
      ['feedback', 'success', 'a', 'b', '--score='],
      ['feedback', 'success', 'a', 'b', '--score', '1', '--score', '1'],
      ['feedback', 'success', 'a', 'b', '--json=true'],
      ['feedback', 'success', 'a', 'b', '--wide', '--wide'],
      ['feedback', 'failure', 'a', 'b'],
      ['feedback', 'record', 'a', 'b'],
    ])
      expect({ line, parsed: parseRecordArgv(line) }).toEqual({ line, parsed: undefined });
  });
});
