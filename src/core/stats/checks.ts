import { statsBadArgument } from '../errors.js';

/**
 * The statistics take counts and measurements computed by kv1nt itself, so a bad argument is a
 * bug in the caller: it is reported with the function and the argument named, never guessed at.
 */
export function requireCount(fn: string, name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0)
    throw statsBadArgument(`${fn}: ${name} must be a whole number ≥ 0, got ${value}`);
}

export function requireFinite(fn: string, name: string, value: number): void {
  if (!Number.isFinite(value)) throw statsBadArgument(`${fn}: ${name} must be a finite number, got ${value}`);
}
