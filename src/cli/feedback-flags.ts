import { Args, Flags } from '@oclif/core';
import { invalidInput } from '../core/errors.js';
import {
  FEEDBACK_SOURCES,
  FEEDBACK_TYPES,
  LIMITS,
  isPlainObject,
  parseJsonInput,
  safeRecord,
  setOwn,
  type FeedbackInput,
} from '../core/index.js';

export const agentOperationArgs = {
  agent: Args.string({ description: 'Agent id', required: true }),
  operation: Args.string({ description: 'Operation id (free text, 1–256 characters)', required: true }),
};

/** The flags of `feedback record` that every shortcut takes too (all but --type). */
export const entryFlags = {
  score: Flags.string({ description: 'Score from 0 to 1 (success defaults to 1; failure is always 0).' }),
  source: Flags.string({ description: `Who reports it: ${FEEDBACK_SOURCES.join(', ')}.`, default: 'agent' }),
  details: Flags.string({ description: 'Extra data as a JSON object.' }),
  'duration-ms': Flags.string({ description: 'How long the operation took, in milliseconds.' }),
  metric: Flags.string({
    description: 'A resource figure as name=value (repeatable), e.g. memoryMb=512 or cpuPercent=85.',
    multiple: true,
    multipleNonGreedy: true,
  }),
  'error-type': Flags.string({ description: 'Kind of error (failures), e.g. timeout.' }),
  message: Flags.string({ description: 'Error or note text.' }),
  timestamp: Flags.string({ description: 'When it happened (ISO-8601); defaults to now.' }),
};

export const typeFlag = Flags.string({
  description: `Entry type: ${FEEDBACK_TYPES.join(', ')}.`,
  required: true,
});
export const ratingFlag = Flags.string({ description: 'Rating from 1 to 5 (user_rating only).' });

type EntryFlagValues = {
  score?: string | undefined;
  source?: string | undefined;
  details?: string | undefined;
  'duration-ms'?: string | undefined;
  metric?: string[] | undefined;
  'error-type'?: string | undefined;
  message?: string | undefined;
  timestamp?: string | undefined;
};

/** Flag strings → FeedbackInput; the core then validates ranges and combinations. */
export function inputFromFlags(
  agentId: string,
  operationId: string,
  type: string,
  flags: EntryFlagValues,
): FeedbackInput {
  const input: FeedbackInput = { agentId, operationId, type, source: flags.source };
  if (flags.score !== undefined) input.score = parseNumber('--score', flags.score);
  if (flags['duration-ms'] !== undefined)
    input.durationMs = parseNumber('--duration-ms', flags['duration-ms']);
  if (flags.details !== undefined) input.details = parseObject('--details', flags.details);
  if (flags.metric !== undefined && flags.metric.length > 0)
    input.metrics = parsePairs('--metric', flags.metric);
  if (flags['error-type'] !== undefined) input.errorType = flags['error-type'];
  if (flags.message !== undefined) input.message = flags.message;
  if (flags.timestamp !== undefined) input.timestamp = flags.timestamp;
  return input;
}

/**
 * Decimal notation only (`250`, `-1.5`, `.5`, `2e3`): Number() would also take `0x10`, `0b1`,
 * `0o7` and `Infinity`, which nobody means as a score or a duration.
 */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The one parser of every numeric flag and argument. */
export function parseNumber(flag: string, text: string): number {
  const trimmed = text.trim();
  const value = DECIMAL.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!Number.isFinite(value))
    throw invalidInput(`${flag} expects a decimal number (e.g. 0.5 or 250), got ${JSON.stringify(text)}.`);
  return value;
}

export function parseObject(flag: string, text: string): Record<string, unknown> {
  const parsed = parseJsonInput(text, flag, LIMITS.detailsBytes, LIMITS.depth);
  if (!isPlainObject(parsed))
    throw invalidInput(`${flag} expects a JSON object, e.g. '{"task":"summarize"}'.`);
  return parsed;
}

/** `name=value` pairs with numeric values (metrics, dimensions). */
export function parsePairs(flag: string, pairs: string[]): Record<string, number> {
  const result = safeRecord<number>();
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw invalidInput(`${flag} expects name=value, got ${JSON.stringify(pair)}.`);
    const name = pair.slice(0, at);
    if (Object.hasOwn(result, name)) throw invalidInput(`${flag} ${name} is given twice.`);
    setOwn(result, name, parseNumber(`${flag} ${name}`, pair.slice(at + 1)));
  }
  return result;
}
