import { describe, expect, it } from 'vitest';
import { namedAB } from '../../../src/core/optimize/result-diff.js';

describe("namedAB: git's first diff line names the two sides a/ and b/", () => {
  it('renames the sides of an added or a deleted file, quoted or not', () => {
    expect(namedAB('diff --git b/new.md b/new.md\nnew file mode 100644')).toBe(
      'diff --git a/new.md b/new.md\nnew file mode 100644',
    );
    expect(namedAB('diff --git a/gone.md a/gone.md\ndeleted file mode 100644')).toBe(
      'diff --git a/gone.md b/gone.md\ndeleted file mode 100644',
    );
    expect(namedAB('diff --git "b/sp ace\\"\\303\\251.txt" "b/sp ace\\"\\303\\251.txt"\n')).toBe(
      'diff --git "a/sp ace\\"\\303\\251.txt" "b/sp ace\\"\\303\\251.txt"\n',
    );
  });

  it('leaves a diff of a modified file, and anything else, as it is', () => {
    const modified = 'diff --git a/x y.json b/x y.json\nindex 1..2 100644';
    expect(namedAB(modified)).toBe(modified);
    expect(namedAB('')).toBe('');
    expect(namedAB('Binary files differ')).toBe('Binary files differ');
  });
});
