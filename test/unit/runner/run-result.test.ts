import { describe, expect, it } from 'vitest';
import { runStatus } from '../../../src/core/runner/run-result.js';

describe('runStatus (the one "passed" rule)', () => {
  it.each([
    [{ exitCode: 0, signal: null, timedOut: false }, 'passed'],
    [{ exitCode: 3, signal: null, timedOut: false }, 'failed'],
    [{ exitCode: null, signal: 'SIGKILL', timedOut: false }, 'failed'],
    // A command that handles SIGTERM at its time limit and exits 0 still timed out.
    [{ exitCode: 0, signal: null, timedOut: true }, 'timed_out'],
    [{ exitCode: null, signal: 'SIGKILL', timedOut: true, error: 'stream broke' }, 'timed_out'],
    [{ exitCode: null, signal: null, timedOut: false, error: 'spawn sh ENOENT' }, 'error'],
  ] as const)('%o is %s', (facts, status) => {
    expect(runStatus(facts)).toBe(status);
  });
});
