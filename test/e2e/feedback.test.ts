import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kv1nt, snapshot, tempDir } from '../helpers/cli.js';

const ID = expect.stringMatching(/^fb_[0-9a-f]{32}$/) as unknown;
const ISO = expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/) as unknown;

function home(): string {
  return path.join(tempDir(), 'data');
}

describe('feedback record and its shortcuts', () => {
  it('records each type with its contract shape', () => {
    const data = home();
    expect(kv1nt(data, ['feedback', 'success', 'summarizer', 'op-1', '--json']).json()).toEqual({
      id: ID,
      agentId: 'summarizer',
      operationId: 'op-1',
      type: 'success',
      score: 1,
      source: 'agent',
      timestamp: ISO,
      recordedAt: ISO,
    });
    const failure = kv1nt(data, [
      'feedback',
      'failure',
      'summarizer',
      'op-2',
      '--error-type',
      'timeout',
      '--message',
      'took 30s',
      '--duration-ms',
      '30000',
      '--json',
    ]);
    expect(failure.code).toBe(0);
    expect(failure.json()).toMatchObject({
      type: 'failure',
      score: 0,
      errorType: 'timeout',
      message: 'took 30s',
      durationMs: 30000,
    });

    const quality = kv1nt(data, [
      'feedback',
      'quality',
      'summarizer',
      'op-3',
      '0.8',
      '--dimension',
      'accuracy=0.9',
      '--dimension',
      'brevity=0.5',
      '--source',
      'guardian',
      '--json',
    ]);
    expect(quality.json()).toMatchObject({
      type: 'quality_score',
      score: 0.8,
      source: 'guardian',
      details: { dimensions: { accuracy: 0.9, brevity: 0.5 } },
    });

    const rating = kv1nt(data, [
      'feedback',
      'rate',
      'summarizer',
      'op-4',
      '4',
      '--comment',
      'nice',
      '--json',
    ]);
    expect(rating.json()).toMatchObject({
      type: 'user_rating',
      score: 0.75,
      rating: 4,
      details: { comment: 'nice' },
    });

    const perf = kv1nt(data, [
      'feedback',
      'record',
      'summarizer',
      'op-5',
      '--type',
      'performance',
      '--score',
      '0.4',
      '--metric',
      'memoryMb=612',
      '--metric',
      'cpuPercent=91.5',
      '--details',
      '{"task":"summarize"}',
      '--timestamp',
      '2026-01-02T03:04:05+02:00',
      '--source',
      'system',
      '--json',
    ]);
    expect(perf.json()).toMatchObject({
      type: 'performance',
      score: 0.4,
      source: 'system',
      metrics: { memoryMb: 612, cpuPercent: 91.5 },
      details: { task: 'summarize' },
      timestamp: '2026-01-02T01:04:05.000Z',
    });
    for (const type of ['coverage', 'security', 'documentation', 'quality_score']) {
      expect(
        kv1nt(data, ['feedback', 'record', 'a', 'op', '--type', type, '--score', '0.5', '--json']).json(),
      ).toMatchObject({ type, score: 0.5 });
    }
    expect(
      kv1nt(data, [
        'feedback',
        'record',
        'a',
        'op',
        '--type',
        'user_rating',
        '--rating',
        '1',
        '--json',
      ]).json(),
    ).toMatchObject({ score: 0, rating: 1 });
    expect(
      kv1nt(data, ['feedback', 'record', 'a', 'op', '--type', 'failure', '--json']).json(),
    ).toMatchObject({ score: 0 });
  });

  it('prints a human line without --json', () => {
    const result = kv1nt(home(), ['feedback', 'success', 'bot', 'op', '--score', '0.5']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Recorded success for bot \/ op, score 0.5 \(fb_[0-9a-f]{32}\)\n$/);
  });
});

describe('bad input exits 2, explains, and writes nothing', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['agent id with a slash', ['feedback', 'success', 'a/b', 'op'], /Invalid agent id/],
    ['agent id escaping upward', ['feedback', 'success', '../x', 'op'], /Invalid agent id/],
    ['empty agent id', ['feedback', 'success', '', 'op'], /Invalid agent id/],
    ['agent id of 200 characters', ['feedback', 'success', 'a'.repeat(200), 'op'], /Invalid agent id/],
    ['empty operation id', ['feedback', 'success', 'a', ''], /operation id/],
    ['operation id over 256 characters', ['feedback', 'success', 'a', 'o'.repeat(257)], /operation id/],
    ['score above 1', ['feedback', 'success', 'a', 'op', '--score', '1.5'], /score/],
    ['negative score', ['feedback', 'record', 'a', 'op', '--type', 'coverage', '--score=-0.1'], /score/],
    [
      'score that is not a number',
      ['feedback', 'success', 'a', 'op', '--score', 'high'],
      /--score expects a decimal number/,
    ],
    [
      'score with a failure',
      ['feedback', 'failure', 'a', 'op', '--error-type', 'x', '--score', '0.2'],
      /always scores 0/,
    ],
    [
      'missing score for quality-like types',
      ['feedback', 'record', 'a', 'op', '--type', 'security'],
      /needs a score/,
    ],
    ['rating of 0', ['feedback', 'rate', 'a', 'op', '0'], /rating/],
    ['rating of 6', ['feedback', 'rate', 'a', 'op', '6'], /rating/],
    [
      'score for a user_rating',
      ['feedback', 'record', 'a', 'op', '--type', 'user_rating', '--score', '0.5'],
      /rating from 1 to 5/,
    ],
    ['unknown type', ['feedback', 'record', 'a', 'op', '--type', 'bogus'], /Invalid type "bogus"/],
    ['unknown source', ['feedback', 'success', 'a', 'op', '--source', 'martians'], /Invalid source/],
    ['details that are not JSON', ['feedback', 'success', 'a', 'op', '--details', '{nope'], /not valid JSON/],
    [
      'details that are not an object',
      ['feedback', 'success', 'a', 'op', '--details', '[1,2]'],
      /JSON object/,
    ],
    [
      'details nested 5000 levels',
      ['feedback', 'success', 'a', 'op', '--details', `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`],
      /nested more than/,
    ],
    [
      'details of 100 KiB',
      ['feedback', 'success', 'a', 'op', '--details', JSON.stringify({ blob: 'x'.repeat(100 * 1024) })],
      /larger than/,
    ],
    [
      'timestamp that is not ISO-8601',
      ['feedback', 'success', 'a', 'op', '--timestamp', 'yesterday'],
      /ISO-8601/,
    ],
    [
      'impossible date',
      ['feedback', 'success', 'a', 'op', '--timestamp', '2026-02-31T10:00:00Z'],
      /timestamp/,
    ],
    [
      'timestamp in the future',
      ['feedback', 'success', 'a', 'op', '--timestamp', '2999-01-01T00:00:00Z'],
      /future/,
    ],
    ['metric without a value', ['feedback', 'success', 'a', 'op', '--metric', 'memoryMb'], /name=value/],
    [
      'metric that is not a number',
      ['feedback', 'success', 'a', 'op', '--metric', 'memoryMb=lots'],
      /expects a decimal number/,
    ],
    ['metric with a bad name', ['feedback', 'success', 'a', 'op', '--metric', 'memory mb=5'], /metric name/],
    ['negative duration', ['feedback', 'success', 'a', 'op', '--duration-ms=-5'], /duration/],
    ['unknown flag', ['feedback', 'success', 'a', 'op', '--nope'], /Nonexistent flag/],
    ['missing argument', ['feedback', 'success', 'a'], /Missing 1 required arg/],
  ];

  it.each(cases)('%s', (_name, args, message) => {
    const data = home();
    const human = kv1nt(data, args);
    expect(human.code).toBe(2);
    expect(human.stdout).toBe('');
    expect(human.stderr).toMatch(message);
    const json = kv1nt(data, [...args, '--json']);
    expect(json.code).toBe(2);
    const body = json.json<{ error: { code: string; message: string } }>();
    expect(body.error.code).toMatch(/^INVALID_(INPUT|USAGE)$/);
    expect(body.error.message).toMatch(message);
    expect(fs.existsSync(data)).toBe(false);
  });

  it('leaves an existing data dir byte for byte as it was', () => {
    const data = home();
    kv1nt(data, ['feedback', 'success', 'a', 'op']);
    const before = snapshot(data);
    expect(kv1nt(data, ['feedback', 'success', 'a', 'op', '--score', '7']).code).toBe(2);
    expect(
      kv1nt(data, ['feedback', 'import', '-'], {
        input: '{"agentId":"a","operationId":"o","type":"success"}\n{"agentId":"../a"}\n',
      }).code,
    ).toBe(2);
    expect(snapshot(data)).toEqual(before);
  });
});

describe('feedback import', () => {
  const good = (n: number) =>
    JSON.stringify({ agentId: 'imp', operationId: `op-${n}`, type: 'success', durationMs: 10 * n });

  it('imports JSON Lines from a file and from stdin', () => {
    const data = home();
    const dir = tempDir({
      'in.jsonl': `${good(1)}\n${good(2)}\n\n${JSON.stringify({ agentId: 'imp', operationId: 'r', type: 'user_rating', rating: 5 })}\n`,
    });
    const fromFile = kv1nt(data, ['feedback', 'import', path.join(dir, 'in.jsonl'), '--json']);
    expect(fromFile.code).toBe(0);
    expect(fromFile.json()).toEqual({
      imported: 3,
      duplicates: 0,
      skipped: 0,
      invalidLines: [],
      agents: { imp: 3 },
      from: expect.any(String) as unknown,
      to: expect.any(String) as unknown,
    });
    const fromStdin = kv1nt(data, ['feedback', 'import', '-', '--json'], { input: `${good(3)}\r\n` });
    expect(fromStdin.json()).toMatchObject({ imported: 1 });
    expect(kv1nt(data, ['summary', 'imp', '--json']).json()).toMatchObject({
      total: 4,
      byType: { success: 3, user_rating: 1 },
      averageRating: 5,
    });
  });

  it('is all or nothing, reporting every invalid line by number', () => {
    const data = home();
    const input = [
      good(1),
      '{broken',
      good(2),
      JSON.stringify({ agentId: 'imp', operationId: 'x', type: 'failure', score: 0.5 }),
      '[1]',
      JSON.stringify({ agentId: 'imp', operationId: 'x', type: 'success', extra: 1 }),
    ].join('\n');
    const result = kv1nt(data, ['feedback', 'import', '-', '--json'], { input });
    expect(result.code).toBe(2);
    const body = result.json<{
      error: { code: string; message: string; invalidLines: Array<{ line: number; message: string }> };
    }>();
    expect(body.error.code).toBe('INVALID_INPUT');
    expect(body.error.invalidLines.map((l) => l.line)).toEqual([2, 4, 5, 6]);
    expect(body.error.invalidLines[3]!.message).toMatch(/Unknown field 'extra'/);
    expect(fs.existsSync(data)).toBe(false);
    const human = kv1nt(data, ['feedback', 'import', '-'], { input });
    expect(human.stderr).toMatch(/line 2: .*not valid JSON/);
  });

  it('--skip-invalid imports the valid lines and exits 1', () => {
    const data = home();
    const result = kv1nt(data, ['feedback', 'import', '-', '--skip-invalid', '--json'], {
      input: `${good(1)}\nnope\n${good(2)}\n`,
    });
    expect(result.code).toBe(1);
    expect(result.json()).toMatchObject({
      imported: 2,
      skipped: 1,
      invalidLines: [{ line: 2, message: expect.stringMatching(/not valid JSON/) as unknown }],
    });
    expect(kv1nt(data, ['summary', 'imp', '--json']).json()).toMatchObject({ total: 2 });
  });

  it('refuses a line of megabytes and a missing file', () => {
    const data = home();
    const line = (bytes: number) =>
      JSON.stringify({
        agentId: 'a',
        operationId: 'o',
        type: 'success',
        details: { blob: 'x'.repeat(bytes) },
      });
    expect(kv1nt(data, ['feedback', 'import', '-'], { input: line(200_000) }).stderr).toMatch(
      /line 1: the entry is larger than/,
    );
    // Over 1 MiB the read stops at that line (read from a file: the command does not drain stdin).
    const file = path.join(tempDir({ 'huge.jsonl': `${line(10)}\n${line(2_000_000)}\n` }), 'huge.jsonl');
    expect(kv1nt(data, ['feedback', 'import', file]).stderr).toMatch(
      /line 2 of .*huge\.jsonl is longer than 1 MiB without a line break/,
    );
    const missing = kv1nt(data, ['feedback', 'import', '/nonexistent/file.jsonl', '--json']);
    expect(missing.code).toBe(2);
    expect(missing.json()).toMatchObject({
      error: { code: 'INVALID_INPUT', message: expect.stringMatching(/Cannot read/) as unknown },
    });
  });
});

describe('summary', () => {
  it('computes the contract figures over the window', () => {
    const data = home();
    const now = Date.now();
    const at = (hoursAgo: number) => new Date(now - hoursAgo * 3_600_000).toISOString();
    const lines = [
      ...Array.from({ length: 8 }, (_, i) => ({
        agentId: 's',
        operationId: `ok-${i}`,
        type: 'success',
        durationMs: 100,
        timestamp: at(i + 1),
      })),
      { agentId: 's', operationId: 'f1', type: 'failure', errorType: 'timeout', timestamp: at(2) },
      { agentId: 's', operationId: 'f2', type: 'failure', errorType: 'timeout', timestamp: at(3) },
      {
        agentId: 's',
        operationId: 'f3',
        type: 'failure',
        errorType: 'parse',
        source: 'test',
        timestamp: at(4),
      },
      {
        agentId: 's',
        operationId: 'q',
        type: 'quality_score',
        score: 0.9,
        source: 'guardian',
        timestamp: at(5),
      },
      { agentId: 's', operationId: 'r', type: 'user_rating', rating: 2, source: 'user', timestamp: at(6) },
      { agentId: 's', operationId: 'old', type: 'failure', errorType: 'ancient', timestamp: at(24 * 8) },
      { agentId: 'other', operationId: 'x', type: 'failure', errorType: 'other', timestamp: at(1) },
    ];
    kv1nt(data, ['feedback', 'import', '-'], { input: lines.map((l) => JSON.stringify(l)).join('\n') });
    const summary = kv1nt(data, ['summary', 's', '--json']).json();
    expect(summary).toEqual({
      agentId: 's',
      days: 7,
      total: 13,
      byType: {
        success: 8,
        failure: 3,
        quality_score: 1,
        user_rating: 1,
        performance: 0,
        coverage: 0,
        security: 0,
        documentation: 0,
      },
      bySource: { agent: 10, guardian: 1, user: 1, system: 0, test: 1, flock: 0 },
      averageScoreByType: { success: 1, failure: 0, quality_score: 0.9, user_rating: 0.25 },
      successRate: 0.727273,
      averageRating: 2,
      topErrors: [
        { errorType: 'timeout', count: 2 },
        { errorType: 'parse', count: 1 },
      ],
      averageDurationMs: 100,
      topPatterns: [],
      firstSeen: expect.any(String) as unknown,
      lastSeen: expect.any(String) as unknown,
    });
    expect(kv1nt(data, ['summary', 's', '--days', '30', '--json']).json()).toMatchObject({
      days: 30,
      total: 14,
    });
    expect(kv1nt(data, ['feedback', 'summary', 's', '--json']).json()).toMatchObject({ total: 13 });
    const human = kv1nt(data, ['summary', 's']);
    expect(human.stdout).toMatch(/success rate\s+72\.7 %/);
    expect(human.stdout).toMatch(/timeout\s+2/);
  });

  it('answers for a declared agent without feedback and refuses bad --days', () => {
    const data = home();
    // Next to the data dir, not around it: a folder that holds the data dir is refused.
    const folder = path.join(path.dirname(data), 'nobody');
    fs.mkdirSync(folder);
    expect(kv1nt(data, ['agents', 'add', 'nobody', '--path', folder, '--test', 'true']).code).toBe(0);
    expect(kv1nt(data, ['summary', 'nobody', '--json']).json()).toMatchObject({
      agentId: 'nobody',
      total: 0,
      successRate: null,
      averageRating: null,
      topErrors: [],
    });
    expect(kv1nt(data, ['summary', 'nobody', '--days', '0']).code).toBe(2);
    expect(kv1nt(data, ['summary', 'nobody', '--days', 'week']).code).toBe(2);
  });
});
