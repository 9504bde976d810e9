import { ambiguousId, invalidInput, notFound } from './errors.js';

/**
 * Ids typed by a person: the whole id, or a unique prefix of it, with or without its tag
 * (`res_0193ab…`, `0193ab…`). Ids that sort by time share their first digits, so a prefix must
 * be at least MIN_ID_PREFIX characters after the tag, and is refused when it fits several ids.
 */
export const MIN_ID_PREFIX = 4;

export type IdKind = 'result' | 'plan' | 'opportunity' | 'learning' | 'pattern' | 'verification';

const KINDS: Record<
  IdKind,
  {
    tag: string;
    noun: string;
    code: 'RESULT_NOT_FOUND' | 'PLAN_NOT_FOUND' | 'OPPORTUNITY_NOT_FOUND' | 'ID_NOT_FOUND';
    list: string;
  }
> = {
  result: {
    tag: 'res',
    noun: 'optimization result',
    code: 'RESULT_NOT_FOUND',
    list: 'kv1nt history <agent> lists the results of an agent.',
  },
  plan: {
    tag: 'plan',
    noun: 'plan',
    code: 'PLAN_NOT_FOUND',
    list: 'kv1nt history <agent> --json shows the plans of its runs.',
  },
  opportunity: {
    tag: 'opp',
    noun: 'opportunity',
    code: 'OPPORTUNITY_NOT_FOUND',
    list: '`kv1nt opportunities --status all` lists them with their ids.',
  },
  learning: {
    tag: 'lrn',
    noun: 'learning',
    code: 'ID_NOT_FOUND',
    list: 'kv1nt learnings <agent> --json lists them.',
  },
  pattern: {
    tag: 'pat',
    noun: 'pattern',
    code: 'ID_NOT_FOUND',
    list: 'kv1nt patterns <agent> --stored --json lists them.',
  },
  verification: {
    tag: 'ver',
    noun: 'verification',
    code: 'ID_NOT_FOUND',
    list: 'kv1nt verify <agent> lists them.',
  },
};

/** How many candidates an ambiguous prefix names in its message. */
const SHOWN = 10;

/**
 * The one id of `ids` that `typed` names: itself, or the only id it is a prefix of (tag optional).
 * Throws (exit 2) when the prefix is too short, fits no id, or fits several (listing them).
 */
export function resolveId(kind: IdKind, typed: string, ids: Iterable<string>): string {
  const { tag, noun, code, list } = KINDS[kind];
  const all = [...ids];
  if (all.includes(typed)) return typed;
  const full = typed.startsWith(`${tag}_`) ? typed : `${tag}_${typed}`;
  if (full.length - tag.length - 1 < MIN_ID_PREFIX)
    throw invalidInput(
      `${JSON.stringify(typed)} is too short for a ${noun} id: type at least ${MIN_ID_PREFIX} characters after "${tag}_".`,
      [list],
    );
  const candidates = [...new Set(all.filter((id) => id.startsWith(full)))].sort();
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length === 0) throw notFound(code, `No ${noun} ${typed}.`, [list]);
  const shown = candidates.slice(0, SHOWN).join(', ');
  const more = candidates.length > SHOWN ? ` and ${candidates.length - SHOWN} more` : '';
  throw ambiguousId(`${typed} fits ${candidates.length} ${noun} ids: ${shown}${more}.`, candidates, [
    'Type more characters of the id, up to the whole of it.',
  ]);
}
