import { invalidInput } from '../core/errors.js';
import {
  LIMITS,
  isPlainObject,
  parseJsonInput,
  safeRecord,
  setOwn,
  type FeedbackInput,
} from '../core/recording.js';

/** Parsed flag values by flag name, as oclif or the fast path (fast-record/argv.ts) give them. */
export type FlagValues = Readonly<Record<string, unknown>>;

/** A flag's one value; undefined when absent. */
export function text(flags: FlagValues, name: string): string | undefined {
  const value = flags[name];
  return typeof value === 'string' ? value : undefined;
}

/** A repeatable flag's values; undefined when absent. */
export function texts(flags: FlagValues, name: string): string[] | undefined {
  const value = flags[name];
  return Array.isArray(value) ? value.map(String) : undefined;
}

/** Flag strings → FeedbackInput; the core then validates ranges and combinations. */
export function inputFromFlags(
  agentId: string,
  operationId: string,
  type: string,
  flags: FlagValues,
): FeedbackInput {
  const input: FeedbackInput = { agentId, operationId, type, source: text(flags, 'source') };
  const score = text(flags, 'score');
  if (score !== undefined) input.score = parseNumber('--score', score);
  const durationMs = text(flags, 'duration-ms');
  if (durationMs !== undefined) input.durationMs = parseNumber('--duration-ms', durationMs);
  const details = text(flags, 'details');
  if (details !== undefined) input.details = parseObject('--details', details);
  const metrics = texts(flags, 'metric');
  if (metrics !== undefined && metrics.length > 0) input.metrics = parsePairs('--metric', metrics);
  const errorType = text(flags, 'error-type');
  if (errorType !== undefined) input.errorType = errorType;
  const message = text(flags, 'message');
  if (message !== undefined) input.message = message;
  const timestamp = text(flags, 'timestamp');
  if (timestamp !== undefined) input.timestamp = timestamp;
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
