import { describe, expect, it } from 'vitest';
import { Kv1ntError } from '../../src/core/errors.js';
import { MIN_ID_PREFIX, resolveId } from '../../src/core/id-prefix.js';

const RESULTS = [
  'res_019ac4f1a2b3aaaaaaaaaaaa00000001',
  'res_019ac4f1a2b3aaaaaaaaaaaa00000002',
  'res_019ac5000000bbbbbbbbbbbb00000001',
];

function failure(run: () => unknown): Record<string, unknown> {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(Kv1ntError);
    const { code, exit, message, suggestions } = error as Kv1ntError;
    return { code, exit, message, suggestions, candidates: (error as { candidates?: unknown }).candidates };
  }
  throw new Error('expected the resolver to throw');
}

describe('resolveId', () => {
  it('takes a whole id as it is, and a unique prefix with or without its tag', () => {
    expect(resolveId('result', RESULTS[1]!, RESULTS)).toBe(RESULTS[1]);
    expect(resolveId('result', 'res_019ac5', RESULTS)).toBe(RESULTS[2]);
    expect(resolveId('result', '019ac5', RESULTS)).toBe(RESULTS[2]);
    expect(resolveId('result', '019ac4f1a2b3aaaaaaaaaaaa00000002', RESULTS)).toBe(RESULTS[1]);
  });

  it('refuses a prefix that fits several ids, listing them (exit 2)', () => {
    expect(failure(() => resolveId('result', 'res_019ac4', RESULTS))).toEqual({
      code: 'ID_AMBIGUOUS',
      exit: 2,
      message: `res_019ac4 fits 2 optimization result ids: ${RESULTS[0]}, ${RESULTS[1]}.`,
      suggestions: ['Type more characters of the id, up to the whole of it.'],
      candidates: [RESULTS[0], RESULTS[1]],
    });
  });

  it(`refuses fewer than ${MIN_ID_PREFIX} characters after the tag, even when they would be unique`, () => {
    expect(failure(() => resolveId('plan', 'plan_019', ['plan_019ac4']))).toMatchObject({
      code: 'INVALID_INPUT',
      exit: 2,
      message: `"plan_019" is too short for a plan id: type at least ${MIN_ID_PREFIX} characters after "plan_".`,
    });
    expect(failure(() => resolveId('result', '019', RESULTS))).toMatchObject({ code: 'INVALID_INPUT' });
    expect(resolveId('plan', 'plan_019a', ['plan_019ac4'])).toBe('plan_019ac4');
  });

  it('names the kind when nothing fits, with the code of that kind', () => {
    expect(failure(() => resolveId('opportunity', 'opp_ffff', ['opp_0000aaaa']))).toMatchObject({
      code: 'OPPORTUNITY_NOT_FOUND',
      exit: 2,
      message: 'No opportunity opp_ffff.',
    });
    expect(failure(() => resolveId('result', 'ffff0000', RESULTS))).toMatchObject({
      code: 'RESULT_NOT_FOUND',
    });
    expect(failure(() => resolveId('verification', 'ver_1234', []))).toMatchObject({ code: 'ID_NOT_FOUND' });
  });

  it('does not take an id of another kind for its own (the tag is part of the prefix)', () => {
    expect(failure(() => resolveId('plan', 'res_019ac5', RESULTS))).toMatchObject({ code: 'PLAN_NOT_FOUND' });
  });

  it('lists at most ten candidates in the message, all of them in the error', () => {
    const many = Array.from({ length: 12 }, (_, i) => `lrn_abcd${String(i).padStart(2, '0')}`);
    const report = failure(() => resolveId('learning', 'abcd', many));
    expect(report.message).toBe(`abcd fits 12 learning ids: ${many.slice(0, 10).join(', ')} and 2 more.`);
    expect(report.candidates).toEqual(many);
  });
});
