import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kv1nt, tempDir } from '../helpers/cli.js';

/** Two agents with feedback: `bot` (successes, failures of two types, a test source), `idle` (one entry). */
function recorded() {
  const dir = tempDir();
  const data = path.join(dir, 'data');
  const lines = [
    ...[100, 200, 300, 400, 500].map((ms, i) => ({
      agentId: 'bot',
      operationId: `ok-${i}`,
      type: 'success',
      durationMs: ms,
    })),
    { agentId: 'bot', operationId: 'f-1', type: 'failure', errorType: 'timeout' },
    { agentId: 'bot', operationId: 'f-2', type: 'failure', errorType: 'timeout', source: 'test' },
    // A user's error type, as written: quotes and backslashes are escaped in the label.
    { agentId: 'bot', operationId: 'f-3', type: 'failure', errorType: 'bad "json" \\ here' },
    { agentId: 'idle', operationId: 'q-1', type: 'quality_score', score: 0.7, source: 'user' },
  ];
  const file = path.join(dir, 'history.jsonl');
  fs.writeFileSync(file, lines.map((line) => JSON.stringify(line)).join('\n'));
  expect(kv1nt(data, ['feedback', 'import', file]).code).toBe(0);
  return { dir, data };
}

/** `promtool check metrics` (Debian's prometheus package; .ci/run installs it): exit 0 and no lint. */
function promtool(text: string): string {
  try {
    return execFileSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error('promtool is not installed: `apt-get install prometheus` (bash .ci/run does it).');
    throw error;
  }
}

interface MetricsJson {
  output: string | null;
  families: Array<{
    name: string;
    type: string;
    samples: Array<{ labels: Record<string, string>; value: number }>;
  }>;
}

describe('kv1nt metrics', () => {
  it('prints the Prometheus text format that promtool accepts, with the recorded figures', () => {
    const { data } = recorded();
    const run = kv1nt(data, ['metrics']);
    expect(run.code).toBe(0);
    expect(promtool(run.stdout)).toBe('');
    const text = run.stdout;
    expect(text).toContain('# TYPE kv1nt_feedback_entries_total counter');
    expect(text).toContain('kv1nt_feedback_entries_total{agent="bot",type="success",source="agent"} 5');
    expect(text).toContain('kv1nt_feedback_entries_total{agent="bot",type="failure",source="agent"} 2');
    expect(text).toContain('kv1nt_feedback_entries_total{agent="bot",type="failure",source="test"} 1');
    expect(text).toContain('kv1nt_feedback_entries_total{agent="idle",type="quality_score",source="user"} 1');
    expect(text).toContain('kv1nt_failures_total{agent="bot",error_type="timeout"} 2');
    expect(text).toContain('kv1nt_failures_total{agent="bot",error_type="bad \\"json\\" \\\\ here"} 1');
    expect(text).toContain('kv1nt_success_ratio{agent="bot"} 0.625');
    expect(text).toContain('kv1nt_duration_seconds_count{agent="bot"} 5');
    expect(text).toContain('kv1nt_duration_seconds_sum{agent="bot"} 1.5');
    expect(text).toMatch(/^kv1nt_health_score\{agent="bot"\} \d+(\.\d+)?$/m);
    // p50 of 100..500 ms is 300 ms, read from a log-scale histogram (±5 %).
    const p50 = Number(/kv1nt_duration_seconds\{agent="bot",quantile="0.5"\} (\S+)/.exec(text)![1]);
    expect(p50).toBeGreaterThan(0.285);
    expect(p50).toBeLessThan(0.315);
    // No success or failure for `idle`: no ratio (rather than a made-up 0).
    expect(text).not.toContain('kv1nt_success_ratio{agent="idle"}');
  });

  it('writes one agent to a file atomically, and gives the families as JSON', () => {
    const { dir, data } = recorded();
    const out = path.join(dir, 'textfile', 'kv1nt.prom');
    fs.mkdirSync(path.dirname(out));
    fs.writeFileSync(out, 'stale');
    const run = kv1nt(data, ['metrics', 'bot', '--output', out, '--json']);
    expect(run.code).toBe(0);
    const json = run.json<MetricsJson>();
    expect(json.output).toBe(out);
    const entries = json.families.find((family) => family.name === 'kv1nt_feedback_entries_total')!;
    expect(entries.type).toBe('counter');
    expect(entries.samples.every((sample) => sample.labels.agent === 'bot')).toBe(true);
    const text = fs.readFileSync(out, 'utf8');
    expect(promtool(text)).toBe('');
    expect(text).not.toContain('idle');
    // Only the file itself: the temporary file it was written through is gone.
    expect(fs.readdirSync(path.dirname(out))).toEqual(['kv1nt.prom']);
  });

  it('refuses an unknown agent, an agent with --all and a bad --days (exit 2)', () => {
    const { data } = recorded();
    expect(kv1nt(data, ['metrics', 'nosuch']).code).toBe(2);
    expect(kv1nt(data, ['metrics', 'bot', '--all']).code).toBe(2);
    expect(kv1nt(data, ['metrics', '--days', '0']).code).toBe(2);
  });
});
