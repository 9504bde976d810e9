/**
 * Bounds on what one call of a plugin hands back (docs/plugins.md, "Isolation and limits"). A
 * detector that returns a million findings, cyclic evidence or 50 MB of it gets a warning naming
 * the limit, and the command goes on with what fits. Used on both sides: a plugin process bounds
 * its result before sending it (the whole never crosses), and kv1nt bounds again what arrives, and
 * what an in-process plugin returns.
 */
export const RESULT_LIMITS = {
  /** Items (findings, learnings, actions) per call; the first ones are kept. */
  items: 1000,
  /** One item as JSON, in UTF-8 bytes. */
  itemBytes: 64 * 1024,
  /** Levels of objects and arrays inside one item (a finding's evidence is level 1). */
  depth: 8,
  /** All the items of one call as JSON. */
  callBytes: 8 * 1024 * 1024,
} as const;

export type ResultLimits = { [K in keyof typeof RESULT_LIMITS]: number };

export interface BoundedItems {
  /** The items that fit, as the text of a JSON array. */
  json: string;
  /** What was left out and why, one sentence each (each becomes a warning). */
  notes: string[];
}

/**
 * The first `limits.items` entries of `list` that are JSON data within the size and depth limits,
 * as JSON, with a note for each kind of thing left out. Reads at most `limits.items` entries and
 * stops encoding one as soon as it passes a limit, so time and memory stay bounded whatever the
 * plugin returned.
 */
export function boundItems(
  list: readonly unknown[],
  noun: string,
  limits: ResultLimits = RESULT_LIMITS,
): BoundedItems {
  const notes: string[] = [];
  const count = list.length;
  if (count > limits.items)
    notes.push(
      `returned ${count} ${noun}s; only the first ${limits.items} are used (limit: ${limits.items} ${noun}s per call)`,
    );
  const dropped = new Map<string, number[]>();
  const parts: string[] = [];
  let total = 2;
  const end = Math.min(count, limits.items);
  for (let index = 0; index < end; index++) {
    const encoded = encodeBounded(list[index], limits.itemBytes, limits.depth);
    if (typeof encoded !== 'string') {
      const reason = encoded.reason.replace('%noun', noun);
      dropped.set(reason, [...(dropped.get(reason) ?? []), index]);
      continue;
    }
    const bytes = Buffer.byteLength(encoded) + 1;
    if (total + bytes > limits.callBytes) {
      notes.push(
        `${noun}s ${index} to ${end - 1} were left out: together they pass ${size(limits.callBytes)} as JSON (limit: ${size(limits.callBytes)} per call)`,
      );
      break;
    }
    parts.push(encoded);
    total += bytes;
  }
  for (const [reason, indexes] of dropped) notes.push(`${indexList(noun, indexes)} left out: ${reason}`);
  return { json: `[${parts.join(',')}]`, notes };
}

/** Stops an encoding that passed a limit; its message is the reason (`%noun` stands for the item's noun). */
class Stop extends Error {}

/**
 * `value` as JSON.stringify would write it, or why it cannot be kept: over `maxBytes`, nested
 * deeper than `maxDepth`, cyclic, or holding what JSON cannot carry (a function, a symbol, a
 * BigInt). `undefined` properties are left out, as JSON does.
 */
export function encodeBounded(
  value: unknown,
  maxBytes: number,
  maxDepth: number,
): string | { reason: string } {
  const parts: string[] = [];
  let bytes = 0;
  const ancestors = new Set<object>();
  const tooLarge = () =>
    new Stop(`larger than ${size(maxBytes)} as JSON (limit: ${size(maxBytes)} per %noun)`);
  const add = (text: string) => {
    bytes += Buffer.byteLength(text);
    if (bytes > maxBytes) throw tooLarge();
    parts.push(text);
  };
  /** Writes one value; false when JSON leaves it out (undefined). */
  const write = (raw: unknown, key: string, depth: number): boolean => {
    let value = raw;
    if (
      value !== null &&
      typeof value === 'object' &&
      typeof (value as { toJSON?: unknown }).toJSON === 'function'
    )
      value = (value as { toJSON(key: string): unknown }).toJSON(key);
    switch (typeof value) {
      case 'undefined':
        return false;
      case 'string':
        // A string is at least as many bytes as characters: refuse a huge one before copying it.
        if (bytes + value.length > maxBytes) throw tooLarge();
        add(JSON.stringify(value));
        return true;
      case 'number':
        add(Number.isFinite(value) ? String(value) : 'null');
        return true;
      case 'boolean':
        add(value ? 'true' : 'false');
        return true;
      case 'function':
      case 'symbol':
      case 'bigint':
        throw new Stop(
          `it holds a ${typeof value === 'bigint' ? 'BigInt' : typeof value}; only JSON data crosses`,
        );
      case 'object':
        break;
    }
    if (value === null) {
      add('null');
      return true;
    }
    if (depth > maxDepth) throw new Stop(`nested more than ${maxDepth} levels deep (limit: ${maxDepth})`);
    if (ancestors.has(value)) throw new Stop('its data refers to itself (a cycle), which JSON cannot carry');
    ancestors.add(value);
    if (Array.isArray(value)) {
      add('[');
      for (let index = 0; index < value.length; index++) {
        if (index > 0) add(',');
        if (!write(value[index], String(index), depth + 1)) add('null');
      }
      add(']');
    } else {
      add('{');
      let first = true;
      for (const name of Object.keys(value)) {
        const mark = parts.length;
        const marked = bytes;
        if (bytes + name.length > maxBytes) throw tooLarge();
        add(`${first ? '' : ','}${JSON.stringify(name)}:`);
        if (write((value as Record<string, unknown>)[name], name, depth + 1)) first = false;
        else {
          parts.length = mark;
          bytes = marked;
        }
      }
      add('}');
    }
    ancestors.delete(value);
    return true;
  };
  try {
    return write(value, '', 0) ? parts.join('') : 'null';
  } catch (error) {
    if (error instanceof Stop) return { reason: error.message };
    return { reason: `reading it threw: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function size(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  return bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} bytes`;
}

function indexList(noun: string, indexes: readonly number[]): string {
  const shown = indexes.slice(0, 5).join(', ');
  const more = indexes.length > 5 ? ` and ${indexes.length - 5} more` : '';
  return indexes.length === 1 ? `${noun} ${shown} was` : `${noun}s ${shown}${more} were`;
}
