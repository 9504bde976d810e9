import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, kv1nt, snapshot, tempDir } from '../helpers/cli.js';

const FIXTURE = path.join(ROOT, 'test/fixtures/otlp/genai-traces.jsonl');
/** The fixture's first span starts at 2026-11-24T06:00:00Z. */
const FIXTURE_T0_NS = 1_795_500_000_000_000_000n;

/**
 * The fixture with every time moved so that its first span started two days ago: summaries and
 * analyses read a window that ends now, and the fixture must stay inside it whatever the date.
 */
function recentExport(): { file: string; t0: number } {
  const t0 = Date.now() - 2 * 86_400_000;
  const shift = BigInt(t0) * 1_000_000n - FIXTURE_T0_NS;
  const text = fs
    .readFileSync(FIXTURE, 'utf8')
    .replace(/"(\w+UnixNano)":"(\d+)"/g, (_, key: string, ns: string) => `"${key}":"${BigInt(ns) + shift}"`);
  const dir = tempDir({ 'traces.jsonl': text });
  return { file: path.join(dir, 'traces.jsonl'), t0 };
}

function home(): string {
  return path.join(tempDir(), 'data');
}

describe('feedback import --format otlp', () => {
  it('imports a Collector trace export: summary and analyze show its outcomes, durations and quality', () => {
    const data = home();
    const { file, t0 } = recentExport();
    const imported = kv1nt(data, ['feedback', 'import', file, '--format', 'otlp', '--json']);
    expect(imported.code).toBe(0);
    expect(imported.json()).toMatchObject({
      imported: 10,
      skipped: 0,
      duplicates: 0,
      ignored: { spans: 1, evaluations: 1 },
    });

    const summary = kv1nt(data, ['summary', 'Support-Bot', '--json']).json();
    expect(summary).toMatchObject({
      agentId: 'Support-Bot',
      total: 8,
      byType: { success: 5, failure: 1, quality_score: 2 },
      averageScoreByType: { success: 1, failure: 0, quality_score: 0.61 },
      successRate: 0.833333,
      topErrors: [{ errorType: 'TimeoutError', count: 1 }],
      // (9250 + 1250 + 5000 + 2250 + 2000 + 1800) / 6 ms: the span durations.
      averageDurationMs: 3591.666667,
      firstSeen: new Date(t0).toISOString(),
      lastSeen: new Date(t0 + 3602_500).toISOString(),
    });
    const billing = kv1nt(data, ['summary', 'billing-agent', '--json']).json();
    expect(billing).toMatchObject({
      total: 2,
      byType: { success: 1, failure: 1 },
      topErrors: [{ errorType: 'rate_limit_error', count: 1 }],
      averageDurationMs: 1150,
    });

    const analysis = kv1nt(data, ['analyze', 'Support-Bot', '--json']);
    expect(analysis.code).toBe(0);
    expect(analysis.json()).toMatchObject({
      sampleSize: 8,
      components: { successRate: 0.833333, codeQuality: 0.61 },
      metrics: {
        total: 8,
        successes: 5,
        failures: 1,
        duration: { max: 9250, count: 5 },
        quality: { mean: 0.61, count: 2 },
      },
    });
  });

  it('human output counts what it ignored; the default format refuses an OTLP line', () => {
    const data = home();
    const { file } = recentExport();
    const human = kv1nt(data, ['feedback', 'import', file, '--format', 'otlp']);
    expect(human.stdout).toMatch(
      /^Imported 10 entries\.\nIgnored 1 span\(s\) without gen_ai\.operation\.name and 1 evaluation\(s\) without a score from 0 to 1\.\nDates: /,
    );
    expect(human.stdout).toMatch(/Support-Bot\s+8\n/);
    // The ids come from the trace and span ids: the same export again adds nothing.
    const again = kv1nt(data, ['feedback', 'import', file, '--format', 'otlp', '--json']);
    expect(again.json()).toMatchObject({ imported: 0, duplicates: 10, skipped: 0 });
    const before = snapshot(data);
    const asJsonl = kv1nt(data, ['feedback', 'import', file]);
    expect(asJsonl.code).toBe(2);
    expect(asJsonl.stderr).toContain("line 1: Unknown field 'resourceSpans'");
    expect(snapshot(data)).toEqual(before);
  });

  it('refuses a malformed export with the line and the place in it, writing nothing', () => {
    const data = home();
    const { file } = recentExport();
    const [good] = fs.readFileSync(file, 'utf8').split('\n');
    const bad = good!.replace('"spanId":"b7ad6b7169203331"', '"spanId":"not-hex"');
    const dir = tempDir({ 'bad.jsonl': `${good}\n${bad}\n{"resourceSpans": 3}\n` });
    const result = kv1nt(data, ['feedback', 'import', path.join(dir, 'bad.jsonl'), '--format', 'otlp']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Nothing imported: 2 invalid lines.');
    expect(result.stderr).toContain(
      'line 2: resourceSpans[0].scopeSpans[0].spans[1].spanId must be 16 hex digits, not all zero (got "not-hex").',
    );
    expect(result.stderr).toContain('line 3: resourceSpans must be an array.');
    expect(fs.existsSync(data) ? snapshot(path.join(data, 'feedback')) : {}).toEqual({});

    const bogus = kv1nt(data, ['feedback', 'import', file, '--format', 'zipkin']);
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toMatch(/Expected --format=zipkin to be one of: jsonl, otlp/);
  });
});
