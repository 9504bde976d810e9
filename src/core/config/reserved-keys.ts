/**
 * valibot's `record()` leaves the keys `__proto__`, `constructor` and `prototype` out of its
 * output without a word (against prototype pollution), so `agents: {"__proto__": {...}}` would
 * silently declare no agent. This walk finds those keys wherever the schema has a record, so the
 * config can refuse them by name. It also notices a record whose prototype was replaced (a
 * literal `__proto__:` key in a JavaScript config), whose entries are then invisible.
 */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** The parts of a valibot schema this walk reads (every schema object has `type`). */
interface SchemaNode {
  type: string;
  wrapped?: SchemaNode;
  entries?: Record<string, SchemaNode>;
  item?: SchemaNode;
  value?: SchemaNode;
}

export interface ReservedKeyIssue {
  /** Dot path of the offending key, e.g. `agents.__proto__`. */
  path: string;
  message: string;
}

export function reservedKeyIssues(schema: unknown, value: unknown, path: string[] = []): ReservedKeyIssue[] {
  const node = unwrap(schema as SchemaNode);
  if (value === null || typeof value !== 'object') return [];
  const issues: ReservedKeyIssue[] = [];
  if (node.type === 'record' && node.value) {
    const prototype = Object.getPrototypeOf(value) as unknown;
    if (prototype !== Object.prototype && prototype !== null && !Array.isArray(value))
      issues.push({
        path: path.join('.') || '(top level)',
        message:
          'its prototype was replaced (a literal "__proto__" key in a JavaScript config?); write plain keys',
      });
    for (const key of Object.keys(value)) {
      if (RESERVED_KEYS.has(key))
        issues.push({
          path: [...path, key].join('.'),
          message: `"${key}" is a reserved name (every JavaScript object has it); choose another name`,
        });
      else
        issues.push(
          ...reservedKeyIssues(node.value, (value as Record<string, unknown>)[key], [...path, key]),
        );
    }
  } else if (node.entries) {
    for (const key of Object.keys(node.entries))
      if (Object.hasOwn(value, key))
        issues.push(
          ...reservedKeyIssues(node.entries[key], (value as Record<string, unknown>)[key], [...path, key]),
        );
  } else if (node.type === 'array' && node.item && Array.isArray(value)) {
    value.forEach((item, index) =>
      issues.push(...reservedKeyIssues(node.item, item, [...path, String(index)])),
    );
  }
  return issues;
}

function unwrap(node: SchemaNode): SchemaNode {
  let current = node;
  while (current.wrapped) current = current.wrapped;
  return current;
}
