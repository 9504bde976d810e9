import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AGENT_ID_PATTERN } from '../../src/core/ids.js';
import { kv1ntAsync as kv1nt, tempDir } from '../helpers/cli.js';

/** Every name a plain object inherits; each must behave as an ordinary user string. */
const NAMES = Object.getOwnPropertyNames(Object.prototype);
const AGENT_NAMES = NAMES.filter((name) => AGENT_ID_PATTERN.test(name));

function jsonl(rows: unknown[]): string {
  return `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`;
}

/** One failure per name (as error type, metric name and operation id) and one success per agent name. */
function hostileImport(): string {
  return jsonl([
    ...NAMES.map((name) => ({
      agentId: 'a',
      operationId: name,
      type: 'failure',
      errorType: name,
      metrics: JSON.parse(`{"${name}": 1}`) as unknown,
    })),
    ...AGENT_NAMES.map((name) => ({ agentId: name, operationId: name, type: 'success' })),
  ]);
}

describe('Object.prototype names as error types, metric names, operation ids and agent ids', () => {
  it('are counted as numbers through the CLI, the stored aggregates and a second fold', async () => {
    const root = tempDir({ 'hostile.jsonl': hostileImport() });
    const data = path.join(root, 'data');
    const recorded = await kv1nt(data, [
      'feedback',
      'failure',
      'a',
      'constructor',
      '--error-type',
      'toString',
      '--metric',
      '__proto__=3',
      '--metric',
      'constructor=4',
      '--json',
    ]);
    expect(recorded.code, recorded.stderr).toBe(0);
    expect(recorded.stdout).toContain('"__proto__": 3');
    expect(recorded.json()).toMatchObject({ errorType: 'toString', metrics: { constructor: 4 } });

    for (const round of [1, 2]) {
      const imported = await kv1nt(data, ['feedback', 'import', path.join(root, 'hostile.jsonl'), '--json']);
      expect(imported.code, imported.stderr).toBe(0);
      // The second round folds into the aggregates as parsed back from disk.
      const summary = (await kv1nt(data, ['summary', 'a', '--json'])).json<{
        total: number;
        topErrors: Array<{ errorType: string; count: number }>;
      }>();
      expect(summary.total).toBe(1 + round * NAMES.length);
      expect(summary.topErrors[0]).toEqual({ errorType: 'toString', count: round + 1 });
      for (const error of summary.topErrors)
        expect(error.count, error.errorType).toBe(error.errorType === 'toString' ? round + 1 : round);
    }

    const stored = JSON.parse(fs.readFileSync(path.join(data, 'feedback', 'aggregates.json'), 'utf8')) as {
      agents: Record<
        string,
        Record<string, { errors: Record<string, unknown>; metrics: Record<string, { n: unknown }> }>
      >;
    };
    const [bucket] = Object.values(stored.agents.a!);
    expect(Object.keys(bucket!.errors).sort()).toEqual([...NAMES].sort());
    for (const name of NAMES) {
      expect(Object.getOwnPropertyDescriptor(bucket!.errors, name)?.value, name).toBe(
        name === 'toString' ? 3 : 2,
      );
      expect(Object.getOwnPropertyDescriptor(bucket!.metrics, name)?.value, name).toMatchObject({
        n: name === '__proto__' || name === 'constructor' ? 3 : 2,
      });
    }
    expect(Object.keys(stored.agents).sort()).toEqual(['a', ...AGENT_NAMES].sort());

    const status = (await kv1nt(data, ['status', '--json'])).json<{
      agents: Array<{ id: string; entries: unknown }>;
    }>();
    expect(status.agents.map((agent) => [agent.id, agent.entries])).toEqual(
      ['a', ...AGENT_NAMES].sort().map((id) => [id, id === 'a' ? 1 + 2 * NAMES.length : 2]),
    );
    for (const name of AGENT_NAMES)
      expect((await kv1nt(data, ['summary', name, '--json'])).json(), name).toMatchObject({
        total: 2,
        successRate: 1,
      });

    const analysis = await kv1nt(data, ['analyze', 'a', '--json']);
    expect(analysis.code, analysis.stderr).toBe(0);
    const { metrics } = analysis.json<{ metrics: { topErrors: Array<{ count: unknown }> } }>();
    expect(metrics.topErrors.every((error) => typeof error.count === 'number')).toBe(true);
    const patterns = await kv1nt(data, ['patterns', 'a', '--min-frequency', '2', '--json']);
    expect(patterns.code, patterns.stderr).toBe(0);
    expect(
      patterns.json<{ patterns: Array<{ signature: string }> }>().patterns.map((p) => p.signature),
    ).toEqual(expect.arrayContaining(NAMES.filter((name) => name !== 'toString')));
    const learnings = await kv1nt(data, ['learnings', 'a', '--json']);
    expect(learnings.code, learnings.stderr).toBe(0);
    const stats = (await kv1nt(data, ['stats', '--json'])).json<{
      agents: Array<{ agentId: string; feedback: { total: unknown } }>;
    }>();
    expect(stats.agents.map((agent) => [agent.agentId, agent.feedback.total])).toEqual(
      status.agents.map((agent) => [agent.id, agent.entries]),
    );
  });

  it('as agent ids: add and remove see only the agents that exist', async () => {
    const root = tempDir({
      'agent/readme.txt': 'x',
      '.kv1ntrc.json': JSON.stringify({ agents: { declared: { path: 'agent', test: 'true' } } }),
    });
    const data = path.join(root, 'data');
    for (const name of AGENT_NAMES) {
      const removed = await kv1nt(data, ['agents', 'remove', name, '--json'], { cwd: root });
      expect(removed.code, name).toBe(2);
      expect(removed.json<{ error: { code: string } }>().error.code, name).toBe('AGENT_NOT_FOUND');
      const added = await kv1nt(
        data,
        ['agents', 'add', name, '--path', 'agent', '--test', 'true', '--json'],
        {
          cwd: root,
        },
      );
      expect(added.code, `${name}: ${added.stderr}`).toBe(0);
    }
    const listed = (await kv1nt(data, ['agents', 'list', '--json'], { cwd: root })).json<{
      agents: Array<{ id: string }>;
    }>();
    expect(listed.agents.map((agent) => agent.id).sort()).toEqual(['declared', ...AGENT_NAMES].sort());
    const again = await kv1nt(
      data,
      ['agents', 'add', 'toString', '--path', 'agent', '--test', 'true', '--json'],
      {
        cwd: root,
      },
    );
    expect(again.json<{ error: { code: string } }>().error.code).toBe('AGENT_EXISTS');
  });
});
