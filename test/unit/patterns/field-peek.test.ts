import { describe, expect, it } from 'vitest';
import { FieldPeek } from '../../../src/core/patterns/field-peek.js';
import { DataDir } from '../../../src/core/store/data-dir.js';
import { openStores } from '../../../src/core/store/stores.js';
import { tempDir } from '../../helpers/cli.js';

/** Each line of one segment holding `lines`, with what FieldPeek reads of `field` in it. */
async function peeked(field: string, lines: string[]): Promise<Array<[string, string | undefined]>> {
  const stores = openStores(new DataDir(tempDir()));
  await stores.log.appendSegment(lines);
  const peek = new FieldPeek(field);
  const seen: Array<[string, string | undefined]> = [];
  stores.log.scanSegment(1, (cursor) => seen.push([cursor.text, peek.of(cursor)]));
  return seen;
}

describe('FieldPeek', () => {
  it('reads the top-level field of the lines kv1nt writes, line after line of one chunk', async () => {
    const lines = ['a', 'b', 'c'].map((agentId, i) =>
      JSON.stringify({ id: `fb_${i}`, agentId, type: 'success', metrics: { agentId: 1 } }),
    );
    // The nested `agentId` follows the top-level one: a second key, the line is left to JSON.parse.
    expect((await peeked('agentId', lines)).map(([, value]) => value)).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    const plain = ['a', 'b', 'c'].map((agentId, i) => JSON.stringify({ id: `fb_${i}`, agentId, n: i }));
    expect((await peeked('agentId', plain)).map(([, value]) => value)).toEqual(['a', 'b', 'c']);
  });

  it('leaves any line it cannot be sure of to JSON.parse, and agrees with JSON.parse when it answers', async () => {
    const undecided = [
      '{"details":{"agentId":"x"},"agentId":"a"}',
      '{"list":["x"],"agentId":"a"}',
      '{"agentId":"a","agentId":"b"}',
      '{"agentId":"a","agent\\u0049d":"b"}',
      '{"agentId":"a\\u0062"}',
      '{"agentId": "a"}',
      '{"message":"say \\"hi\\"","agentId":"a"}',
      '{"operationId":"agentId","agentId":"a"}',
      '{"agentId":"a","operationId":"agentId"}',
    ];
    const decided = [
      '{"agentId":"a","message":"{[agentId]}"}',
      '{"id":"x","agentId":"b","metrics":{"a":1}}',
      '{"agentId":"","type":"success"}',
    ];
    // Interleaved, so that each answer depends on the searches of the lines before it.
    const lines = undecided.flatMap((line, i) => [line, decided[i % decided.length]!]);
    for (const [line, value] of await peeked('agentId', lines)) {
      if (undecided.includes(line)) expect(value, line).toBeUndefined();
      else expect(value, line).toBe((JSON.parse(line) as { agentId: string }).agentId);
    }
  });
});

describe('FieldPeek of timestamps', () => {
  const peek = async (line: string) => (await peeked('timestamp', [line]))[0]?.[1];

  it('reads the top-level timestamp of a line kv1nt writes', async () => {
    const nested = '{"id":"x","timestamp":"2026-01-01T00:00:00.000Z","details":{"timestamp":"nested"}}';
    expect(await peek(nested)).toBeUndefined(); // a later "timestamp" key: undecided
    const plain = '{"id":"x","timestamp":"2026-01-01T00:00:00.000Z","metrics":{"m":1},"message":"x"}';
    expect(await peek(plain)).toBe('2026-01-01T00:00:00.000Z');
  });

  it('leaves any line it cannot be sure of to JSON.parse', async () => {
    const cases = [
      '{"details":{"timestamp":"2020-01-01T00:00:00.000Z"},"timestamp":"2026-01-01T00:00:00.000Z"}',
      '{"a":["x"],"timestamp":"2026-01-01T00:00:00.000Z"}',
      '{"timestamp":"2026-01-01T00:00:00.000Z","timestamp":"2020-01-01T00:00:00.000Z"}',
      '{"timestamp":"2026-01-01T00:00:00.000Z","t\\u0069mestamp":"x","\\u0074imestamp":"2020-01-01T00:00:00.000Z"}',
      '{"timestamp":"2026\\u002d01-01T00:00:00.000Z"}',
      ' {"timestamp":"2026-01-01T00:00:00.000Z"}',
      '{"timestamp": "2026-01-01T00:00:00.000Z"}',
      '{"message":"say \\"hi\\"","timestamp":"2026-01-01T00:00:00.000Z"}',
    ];
    for (const [line, value] of await peeked('timestamp', cases)) expect(value, line).toBeUndefined();
  });

  it('agrees with JSON.parse whenever it answers', async () => {
    const lines = [
      '{"operationId":"timestamp","timestamp":"2026-01-01T00:00:00.000Z"}',
      '{"timestamp":"2026-01-01T00:00:00.000Z","message":"{[timestamp]}"}',
      '{"id":"x","timestamp":"2026-01-01T00:00:00.000Z","metrics":{"a":1}}',
      '{"operationId":"op:\\"","timestamp":"2026-01-01T00:00:00.000Z"}',
    ];
    for (const [line, value] of await peeked('timestamp', lines)) {
      if (value !== undefined) expect(value).toBe((JSON.parse(line) as { timestamp: string }).timestamp);
    }
  });
});
