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

/**
 * Ids that sort by creation time: 12 hex digits of milliseconds, 12 random hex digits drawn once
 * per process (two processes colliding is a 1-in-2^48 event), and an 8-digit counter that keeps
 * ids of one process unique within a millisecond. The prefix tells what a bare id refers to.
 */
export function newId(prefix: string): string {
  counter = (counter + 1) >>> 0;
  return `${prefix}_${timePart()}${processPart}${counter.toString(16).padStart(8, '0')}`;
}

/** The id's time digits, formatted once per millisecond (an import makes millions of ids). */
let lastTime = { ms: -1, hex: '' };
function timePart(): string {
  const ms = Date.now();
  if (ms !== lastTime.ms) lastTime = { ms, hex: ms.toString(16).padStart(12, '0') };
  return lastTime.hex;
}
