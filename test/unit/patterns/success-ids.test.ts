// Success ids kept as numbers after their kind's name: each must read back as the id added.
import { describe, expect, it } from 'vitest';
import { addSuccess, newSuccessList, successId } from '../../../src/core/patterns/success-ids.js';

describe('SuccessList', () => {
  it('gives back every id as added, numbers kept only where the text is exactly name + number', () => {
    const ids = [
      'summarize-1042',
      'summarize-0',
      'summarize-007',
      'summarize-123456789',
      'summarize-1234567890',
      'summarize-',
      'summarize-12a',
      'other-5',
      'summarize',
      '',
      'sümmarize-3',
      'summarize-42',
    ];
    const list = newSuccessList();
    ids.forEach((id, i) => addSuccess(list, id, 1000 + i, i));
    expect(ids.map((_, i) => successId(list, i))).toEqual(ids);
    expect(list.prefix).toBe('summarize-');
    expect(list.ids.filter((id) => typeof id === 'number')).toEqual([1042, 0, 123456789, 42]);
    expect(list.times).toEqual(ids.map((_, i) => 1000 + i));
    expect(list.seqs).toEqual(ids.map((_, i) => i));
  });

  it('reads ids that are all digits after an empty name', () => {
    const list = newSuccessList();
    for (const id of ['12', '0', '00', '999999999']) addSuccess(list, id, 0, 0);
    expect(list.ids).toEqual([12, 0, '00', 999999999]);
    expect([0, 1, 2, 3].map((i) => successId(list, i))).toEqual(['12', '0', '00', '999999999']);
  });
});
