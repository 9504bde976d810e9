import { describe, expect, it } from 'vitest';
import { EntryBytes } from '../../../src/core/feedback/entry-bytes.js';
import { entryLine } from '../../../src/core/feedback/entry-line.js';
import { parseImport } from '../../../src/core/feedback/import-block.js';
import { checkEntry, toFeedbackRecord, type UncheckedImport } from '../../../src/core/feedback/validate.js';

const now = new Date('2026-11-24T12:00:00.000Z');

/** Import lines of odd shapes: key orders, escapes, number spellings, extra and nested fields. */
const ODD_LINES = [
  '{"type":"success","operationId":"op","agentId":"a"}',
  '{"agentId":"a","operationId":"op \\"quoted\\" \\\\ back","type":"failure","errorType":"E\\u0000x","message":"tab\\there\\nnew line \\u2028 \\u2029 \\ud800 lone \\udfff"}',
  '{"agentId":"a","operationId":"caf\\u00e9 ☕ 😀","type":"quality_score","score":1.0}',
  '{"agentId":"a","operationId":"op","type":"quality_score","score":5e-7,"durationMs":1e3}',
  '{"agentId":"a","operationId":"op","type":"success","durationMs":-0,"metrics":{"memoryMb":1.50,"__proto__":2,"constructor":-0,"b":1e21,"a.x":-3.25e-300}}',
  '{"agentId":"a","operationId":"op","type":"user_rating","rating":3.5,"source":"user"}',
  '{"agentId":"a","operationId":"op","type":"user_rating","rating":1,"score":0}',
  '{"agentId":"a","operationId":"op","type":"success","details":{"2":1,"1":[true,null,{"ü":"\\u001f"}],"z":{"y":{"x":0.1}},"":""}}',
  '{"message":"m","errorType":"t","metrics":{"x":1},"durationMs":5,"details":{"k":1},"timestamp":"2026-11-24T13:00:00+01:00","type":"failure","operationId":"op","agentId":"a.b-c_d"}',
  '{"id":"fb_0000018c1234abcdef1234560000abcd","agentId":"a","operationId":"op","type":"success","score":1,"source":"agent","timestamp":"2026-11-24T10:00:00.000Z","recordedAt":"2026-11-24T11:00:00.000Z","durationMs":120,"metrics":{"memoryMb":200}}',
  '{"id":"span:1.2-3","recordedAt":"2026-11-24 10:00","timestamp":"2026-11-24","agentId":"A","operationId":"o","type":"failure","score":0}',
  '{"agentId":"a","operationId":"op","type":"quality_score","score":0.30000000000000004,"metrics":{}}',
  '{"agentId":"a","operationId":"op","type":"success","details":{}}',
];

describe('entryLine', () => {
  it('writes exactly what JSON.stringify writes, for every odd shape an import accepts', () => {
    const parsed = parseImport(ODD_LINES.join('\n'), now);
    expect(parsed.invalid).toEqual([]);
    expect(parsed.lines).toHaveLength(ODD_LINES.length);
    parsed.entries.forEach((entry, i) => {
      expect(parsed.lines[i]).toBe(JSON.stringify(entry));
      expect(entryLine(entry)).toBe(JSON.stringify(entry));
    });
  });

  it('matches JSON.stringify over generated entries of every optional field combination', () => {
    for (const input of generatedInputs()) {
      const { entry, line } = toFeedbackRecord(input, now, undefined, true);
      expect(line).toBe(JSON.stringify(entry));
    }
  });
});

describe('EntryBytes', () => {
  /** Writes the inputs' entries as an import does, one buffer for all, and the reference lines. */
  function bothWays(inputs: UncheckedImport[]): { written: Buffer; expected: Buffer } {
    const bytes = new EntryBytes();
    const expected: string[] = [];
    for (const input of inputs) {
      const { entry, line } = checkEntry(input, now, undefined, true);
      bytes.add(entry, line);
      expected.push(`${JSON.stringify(entry)}\n`);
    }
    return { written: Buffer.from(bytes.take()), expected: Buffer.from(expected.join('')) };
  }

  it('writes, byte for byte, the UTF-8 of each line as JSON.stringify writes it', () => {
    const odd = ODD_LINES.map((line) => JSON.parse(line) as UncheckedImport);
    for (const inputs of [odd, generatedInputs()]) {
      const { written, expected } = bothWays(inputs);
      expect(written.toString()).toBe(expected.toString());
      expect(written.equals(expected)).toBe(true);
    }
  });

  it('writes the longest entry without details that validation lets through, and refuses one with details past the limit', () => {
    const long = (char: string, length: number): string => char.repeat(length);
    const longest: UncheckedImport = {
      id: long('i', 128),
      agentId: long('a', 128),
      operationId: long('\u0001', 256),
      type: 'success',
      errorType: long('\u0002', 128),
      message: long('\u0003', 4096),
      durationMs: Math.PI * 1e-300, // the longest number text: 17 digits and an exponent
      metrics: Object.fromEntries(
        Array.from({ length: 64 }, (_, i) => [`m${i}${long('x', 60)}`, -Math.PI * 1e-300]),
      ),
    };
    const { written, expected } = bothWays([longest, longest]);
    expect(written.equals(expected)).toBe(true);
    expect(written.length / 2).toBeLessThan(40_000);
    // Details just under their own 32 KiB, with every other field at its longest: past 64 KiB.
    const bulky = { ...longest, details: { t: long('é', 16_300) } };
    expect(() => checkEntry(bulky, now, undefined, true)).toThrow(/larger than 64 KiB/);
    expect(() => checkEntry({ ...bulky, message: 'm' }, now, undefined, true)).not.toThrow();
  });
});

/** Import inputs of every optional field combination, through JSON as an import line arrives. */
function generatedInputs(): UncheckedImport[] {
  const inputs: UncheckedImport[] = [];
  let seed = 12345;
  const random = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const text = (): string =>
    Array.from({ length: 1 + Math.floor(random() * 12) }, () =>
      String.fromCharCode(Math.floor(random() * 0x3000)),
    ).join('');
  const number = (): number =>
    [0, -0, 1, 7, 42, 10_000, 99_999, 100_000, 1.5, 1e21, 1e-7, 123456789.123, 2 ** 53 + 2, random()][
      Math.floor(random() * 14)
    ]!;
  for (let i = 0; i < 2000; i++) {
    const type = ['success', 'failure', 'quality_score', 'user_rating'][i % 4]!;
    const input: Record<string, unknown> = { agentId: `a${i % 7}`, operationId: text(), type };
    if (type === 'quality_score') input.score = Math.abs(number()) % 1;
    if (type === 'user_rating') input.rating = 1 + Math.floor(random() * 5);
    if (random() < 0.5) input.durationMs = Math.abs(number());
    if (random() < 0.5) input.metrics = { m: number(), __proto__x: number(), [`n${i % 3}`]: number() };
    if (random() < 0.3) input.details = { [text()]: text(), nested: { list: [number(), text()] } };
    if (random() < 0.5) input.errorType = text();
    if (random() < 0.5) input.message = text();
    // Through JSON, as an import line arrives.
    inputs.push(JSON.parse(JSON.stringify(input)) as UncheckedImport);
  }
  return inputs;
}
