import { randomUUID } from 'node:crypto';
import { invalidInput } from './errors.js';

export const AGENT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
export const OPERATION_ID_MAX = 256;

export function assertAgentId(value: unknown): string {
  if (typeof value !== 'string' || !AGENT_ID_PATTERN.test(value)) {
    const shown =
      typeof value === 'string'
        ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
        : String(value);
    throw invalidInput(
      `Invalid agent id ${shown}: an agent id is 1–128 characters of letters, digits, '.', '_' or '-', starting with a letter or digit.`,
    );
  }
  return value;
}

export function assertOperationId(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > OPERATION_ID_MAX) {
    throw invalidInput(
      `Invalid operation id: it must be a non-empty string of at most ${OPERATION_ID_MAX} characters.`,
    );
  }
  return value;
}

/** Random, collision-free ids; the prefix tells what a bare id refers to. */
export function newId(prefix: string): string {
  return `${prefix}_${randomUUID().replaceAll('-', '')}`;
}
