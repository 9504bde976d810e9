/**
 * Freezes a value and everything reachable through its data properties. Getters are left alone
 * (not called): a context may compute a costly field only when a plugin reads it.
 */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.getOwnPropertyNames(value)) {
      const descriptor = Object.getOwnPropertyDescriptor(value, key);
      if (descriptor && 'value' in descriptor) deepFreeze(descriptor.value as unknown);
    }
  }
  return value;
}
