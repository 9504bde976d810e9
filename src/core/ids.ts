import { randomBytes } from 'node:crypto';
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

const processPart = randomBytes(6).toString('hex');
let counter = randomBytes(4).readUInt32BE(0);
let stem = { ms: -1, prefix: '', high: -1, text: '' };
const LOW_DIGITS = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * Ids that sort by creation time: 12 hex digits of milliseconds, 12 random hex digits drawn once
 * per process (two processes colliding is a 1-in-2^48 event), and an 8-digit counter that keeps
 * ids of one process unique within a millisecond. The prefix tells what a bare id refers to.
 */
export function newId(prefix: string): string {
  counter = (counter + 1) >>> 0;
  const ms = Date.now();
  // The stem (prefix, time, process and the counter's upper six digits) is built once per
  // millisecond and per 256 ids; an import makes millions of ids, each then one concatenation.
  if (ms !== stem.ms || prefix !== stem.prefix || counter >>> 8 !== stem.high) {
    const high = counter >>> 8;
    const text = `${prefix}_${ms.toString(16).padStart(12, '0')}${processPart}${high.toString(16).padStart(6, '0')}`;
    stem = { ms, prefix, high, text };
  }
  return stem.text + LOW_DIGITS[counter & 0xff]!;
}
