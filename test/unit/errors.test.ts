import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  agentNotFound,
  EXIT_RUNTIME,
  EXIT_USAGE,
  invalidInput,
  invalidValue,
  logCorrupt,
  storeCorrupt,
  transactionError,
} from '../../src/core/errors.js';
import { ROOT } from '../helpers/cli.js';

describe('the error catalogue', () => {
  it('gives each code its exit and the docs section that explains it', () => {
    const error = agentNotFound('Unknown agent x.', ['Check the id.']);
    expect({ code: error.code, exit: error.exit, ref: error.ref, suggestions: error.suggestions }).toEqual({
      code: 'AGENT_NOT_FOUND',
      exit: EXIT_USAGE,
      ref: 'docs/configuration.md#agents',
      suggestions: ['Check the id.'],
    });
    expect(storeCorrupt('bad', []).ref).toBe('docs/storage.md#corrupt-store');
    expect(logCorrupt('bad', [])).toMatchObject({
      code: 'STORE_CORRUPT',
      ref: 'docs/storage.md#feedback-log',
    });
    expect(transactionError('TXN_EXISTS', 'used')).toMatchObject({ exit: EXIT_RUNTIME });
  });

  it('reports ref and the extra fields as own fields, the input name and the cause not (they are not JSON)', () => {
    const error = invalidValue('minFrequency', 'a whole number of at least 1', 0);
    expect(error.message).toBe('minFrequency must be a whole number of at least 1 (got 0).');
    expect(error.input).toBe('minFrequency');
    expect(Object.keys(error)).not.toContain('input');
    expect(Object.keys(invalidInput('bad'))).not.toContain('ref');
    expect(Object.keys(agentNotFound('x', []))).toContain('ref');
  });

  it('is the only way src makes a Kv1ntError: no `new Kv1ntError` outside the catalogue', () => {
    const offenders = sourceFiles(path.join(ROOT, 'src')).filter(
      (file) =>
        !file.endsWith(path.join('core', 'errors.ts')) &&
        /new Kv1ntError\(/.test(fs.readFileSync(file, 'utf8')),
    );
    expect(offenders).toEqual([]);
  });
});

describe('core messages', () => {
  it('speak of values, never of CLI flags', () => {
    const flagged = sourceFiles(path.join(ROOT, 'src', 'core')).filter((file) =>
      /(invalidInput|invalidValue)\([`'"]-?-?Invalid --|[`'"]--[a-z-]+ must be/.test(
        fs.readFileSync(file, 'utf8'),
      ),
    );
    expect(flagged).toEqual([]);
  });
});

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}
