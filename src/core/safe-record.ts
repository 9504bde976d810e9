/**
 * Records whose keys come from users (error types, metric names, agent ids, plugin names). A
 * plain `{}` answers `constructor`, `toString` or `__proto__` from Object.prototype: a count read
 * as `record['toString'] ?? 0` is a function, and `record['__proto__'] = 1` sets nothing. New
 * records have no prototype; records parsed from JSON do, so every read goes through `ownValue`
 * and every write through `setOwn`, whatever the record's prototype.
 */
export function safeRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** The record's own value at `key`; never an inherited one. */
export function ownValue<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Sets an own property, `__proto__` included (on an object with a prototype that is a setter). */
export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__')
    Object.defineProperty(record, key, { value, writable: true, enumerable: true, configurable: true });
  else record[key] = value;
}

/** Adds `by` to the count at `key` (0 when absent). */
export function countInto(record: Record<string, number | undefined>, key: string, by = 1): void {
  setOwn(record, key, (ownValue(record, key) ?? 0) + by);
}

/** The own value at `key`, created by `make` and stored when there is none. */
export function ownOrCreate<T>(record: Record<string, T>, key: string, make: () => T): T {
  const current = ownValue(record, key);
  if (current !== undefined) return current;
  const created = make();
  setOwn(record, key, created);
  return created;
}
