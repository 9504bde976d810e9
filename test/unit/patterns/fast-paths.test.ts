// The shortcuts `patterns` takes over a million lines, each checked against the plain way it
// replaces: the canonical-line pattern against JSON.parse, the day-cached timeOf against
// Date.parse, the cached operation kind against the regex alone, the example slots against
// sort-and-splice.
import { describe, expect, it } from 'vitest';
import { operationKind } from '../../../src/core/feedback/operation-kind.js';
import { FEEDBACK_TYPES } from '../../../src/core/feedback/types.js';
import { toFeedbackRecord } from '../../../src/core/feedback/validate.js';
import { readCanonicalLine } from '../../../src/core/patterns/canonical-line.js';
import { detectPatterns } from '../../../src/core/patterns/detect.js';
import { EXAMPLES, Group } from '../../../src/core/patterns/groups.js';
import { timeOf } from '../../../src/core/patterns/timestamps.js';
import { random } from '../../helpers/random.js';

const pick = <T>(next: () => number, items: readonly T[]): T => items[Math.floor(next() * items.length)]!;

const DETECTED = [
  'agentId',
  'operationId',
  'type',
  'score',
  'timestamp',
  'durationMs',
  'errorType',
  'message',
];
const detected = (entry: Record<string, unknown>) =>
  Object.fromEntries(DETECTED.filter((key) => entry[key] !== undefined).map((key) => [key, entry[key]]));

describe('readCanonicalLine', () => {
  const now = new Date('2026-11-30T12:00:00.000Z');
  it('reads what JSON.parse reads, for lines kv1nt writes of every shape', () => {
    const next = random(7);
    let read = 0;
    for (let i = 0; i < 2000; i++) {
      const type = pick(next, FEEDBACK_TYPES);
      const input: Record<string, unknown> = {
        agentId: pick(next, ['a1', 'agent-0', 'bot.1', 'x_y']),
        operationId: pick(next, ['op-1', `summarize-${i}`, 'q"uote', 'back\\slash', 'tab\tx', 'é-2']),
        type,
        timestamp: new Date(now.getTime() - Math.floor(next() * 1e9)).toISOString(),
      };
      if (!['success', 'failure', 'user_rating'].includes(type))
        input.score = pick(next, [0, 0.5, 1, 0.123456789, 1e-7]);
      if (type === 'user_rating') input.rating = pick(next, [1, 3, 5]);
      if (next() < 0.6) input.durationMs = pick(next, [0, 12, 1.5, 1e21, 123456.789]);
      if (next() < 0.3) input.metrics = pick(next, [{}, { memoryMb: 200 }, { a: 1, 'b.c': -2.5e-8 }]);
      if (next() < 0.2) input.details = pick(next, [{ task: 'batch' }, { dimensions: { accuracy: 0.9 } }]);
      if (type === 'failure' || next() < 0.1) {
        input.errorType = pick(next, ['timeout', 'rate_limit', 'ünïcode', 'quote"d']);
        input.message = pick(next, ['timed out after 3000 ms', 'line\nbreak', 'emoji 🙂', '{"json":1}', 'x']);
      }
      const { line } = toFeedbackRecord(input, now);
      const fast = readCanonicalLine(line);
      const parsed = JSON.parse(line) as Record<string, unknown>;
      if (fast === undefined) {
        // Only lines the pattern may not read: an escape, a rating or details.
        expect(line.includes('\\') || parsed.rating !== undefined || parsed.details !== undefined).toBe(true);
        continue;
      }
      read++;
      expect(detected(fast as Record<string, unknown>)).toEqual(detected(parsed));
    }
    expect(read).toBeGreaterThan(500);
  });

  it('leaves every other line to JSON.parse', () => {
    const line =
      '{"id":"fb_1","agentId":"a","operationId":"op-1","type":"success","score":1,"source":"agent","timestamp":"2026-11-30T12:00:00.000Z","recordedAt":"2026-11-30T12:00:00.000Z"}';
    expect(readCanonicalLine(line)).toMatchObject({ agentId: 'a', operationId: 'op-1', score: 1 });
    for (const other of [
      line.replace('"type":"success"', '"type": "success"'),
      line.replace('}', ',"type":"failure"}'),
      line.replace('"agentId":"a"', '"agentId":"\\u0061"'),
      line.replace('"score":1', '"score":01'),
      line.replace('"score":1', '"score":1.'),
      `${line} `,
      line.slice(0, -1),
      line.replace('{"id":"fb_1",', '{'),
    ])
      expect(readCanonicalLine(other), other).toBeUndefined();
  });
});

describe('timeOf', () => {
  it('gives Date.parse for canonical timestamps, across days, and for other ISO forms', () => {
    const next = random(11);
    for (let i = 0; i < 5000; i++) {
      const at = Date.UTC(1970 + Math.floor(next() * 100), 0, 1) + Math.floor(next() * 365 * 86_400_000);
      const iso = new Date(at).toISOString();
      expect(timeOf(iso)).toBe(at);
      // Same day, other times: the day is read once.
      const later = new Date(at - (at % 86_400_000) + Math.floor(next() * 86_400_000)).toISOString();
      expect(timeOf(later)).toBe(Date.parse(later));
    }
    expect(timeOf('2026-11-30T12:00:00Z')).toBe(Date.parse('2026-11-30T12:00:00Z'));
    expect(timeOf('2026-11-30T12:00:00.000+01:00')).toBe(Date.parse('2026-11-30T12:00:00.000+01:00'));
    timeOf('2026-11-30T00:00:00.000Z');
    expect(timeOf('2026-11-30Tab:00:00.000Z')).toBeNaN();
  });
});

describe('operationKind', () => {
  it('gives what the suffix pattern alone gives, with the stems cached', () => {
    const plain = (id: string) => id.replace(/(?:[-_.:/#]?(?:\d+|[0-9a-f]{8,}))+$/i, '') || id;
    const next = random(3);
    const names = ['summarize', 'fetch_doc', 'abc', 'ab', 'x-abcdef', 'deadbeef', 'v1.', 'a#', ''];
    for (let i = 0; i < 20_000; i++) {
      const digits = String(Math.floor(next() * 10 ** (1 + Math.floor(next() * 12)))).padStart(
        Math.floor(next() * 4),
        '0',
      );
      const id = `${pick(next, names)}${pick(next, ['', '-', '_', '.', ':', '/', '#'])}${digits}`;
      expect(operationKind({ operationId: id }), id).toBe(plain(id));
    }
    expect(operationKind({ operationId: '12345' })).toBe('12345');
  });
});

describe('Group examples', () => {
  /** The earliest distinct ids (ties in the order added), by sorting every sighting. */
  function reference(sightings: Array<{ timestamp: string; operationId: string }>): string[] {
    const firstOf = new Map<string, { timestamp: string; order: number }>();
    sightings.forEach(({ timestamp, operationId }, order) => {
      const known = firstOf.get(operationId);
      if (!known || timestamp < known.timestamp) firstOf.set(operationId, { timestamp, order });
    });
    return [...firstOf]
      .sort(([, a], [, b]) =>
        a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : a.order - b.order,
      )
      .slice(0, EXAMPLES)
      .map(([id]) => id);
  }

  it('keeps the earliest distinct ids whatever the order: ascending, descending, shuffled, repeated', () => {
    const next = random(5);
    for (let run = 0; run < 300; run++) {
      const count = 1 + Math.floor(next() * 40);
      const ids = 1 + Math.floor(next() * 12);
      const sightings = Array.from({ length: count }, () => ({
        timestamp: `2026-11-30T12:00:${String(Math.floor(next() * 20)).padStart(2, '0')}.000Z`,
        operationId: `op-${Math.floor(next() * ids)}`,
      }));
      const order = run % 3;
      if (order === 1)
        sightings.sort((a, b) => (a.timestamp < b.timestamp ? 1 : a.timestamp > b.timestamp ? -1 : 0));
      if (order === 2)
        sightings.sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));
      const group = Group.of(sightings);
      expect(group.examples, JSON.stringify(sightings)).toEqual(reference(sightings));
      expect(group.count).toBe(count);
    }
  });
});

describe('retries across kinds', () => {
  it('counts a success whose details name another kind than its failure', () => {
    const at = (minute: number) => `2026-11-30T12:${String(minute).padStart(2, '0')}:00.000Z`;
    const base = { agentId: 'a', score: 0, errorType: 'timeout', message: 'timed out' } as const;
    const retries = detectPatterns(
      [
        { ...base, operationId: 'job-1', type: 'failure', timestamp: at(1) },
        // The retry succeeded under a task name: its kind is "batch", which never failed.
        {
          ...base,
          operationId: 'job-1',
          type: 'success',
          score: 1,
          timestamp: at(2),
          details: { task: 'batch' },
        },
        { ...base, operationId: 'job-2', type: 'failure', timestamp: at(3) },
        { ...base, operationId: 'job-2', type: 'failure', timestamp: at(4) },
        { ...base, operationId: 'job-3', type: 'success', score: 1, timestamp: at(5) },
      ],
      { minFrequency: 1, minConfidence: 0, slaMs: null },
    ).find((p) => p.signature === 'retries');
    expect(retries).toMatchObject({ frequency: 2, examples: ['job-1', 'job-2'], extra: { attempts: 4 } });
  });
});
