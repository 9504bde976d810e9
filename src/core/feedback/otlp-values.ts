import type {
  IAnyValue,
  IKeyValue,
} from '@opentelemetry/otlp-transformer/build/src/common/internal-types.js';
import { invalidInput } from '../errors.js';

/**
 * Reading the untrusted values of an OTLP/JSON export. The OpenTelemetry types describe the
 * shape; these helpers check it, because a file is not bound by a type: a value of the wrong kind
 * is an error that names where it is (`resourceSpans[0].scopeSpans[1].spans[2].traceId`).
 */

/** An attribute list as key → value (the last one wins, as in the SDKs). */
export function attributeMap(value: unknown, where: string): Map<string, IAnyValue> {
  const map = new Map<string, IAnyValue>();
  if (value === undefined || value === null) return map;
  if (!Array.isArray(value)) throw badShape(`${where}.attributes`, 'an array of {key, value}');
  (value as unknown[]).forEach((item, index) => {
    const pair = item as Partial<IKeyValue> | null;
    if (pair === null || typeof pair !== 'object' || typeof pair.key !== 'string')
      throw badShape(`${where}.attributes[${index}]`, 'an object {key, value}');
    if (pair.value !== null && typeof pair.value === 'object') map.set(pair.key, pair.value);
  });
  return map;
}

/** A string attribute, or undefined when absent, empty or of another kind. */
export function stringAttr(attrs: Map<string, IAnyValue>, key: string): string | undefined {
  const value = attrs.get(key)?.stringValue;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * A numeric attribute: doubleValue, or intValue — a string in OTLP/JSON (a 64-bit integer does
 * not fit a JSON number), a number from some writers. Undefined when absent or not finite.
 */
export function numberAttr(attrs: Map<string, IAnyValue>, key: string): number | undefined {
  const value = attrs.get(key);
  if (value === undefined) return undefined;
  const raw: unknown = value.doubleValue ?? value.intValue;
  const number = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  return typeof number === 'number' && Number.isFinite(number) ? number : undefined;
}

/** A trace or span id: hex of `bytes` bytes (OTLP/JSON writes ids in hex, not base64). */
export function hexId(value: unknown, bytes: number, where: string): string {
  const pattern = bytes === 16 ? /^[0-9a-f]{32}$/i : /^[0-9a-f]{16}$/i;
  if (typeof value !== 'string' || !pattern.test(value) || /^0+$/.test(value))
    throw badShape(where, `${bytes * 2} hex digits, not all zero`, value);
  return value.toLowerCase();
}

/** Nanoseconds since the epoch (`Fixed64`): a decimal string in OTLP/JSON, a number or LongBits from some writers. */
export function nanos(value: unknown, where: string): bigint {
  if (typeof value === 'string' && /^\d{1,20}$/.test(value)) return BigInt(value);
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return BigInt(Math.round(value));
  const bits = value as { low?: unknown; high?: unknown } | null;
  if (
    bits !== null &&
    typeof bits === 'object' &&
    typeof bits.low === 'number' &&
    typeof bits.high === 'number'
  )
    return (BigInt(bits.high >>> 0) << 32n) | BigInt(bits.low >>> 0);
  throw badShape(where, 'nanoseconds since 1970 as a decimal string', value);
}

export function list(value: unknown, where: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw badShape(where, 'an array');
  return value as unknown[];
}

export function object(value: unknown, where: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw badShape(where, 'an object');
  return value as Record<string, unknown>;
}

export function badShape(where: string, expected: string, value?: unknown) {
  const shown = value === undefined ? '' : ` (got ${(JSON.stringify(value) ?? typeof value).slice(0, 60)})`;
  return invalidInput(`${where} must be ${expected}${shown}.`, [
    'Import the file an OpenTelemetry Collector file exporter writes (format: json): one ExportTraceServiceRequest per line.',
  ]);
}
