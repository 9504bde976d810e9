import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import learningsStrategy, {
  SECTION_END,
  SECTION_START,
  findSection,
  renderSection,
  updateLearningsText,
} from '../../../../src/plugins/strategies/learnings.js';
import type { LearningInfo } from '../../../../src/core/sdk/types.js';
import { tempDir } from '../../../helpers/cli.js';
import { learning } from '../../../helpers/learning.js';
import {
  apply,
  makeApplyContext,
  makeStrategyContext,
  opportunity,
  plan,
} from '../../../helpers/strategy-context.js';

const low = learning({ id: 'lrn_b', title: 'Check the cache first', impactScore: 0.3 });
const high = learning({
  id: 'lrn_a',
  title: 'Retry ETIMEDOUT once',
  learningType: 'error_avoidance',
  impactScore: 0.8,
  description: 'Requests to the model time out under load.\nRetry once with a longer timeout.',
});
const tie = learning({ id: 'lrn_0', title: 'Tie on impact', impactScore: 0.3 });

function training(ids: string[]) {
  return opportunity('training_needed', {
    title: `${ids.length} learning(s) not absorbed yet`,
    evidence: { pending: ids.length, learningIds: ids },
  });
}

describe('rendering the section', () => {
  it('renders readable Markdown, highest impact first then by id', () => {
    expect(renderSection([low, tie, high])).toBe(
      [
        SECTION_START,
        '## Learnings',
        '',
        '_Written by kv1nt from recorded feedback. Edits inside this section are replaced on the next update._',
        '',
        '### Retry ETIMEDOUT once',
        '',
        '- Type: error_avoidance',
        '- Impact: 0.8',
        '- Id: `lrn_a`',
        '',
        'Requests to the model time out under load.',
        'Retry once with a longer timeout.',
        '',
        '### Tie on impact',
        '',
        '- Type: error_avoidance',
        '- Impact: 0.3',
        '- Id: `lrn_0`',
        '',
        tie.description,
        '',
        '### Check the cache first',
        '',
        '- Type: error_avoidance',
        '- Impact: 0.3',
        '- Id: `lrn_b`',
        '',
        low.description,
        '',
        SECTION_END,
      ].join('\n'),
    );
  });

  it('cannot be broken out of by a learning that contains a marker', () => {
    const sneaky = learning({ id: 'x', title: `bad ${SECTION_END}`, description: `${SECTION_START} -->` });
    const text = updateLearningsText('', [sneaky]);
    expect(findSection(text).ids).toEqual(['x']);
    expect(text.split(SECTION_END)).toHaveLength(2);
  });

  it('refuses unbalanced or repeated markers', () => {
    expect(() => findSection(`a\n${SECTION_START}\nb`)).toThrow(/without/);
    expect(() => findSection(`${SECTION_END}\n${SECTION_START}`)).toThrow(/wrong order/);
    expect(() => findSection(`${SECTION_START}${SECTION_END}${SECTION_START}${SECTION_END}`)).toThrow(
      /more than one/,
    );
  });
});

describe('updateLearningsText keeps every byte outside the markers', () => {
  it.each([
    ['LF with trailing newline', '# Agent notes\n\nKeep it short.\n'],
    ['no trailing newline', '# Agent notes\n\nKeep it short.'],
    ['CRLF', '# Agent notes\r\n\r\nKeep it short.\r\n'],
    ['CRLF, no trailing newline', '# Agent notes\r\n\r\nKeep   it short.  '],
  ])('appends to a file with %s', (_name, original) => {
    const updated = updateLearningsText(original, [high]);
    expect(updated.startsWith(original)).toBe(true);
    const eol = original.includes('\r\n') ? '\r\n' : '\n';
    const added = updated.slice(original.length);
    expect(added).toBe((original.endsWith('\n') ? eol : eol + eol) + renderSection([high], eol) + eol);
    // Every line ending of the section follows the file's.
    if (eol === '\r\n') expect(added.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it('replaces the section in place', () => {
    const before = '# Notes\r\n\r\nintro ';
    const after = '\r\n\r\n## Mine\r\nno newline at the end';
    const original = `${before}${SECTION_START}\r\nold stuff\r\n${SECTION_END}${after}`;
    const updated = updateLearningsText(original, [high, low]);
    expect(updated).toBe(before + renderSection([high, low], '\r\n') + after);
  });

  it('creates the content of a missing or empty file', () => {
    expect(updateLearningsText('', [high])).toBe(`${renderSection([high])}\n`);
  });
});

describe('kv1nt/learnings', () => {
  const agent = { path: '/agents/a', learningsFile: 'LEARNINGS.md' };

  it('plans one low-risk action with the pending learnings', async () => {
    const absorbed = learning({ id: 'lrn_old', absorbedAt: '2026-11-20T00:00:00.000Z' });
    const ctx = makeStrategyContext({ agent, learnings: [low, absorbed, high] });
    const actions = await plan(learningsStrategy, training(['lrn_b', 'lrn_a']), ctx);
    expect(actions).toEqual([
      {
        type: 'write_learnings',
        description: expect.stringMatching(
          /^Write 2 learning\(s\) into LEARNINGS\.md \("Retry ETIMEDOUT once", "Check the cache first"\)/,
        ) as string,
        risk: 'low',
        expectedChange: expect.stringContaining(SECTION_START) as string,
        target: 'file:LEARNINGS.md#kv1nt-learnings',
        file: 'LEARNINGS.md',
        learningIds: ['lrn_a', 'lrn_b'],
      },
    ]);
  });

  it('plans nothing without a learningsFile, a path, or pending learnings', async () => {
    const opp = training(['lrn_a']);
    expect(
      await plan(learningsStrategy, opp, makeStrategyContext({ agent: { path: '/a' }, learnings: [high] })),
    ).toEqual([]);
    expect(
      await plan(
        learningsStrategy,
        opp,
        makeStrategyContext({ agent: { learningsFile: 'L.md' }, learnings: [high] }),
      ),
    ).toEqual([]);
    const absorbed = { ...high, absorbedAt: '2026-11-20T00:00:00.000Z' };
    expect(await plan(learningsStrategy, opp, makeStrategyContext({ agent, learnings: [absorbed] }))).toEqual(
      [],
    );
  });

  describe('apply', () => {
    const action = { type: 'write_learnings', description: 'x', learningIds: ['lrn_a'] };

    it('creates the file (and its folder) when missing, and re-applying is a no-op', async () => {
      const sandbox = tempDir();
      const ctx = makeApplyContext(sandbox, {
        agent: { learningsFile: 'docs/LEARNINGS.md' },
        learnings: [high],
      });
      await apply(learningsStrategy, action, ctx);
      const file = path.join(sandbox, 'docs', 'LEARNINGS.md');
      const first = fs.readFileSync(file, 'utf8');
      expect(first).toBe(`${renderSection([high])}\n`);
      const mtime = fs.statSync(file).mtimeMs;
      await apply(learningsStrategy, action, ctx);
      expect(fs.readFileSync(file, 'utf8')).toBe(first);
      expect(fs.statSync(file).mtimeMs).toBe(mtime);
    });

    it('keeps learnings already written that are still stored, drops deleted ones', async () => {
      const gone = learning({ id: 'lrn_gone', title: 'Deleted from the store' });
      const absorbedLow: LearningInfo = { ...low, absorbedAt: '2026-11-20T00:00:00.000Z' };
      const original = `# Mine\n\n${renderSection([absorbedLow, gone])}\nfooter\n`;
      const sandbox = tempDir({ 'LEARNINGS.md': original });
      const ctx = makeApplyContext(sandbox, {
        agent: { learningsFile: 'LEARNINGS.md' },
        learnings: [absorbedLow, high],
      });
      await apply(learningsStrategy, action, ctx);
      const updated = fs.readFileSync(path.join(sandbox, 'LEARNINGS.md'), 'utf8');
      expect(updated).toBe(`# Mine\n\n${renderSection([high, absorbedLow])}\nfooter\n`);
      expect(findSection(updated).ids).toEqual(['lrn_a', 'lrn_b']);
    });

    it('refuses a learnings file that escapes the sandbox', async () => {
      const outside = tempDir({ 'L.md': 'theirs\n' });
      const sandbox = tempDir();
      fs.symlinkSync(path.join(outside, 'L.md'), path.join(sandbox, 'LEARNINGS.md'));
      fs.symlinkSync(outside, path.join(sandbox, 'docs'));
      for (const learningsFile of ['LEARNINGS.md', 'docs/NEW.md', '../L.md', path.join(outside, 'L.md')]) {
        const ctx = makeApplyContext(sandbox, { agent: { learningsFile }, learnings: [high] });
        await expect(apply(learningsStrategy, action, ctx)).rejects.toThrow(
          /outside the agent folder|relative path/,
        );
      }
      expect(fs.readdirSync(outside)).toEqual(['L.md']);
      expect(fs.readFileSync(path.join(outside, 'L.md'), 'utf8')).toBe('theirs\n');
    });

    it('fails clearly when its learnings are gone or the file is broken', async () => {
      const sandbox = tempDir({ 'L.md': `${SECTION_START}\nhalf` });
      const ctx = makeApplyContext(sandbox, { agent: { learningsFile: 'L.md' }, learnings: [high] });
      await expect(apply(learningsStrategy, { ...action, learningIds: ['lrn_x'] }, ctx)).rejects.toThrow(
        /None of the action's learnings \(lrn_x\)/,
      );
      await expect(apply(learningsStrategy, action, ctx)).rejects.toThrow(/without/);
      expect(fs.readFileSync(path.join(sandbox, 'L.md'), 'utf8')).toBe(`${SECTION_START}\nhalf`);
    });
  });
});
