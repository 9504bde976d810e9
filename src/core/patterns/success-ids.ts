/**
 * The successes of one operation kind, listed for the retries (an id that failed may succeed
 * anywhere in the log). Most ids are a name and a counter (`summarize-1042`): such an id is kept
 * as its number after the kind's first such name, a small integer the engine stores without an
 * object. A million ids held as strings kept every string (and the log text it was cut from)
 * alive, and the garbage collector copying them cost more than a tenth of a run.
 */
export interface SuccessList {
  /** The name before the number, from the first id of that shape. */
  prefix: string | undefined;
  /** The id, or its number after `prefix`. */
  ids: Array<string | number>;
  times: number[];
  seqs: number[];
}

/** Counters of up to nine digits: integers the engine keeps unboxed (below 2^30). */
const MAX_DIGITS = 9;

export function newSuccessList(): SuccessList {
  return { prefix: undefined, ids: [], times: [], seqs: [] };
}

export function addSuccess(list: SuccessList, id: string, time: number, seq: number): void {
  if (list.prefix === undefined) {
    let from = id.length;
    while (from > 0 && isDigit(id.charCodeAt(from - 1))) from -= 1;
    if (from < id.length) list.prefix = id.slice(0, from);
  }
  const number = list.prefix === undefined ? -1 : numberAfter(id, list.prefix);
  list.ids.push(number === -1 ? id : number);
  list.times.push(time);
  list.seqs.push(seq);
}

/** The i-th id as it was added. */
export function successId(list: SuccessList, i: number): string {
  const id = list.ids[i]!;
  return typeof id === 'number' ? `${list.prefix}${id}` : id;
}

/** The number `id` writes after `prefix` (digits only, no leading zero), else -1. */
function numberAfter(id: string, prefix: string): number {
  const length = id.length - prefix.length;
  if (length < 1 || length > MAX_DIGITS || !id.startsWith(prefix)) return -1;
  if (length > 1 && id.charCodeAt(prefix.length) === 48) return -1;
  let value = 0;
  for (let i = prefix.length; i < id.length; i++) {
    const code = id.charCodeAt(i);
    if (!isDigit(code)) return -1;
    value = value * 10 + code - 48;
  }
  return value;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}
