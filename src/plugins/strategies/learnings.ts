import fs from 'node:fs';
import path from 'node:path';
import { defineStrategy, type LearningInfo } from '../../core/sdk/index.js';
import { resolveInside } from './sandbox-file.js';

/**
 * Writes the agent's pending learnings into its `learningsFile`, inside a marked section that
 * kv1nt owns; everything outside the markers stays byte for byte as it was. The action lists the
 * learning ids (`learningIds`) so the engine marks them absorbed once the change is kept.
 */

export const SECTION_START = '<!-- kv1nt:learnings:start -->';
export const SECTION_END = '<!-- kv1nt:learnings:end -->';

/** Each rendered learning carries its id on this line, which is how a later apply finds it again. */
const ID_LINE = /^- Id: `([^`\r\n]+)`\s*$/gm;

export interface LearningsSection {
  /** Offset of the start marker and just past the end marker; null when there is no section. */
  range: { start: number; end: number } | null;
  /** Ids of the learnings the section holds now. */
  ids: string[];
}

/** Finds kv1nt's section in a learnings file; throws when the markers are not one clean pair. */
export function findSection(text: string): LearningsSection {
  const start = text.indexOf(SECTION_START);
  const end = text.indexOf(SECTION_END);
  if (start === -1 && end === -1) return { range: null, ids: [] };
  if (start === -1 || end === -1 || end < start) {
    throw new Error(
      `The learnings file has ${start === -1 ? `"${SECTION_END}" without "${SECTION_START}"` : end === -1 ? `"${SECTION_START}" without "${SECTION_END}"` : 'its section markers in the wrong order'}; fix the markers by hand.`,
    );
  }
  if (text.indexOf(SECTION_START, start + 1) !== -1 || text.indexOf(SECTION_END, end + 1) !== -1) {
    throw new Error('The learnings file has more than one kv1nt learnings section; keep one.');
  }
  const inner = text.slice(start + SECTION_START.length, end);
  const ids = [...inner.matchAll(ID_LINE)].map((match) => match[1]!);
  return { range: { start, end: end + SECTION_END.length }, ids };
}

/** Highest impact first, then by id: the same learnings always render the same bytes. */
export function sortLearnings(learnings: readonly LearningInfo[]): LearningInfo[] {
  return [...learnings].sort(
    (a, b) => b.impactScore - a.impactScore || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/** Text from the store on one line, unable to open or close an HTML comment (and so the section). */
function inline(text: string): string {
  return text.replace(/\s+/g, ' ').trim().replace(/<!--/g, '&lt;!--').replace(/-->/g, '--&gt;');
}

function block(text: string): string {
  return text.replace(/\r\n?/g, '\n').trim().replace(/<!--/g, '&lt;!--').replace(/-->/g, '--&gt;');
}

/** The whole marked section (markers included), lines ended with `eol`. */
export function renderSection(learnings: readonly LearningInfo[], eol = '\n'): string {
  const lines = [
    SECTION_START,
    '## Learnings',
    '',
    '_Written by kv1nt from recorded feedback. Edits inside this section are replaced on the next update._',
    '',
  ];
  for (const learning of sortLearnings(learnings)) {
    lines.push(
      `### ${inline(learning.title) || '(untitled)'}`,
      '',
      `- Type: ${inline(learning.learningType)}`,
      `- Impact: ${learning.impactScore}`,
      `- Id: \`${inline(learning.id)}\``,
      '',
    );
    const description = block(learning.description ?? '');
    if (description !== '') lines.push(...description.split('\n'), '');
  }
  lines.push(SECTION_END);
  return lines.join(eol);
}

/**
 * The new content of the learnings file: the section replaced in place, or appended (after a
 * blank line) when the file has none. Bytes outside the section are kept as they are.
 */
export function updateLearningsText(original: string, learnings: readonly LearningInfo[]): string {
  const eol = original.includes('\r\n') ? '\r\n' : '\n';
  const section = renderSection(learnings, eol);
  const { range } = findSection(original);
  if (range) return original.slice(0, range.start) + section + original.slice(range.end);
  if (original === '') return section + eol;
  const separator = original.endsWith('\n') ? eol : eol + eol;
  return original + separator + section + eol;
}

/** Ids of the learnings the agent's file holds now (none when it is missing or unreadable). */
function sectionIdsIn(agentDir: string, file: string): string[] {
  try {
    return findSection(fs.readFileSync(resolveInside(agentDir, file, 'The learnings file'), 'utf8')).ids;
  } catch {
    return [];
  }
}

export default defineStrategy({
  id: 'kv1nt/learnings',
  handles: ['training_needed'],
  plan(opportunity, ctx) {
    const file = ctx.agent.learningsFile;
    if (!file || !ctx.agent.path) return [];
    // Learnings already in the file's section are there: planning is idempotent.
    const written = new Set(sectionIdsIn(ctx.agent.path, file));
    const pending = sortLearnings(
      ctx.learnings.filter((learning) => !learning.absorbedAt && !written.has(learning.id)),
    );
    if (pending.length === 0) return [];
    const titles = pending.slice(0, 3).map((learning) => `"${inline(learning.title)}"`);
    return [
      {
        type: 'write_learnings',
        description: `Write ${pending.length} learning(s) into ${file} (${titles.join(', ')}${pending.length > 3 ? ', …' : ''}): ${opportunity.title}`,
        risk: 'low',
        expectedChange: `${file}: the section between ${SECTION_START} and ${SECTION_END} lists the learnings; the rest of the file is unchanged`,
        target: `file:${file}#kv1nt-learnings`,
        file,
        learningIds: pending.map((learning) => learning.id),
      },
    ];
  },
  apply(action, sandboxDir, ctx) {
    const file = ctx.agent.learningsFile;
    if (!file) throw new Error('The agent declares no learningsFile.');
    const ids = Array.isArray(action.learningIds) ? action.learningIds.map(String) : [];
    const stored = new Map(ctx.learnings.map((learning) => [learning.id, learning]));
    const fresh = ids.filter((id) => stored.has(id));
    if (fresh.length === 0) {
      throw new Error(`None of the action's learnings (${ids.join(', ') || 'none'}) is stored any more.`);
    }
    const target = resolveInside(sandboxDir, file, 'The learnings file');
    let original = '';
    if (fs.existsSync(target)) {
      if (!fs.statSync(target).isFile()) throw new Error(`The learnings file ${file} is not a file.`);
      original = fs.readFileSync(target, 'utf8');
    }
    // Learnings written earlier stay while they are stored; ones deleted from the store go.
    const keep = findSection(original).ids.filter((id) => stored.has(id));
    const learnings = [...new Set([...keep, ...fresh])].map((id) => stored.get(id)!);
    const updated = updateLearningsText(original, learnings);
    if (updated === original) return;
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, updated);
  },
});
