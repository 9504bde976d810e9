import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kv1nt } from '../helpers/cli.js';
import { plugin, pluginProject, type Analysis } from '../helpers/plugin-project.js';

/** The stored lines of `agentId` from `from` on, as JSON.parse gives them, oldest first (stable). */
function storedWindow(home: string, agentId: string, from: number): Record<string, unknown>[] {
  const dir = path.join(home, 'feedback', 'log');
  const entries: Record<string, unknown>[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    for (const line of fs.readFileSync(path.join(dir, name), 'utf8').split('\n').slice(1)) {
      if (line === '') continue;
      const entry = JSON.parse(line) as Record<string, unknown>;
      if (entry.agentId === agentId && Date.parse(String(entry.timestamp)) >= from) entries.push(entry);
    }
  }
  return entries.sort((a, b) =>
    String(a.timestamp) < String(b.timestamp) ? -1 : a.timestamp === b.timestamp ? 0 : 1,
  );
}

describe('a plugin detector over a window read from column sidecars', () => {
  it('sees exactly the stored entries, from sealed segments as columns and the newest as lines, before and after an append', async () => {
    const project = pluginProject(
      { plugins: ['./plugins/reader.mjs'] },
      {
        'plugins/reader.mjs': plugin(
          'reader',
          `const failures = ctx.feedback.filter((e) => e.type === 'failure').length;
           return [{ title: 'read ' + ctx.feedback.length, description: '', evidence: {
             json: JSON.stringify(ctx.feedback), failures,
             frozen: ctx.feedback.every((e) => Object.isFrozen(e)),
             spread: { ...ctx.feedback[0] }, own: Object.keys(ctx.feedback[0]) } }];`,
        ),
      },
    );
    const { cliAsync: cli, home, dir, env } = project;
    const at = (hoursAgo: number) => new Date(Date.now() - hoursAgo * 3_600_000).toISOString();
    const lines = Array.from({ length: 120 }, (_, i) =>
      JSON.stringify(
        i % 4 === 0
          ? {
              agentId: 'a1',
              operationId: `fetch-${i}`,
              type: 'failure',
              errorType: 'timeout',
              message: `"${i}" timed out ✗`,
              durationMs: 1000 + i,
              timestamp: at(100 - i / 2),
            }
          : i % 4 === 1
            ? { agentId: 'a2', operationId: `other-${i}`, type: 'success', timestamp: at(50) }
            : {
                agentId: 'a1',
                operationId: `job-${i}`,
                type: 'success',
                durationMs: i,
                metrics: { memoryMb: 200 + i },
                details: { step: [i, { ok: true }] },
                timestamp: at(120 - i),
              },
      ),
    ).join('\n');
    expect(kv1nt(home, ['feedback', 'import', '-'], { cwd: dir, env, input: lines }).code).toBe(0);
    // A second import: the first segment is sealed (appends go to the newest), so it gets a sidecar;
    // the newest is read as lines, and the window mixes both.
    const newest = [1, 2].map((i) =>
      JSON.stringify({ agentId: 'a1', operationId: `new-${i}`, type: 'success', timestamp: at(i) }),
    );
    expect(kv1nt(home, ['feedback', 'import', '-'], { cwd: dir, env, input: newest.join('\n') }).code).toBe(
      0,
    );
    const from = Date.now() - 7 * 86_400_000;

    // The first analysis reads the window as lines; its detector read ctx.feedback, so analyze then
    // gives the log's sealed segments their column sidecars, which the next analyses read.
    const columns = path.join(home, 'feedback', 'columns');
    const lined = await cli(['analyze', 'a1', '--json']);
    expect(lined.code, lined.stderr).toBe(0);
    const segments = fs.readdirSync(path.join(home, 'feedback', 'log')).sort();
    expect(fs.readdirSync(columns).sort()).toEqual(
      segments.slice(0, -1).map((name) => name.replace('.jsonl', '.bin')),
    );
    expect(segments.length).toBeGreaterThan(1);

    const first = await cli(['analyze', 'a1', '--json']);
    expect(first.code, first.stderr).toBe(0);
    const read = (analysis: Analysis) => {
      expect(analysis.warnings).toEqual([]);
      return analysis.opportunities.find((o) => o.detector === 'reader/detector')?.evidence as {
        json: string;
        failures: number;
        frozen: boolean;
        spread: Record<string, unknown>;
        own: string[];
      };
    };
    const evidence = read(first.json<Analysis>());
    const stored = storedWindow(home, 'a1', from);
    expect(JSON.parse(read(lined.json<Analysis>()).json)).toEqual(stored);
    expect(JSON.parse(evidence.json)).toEqual(stored);
    expect(evidence.failures).toBe(stored.filter((e) => e.type === 'failure').length);
    expect(evidence.frozen).toBe(true);
    // What an own-key copy holds (documented in docs/plugins.md): the cheap fields; the rest are read lazily.
    expect(evidence.own).toEqual(['agentId', 'type', 'source']);
    expect(evidence.spread).toEqual({ agentId: 'a1', type: stored[0]!.type, source: 'agent' });

    // A record appended to the newest segment: the plugin sees it.
    expect(
      kv1nt(home, ['feedback', 'failure', 'a1', 'late-op', '--error-type', 'boom'], { cwd: dir, env }).code,
    ).toBe(0);
    const second = await cli(['analyze', 'a1', '--json']);
    expect(second.code, second.stderr).toBe(0);
    const after = JSON.parse(read(second.json<Analysis>()).json) as Array<Record<string, unknown>>;
    expect(after).toEqual(storedWindow(home, 'a1', from));
    expect(after.at(-1)).toMatchObject({ operationId: 'late-op', type: 'failure', errorType: 'boom' });
  });

  it('builds no sidecars for plugin detectors that never read ctx.feedback', async () => {
    const project = pluginProject(
      { plugins: ['./plugins/counter.mjs'] },
      {
        'plugins/counter.mjs': plugin(
          'counter',
          `return [{ title: 'seen ' + ctx.metrics.total, description: '' }];`,
        ),
      },
    );
    const { cliAsync: cli, home, dir, env } = project;
    const lines = Array.from({ length: 40 }, (_, i) =>
      JSON.stringify({
        agentId: 'a1',
        operationId: `op-${i}`,
        type: 'success',
        timestamp: new Date(Date.now() - (i + 1) * 60_000).toISOString(),
      }),
    );
    // Two imports: the first segment is sealed, so a reader's analysis would give it a sidecar.
    for (const input of [lines.slice(0, 20), lines.slice(20)])
      expect(kv1nt(home, ['feedback', 'import', '-'], { cwd: dir, env, input: input.join('\n') }).code).toBe(
        0,
      );
    expect(fs.readdirSync(path.join(home, 'feedback', 'log')).length).toBeGreaterThan(1);
    const analysis = await cli(['analyze', 'a1', '--json']);
    expect(analysis.code, analysis.stderr).toBe(0);
    expect(analysis.json<Analysis>().opportunities.map((o) => o.title)).toContain('seen 46');
    expect(fs.existsSync(path.join(home, 'feedback', 'columns'))).toBe(false);
  });
});
