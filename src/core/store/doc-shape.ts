import * as v from 'valibot';
import { isPlainObject } from '../feedback/validate.js';

/**
 * Shapes of the store documents, checked on every read: a hand-edited or foreign file with the
 * right schemaVersion but wrong field types is reported as corrupt (naming the file and the key)
 * instead of crashing later with a TypeError. Objects are loose (a field added by a newer kv1nt
 * of the same schema version passes), and the parsed document is used as it is — valibot's
 * output drops some keys (see keyedRecord).
 */

/**
 * A record keyed by user strings (agent ids, error types, metric names), every entry checked.
 * Not valibot's record(): it skips the keys `__proto__`, `constructor` and `prototype` — neither
 * checked nor kept — and those are ordinary keys in kv1nt's stores.
 */
export function keyedRecord<TEntry extends v.GenericSchema>(entry: TEntry) {
  return v.pipe(
    v.custom<Record<string, v.InferOutput<TEntry>>>(isPlainObject, 'expected an object'),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      const record = dataset.value;
      for (const key of Object.keys(record)) {
        const value = record[key];
        const result = v.safeParse(entry, value);
        if (result.success) continue;
        const [issue] = result.issues;
        addIssue({
          message: issue.message,
          received: issue.received,
          path: [{ type: 'object', origin: 'value', input: record, key, value }, ...(issue.path ?? [])],
        });
        return;
      }
    }),
  );
}

/** A number that JSON can hold (not NaN or Infinity, which JSON writes as null anyway). */
export const finite = v.pipe(v.number(), v.finite());
export const count = v.pipe(v.number(), v.integer(), v.minValue(0));

/** Rows of a table: objects with a string id and agentId, plus whatever `fields` require. */
export function rows<TEntries extends v.ObjectEntries>(fields: TEntries) {
  return v.array(v.looseObject({ id: v.string(), agentId: v.string(), ...fields }));
}

/** The first problem of `doc` against `shape` as `key.path: message`, or undefined when it fits. */
export function shapeProblem(shape: v.GenericSchema, doc: unknown): string | undefined {
  const result = v.safeParse(shape, doc, { abortEarly: true });
  if (result.success) return undefined;
  const [issue] = result.issues;
  return `${v.getDotPath(issue) ?? '(top level)'}: ${issue.message}`;
}
