import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kv1nt, tempDir } from '../helpers/cli.js';

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
const jsonl = (lines: object[]) => lines.map((line) => JSON.stringify(line)).join('\n');

interface Pattern {
  id: string;
  agentId: string;
  patternType: string;
  signature: string;
  frequency: number;
  confidence: number;
  examples: string[];
  status: string;
}
interface Learning {
  id: string;
  learningType: string;
  patternId: string;
  impactScore: number;
  createdAt: string;
}

const URLS = [
  'https://api.example.com/v1/docs/42',
  'http://mirror.example.org/x?y=1',
  'https://api.example.com/v1/docs/977',
  'https://cdn.example.net/a/b/c.json',
  'https://api.example.com/',
];
const timeout = (i: number, agentId = 'bot', hours = i + 1) => ({
  agentId,
  operationId: `summarize-${1000 + i}`,
  type: 'failure',
  errorType: 'timeout',
  message: `GET ${URLS[i % URLS.length]} timed out after ${2000 + i * 37} ms (request ${(0xabcdef + i * 7919).toString(16)}42)`,
  timestamp: hoursAgo(hours),
});

function setup(lines: object[]) {
  const data = path.join(tempDir(), 'data');
  expect(kv1nt(data, ['feedback', 'import', '-'], { input: jsonl(lines) }).code).toBe(0);
  return data;
}

describe('kv1nt patterns', () => {
  it('groups five timeouts that differ in URLs, ids and numbers into one failure pattern of frequency 5', () => {
    const data = setup(Array.from({ length: 5 }, (_, i) => timeout(i)));
    const result = kv1nt(data, ['patterns', 'bot', '--json']);
    expect(result.code).toBe(0);
    const failures = result
      .json<{ patterns: Pattern[] }>()
      .patterns.filter((p) => p.patternType === 'failure' && !p.signature.startsWith('kind:'));
    expect(failures).toEqual([
      expect.objectContaining({
        agentId: 'bot',
        patternType: 'failure',
        signature: 'timeout: GET <url> timed out after <duration> (request <hex>)',
        frequency: 5,
        confidence: 0.833,
        examples: ['summarize-1004', 'summarize-1003', 'summarize-1002', 'summarize-1001', 'summarize-1000'],
        status: 'active',
        firstSeen: expect.any(String) as unknown,
        lastSeen: expect.any(String) as unknown,
      }),
    ]);
    expect(kv1nt(data, ['summary', 'bot', '--json']).json()).toMatchObject({
      topPatterns: expect.arrayContaining([
        expect.objectContaining({ patternType: 'failure', frequency: 5 }),
      ]) as unknown,
    });
    expect(kv1nt(data, ['patterns', 'bot']).stdout).toMatch(/failure\s+timeout: GET <url>.*\s5\s+0\.83/);
  });

  it('needs the minimum frequency: two occurrences make none by default and one at --min-frequency 2', () => {
    const data = setup([timeout(0), timeout(1)]);
    const fingerprintPatterns = (args: string[]) =>
      kv1nt(data, ['patterns', 'bot', '--json', ...args])
        .json<{ patterns: Pattern[] }>()
        .patterns.filter((p) => p.signature.startsWith('timeout:'));
    expect(fingerprintPatterns([])).toEqual([]);
    expect(fingerprintPatterns(['--min-frequency', '2'])).toEqual([
      expect.objectContaining({ frequency: 2, confidence: 0.667 }),
    ]);
    expect(fingerprintPatterns(['--min-frequency', '2', '--min-confidence', '0.7'])).toEqual([]);
  });

  it('ignores entries older than the window', () => {
    const data = setup(Array.from({ length: 5 }, (_, i) => timeout(i, 'bot', 24 * 8 + i)));
    expect(kv1nt(data, ['patterns', 'bot', '--json']).json<{ patterns: Pattern[] }>().patterns).toEqual([]);
    expect(
      kv1nt(data, ['patterns', 'bot', '--days', '10', '--json']).json<{ patterns: Pattern[] }>().patterns
        .length,
    ).toBeGreaterThan(0);
  });

  it('keeps ids on a re-run, covers every agent without an argument, and keeps vanished patterns', () => {
    const data = setup([
      ...Array.from({ length: 5 }, (_, i) => timeout(i)),
      ...Array.from({ length: 4 }, (_, i) => timeout(i, 'other', 30 + i)),
    ]);
    const first = kv1nt(data, ['patterns', '--json']).json<{ patterns: Pattern[] }>().patterns;
    expect(new Set(first.map((p) => p.agentId))).toEqual(new Set(['bot', 'other']));
    const second = kv1nt(data, ['feedback', 'patterns', '--json']).json<{ patterns: Pattern[] }>().patterns;
    expect(second.map((p) => p.id).sort()).toEqual(first.map((p) => p.id).sort());
    // Over the last day, "other" (30 h ago) has nothing: its patterns stay stored.
    expect(
      kv1nt(data, ['patterns', 'other', '--days', '1', '--json']).json<{ patterns: Pattern[] }>().patterns,
    ).toEqual([]);
    const status = kv1nt(data, ['status', '--json']).json<{ feedback: { patterns: number } }>();
    expect(status.feedback.patterns).toBe(first.length);
  });

  it('retires a vanished pattern only in a run with the default settings; --stored lists them all', () => {
    // The config's default window is one day; "other" failed 30 h ago.
    const dir = tempDir({ '.kv1ntrc.json': JSON.stringify({ patterns: { days: 1 } }) });
    const data = path.join(dir, 'data');
    const cli = (args: string[]) => kv1nt(data, args, { cwd: dir });
    const lines = [
      ...Array.from({ length: 5 }, (_, i) => timeout(i)),
      ...Array.from({ length: 4 }, (_, i) => timeout(i, 'other', 30 + i)),
    ];
    expect(kv1nt(data, ['feedback', 'import', '-'], { cwd: dir, input: jsonl(lines) }).code).toBe(0);
    const seen = cli(['patterns', '--days', '7', '--json']).json<{ patterns: Pattern[] }>().patterns;
    const others = seen.filter((p) => p.agentId === 'other');
    expect(others.length).toBeGreaterThan(0);
    const stored = () =>
      cli(['patterns', 'other', '--stored', '--json']).json<{ patterns: Pattern[] }>().patterns;
    // Other settings see other patterns: a stricter run finds nothing and retires nothing.
    expect(cli(['patterns', 'other', '--days', '7', '--min-frequency', '50', '--json']).json()).toEqual({
      patterns: [],
    });
    expect(stored().map((p) => [p.id, p.status])).toEqual(others.map((p) => [p.id, 'active']));
    // The defaults (one day) no longer see "other": its patterns are retired, kept and listed.
    expect(cli(['patterns', 'other', '--json']).json()).toEqual({ patterns: [] });
    expect(stored().map((p) => [p.id, p.status])).toEqual(others.map((p) => [p.id, 'inactive']));
    expect(cli(['patterns', 'other', '--stored']).stdout).toMatch(/inactive/);
    // --stored detects nothing, so detection flags make no sense with it.
    expect(cli(['patterns', '--stored', '--days', '3']).code).toBe(2);
  });

  it('refuses bad flags with exit 2', () => {
    const data = path.join(tempDir(), 'data');
    expect(kv1nt(data, ['patterns', '--min-frequency', '0']).code).toBe(2);
    expect(kv1nt(data, ['patterns', '--min-confidence', '1.5']).code).toBe(2);
    expect(kv1nt(data, ['patterns', '--days', '-1']).code).toBe(2);
    expect(kv1nt(data, ['patterns', '../x']).code).toBe(2);
  });
});

describe('kv1nt learnings', () => {
  it('generates learnings tied to their patterns, idempotently, and analyze shows the opportunities they feed', () => {
    const data = setup([
      ...Array.from({ length: 5 }, (_, i) => timeout(i)),
      ...Array.from({ length: 6 }, (_, i) => ({
        agentId: 'bot',
        operationId: `translate-${i}`,
        type: 'success',
        timestamp: hoursAgo(i + 2),
      })),
    ]);
    const patterns = kv1nt(data, ['patterns', 'bot', '--json']).json<{ patterns: Pattern[] }>().patterns;
    const first = kv1nt(data, ['learnings', 'bot', '--json']);
    expect(first.code).toBe(0);
    const { learnings, warnings } = first.json<{ learnings: Learning[]; warnings: unknown[] }>();
    expect(warnings).toEqual([]);
    expect(new Set(learnings.map((l) => l.learningType))).toEqual(
      new Set(['error_avoidance', 'skill_enhancement', 'positive_reinforcement']),
    );
    for (const learning of learnings) {
      expect(patterns.map((p) => p.id)).toContain(learning.patternId);
      expect(learning.impactScore).toBeGreaterThan(0);
      expect(learning.impactScore).toBeLessThanOrEqual(1);
    }
    const avoidance = learnings.find((l) => l.learningType === 'error_avoidance')!;
    expect(avoidance).toMatchObject({
      title: 'Avoid "timeout: GET <url> timed out after <duration> (request <hex>)"',
      description: expect.stringMatching(/happened 5 times.*Raise the time limit/) as unknown,
    });
    const again = kv1nt(data, ['learnings', 'bot', '--json']).json<{ learnings: Learning[] }>().learnings;
    expect(again).toEqual(learnings);

    const analysis = kv1nt(data, ['analyze', 'bot', '--json']).json<{
      opportunities: Array<{ type: string; evidence: Record<string, unknown> }>;
    }>();
    const types = analysis.opportunities.map((o) => o.type);
    expect(types).toEqual(expect.arrayContaining(['error_pattern', 'capability_gap', 'training_needed']));
    expect(analysis.opportunities.find((o) => o.type === 'training_needed')!.evidence).toMatchObject({
      pending: learnings.length,
    });
    kv1nt(data, ['feedback', 'success', 'nobody', 'op']);
    expect(kv1nt(data, ['learnings', 'nobody']).stdout).toMatch(/No learnings for nobody/);
  });
});
