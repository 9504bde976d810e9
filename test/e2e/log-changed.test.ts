import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kv1ntAsync as kv1nt, tempDir } from '../helpers/cli.js';

/*
 * The feedback log changed behind kv1nt's back after the aggregates were folded from it: the
 * next command notices, warns, and rebuilds the aggregates from the log as it is now. It never
 * blames a valid line.
 */

function jsonl(agentId: string, count: number, from = 0): string {
  return Array.from({ length: count }, (_, i) =>
    JSON.stringify({ agentId, operationId: `op-${from + i}`, type: 'success', durationMs: 10 }),
  ).join('\n');
}

async function setUp() {
  const root = tempDir();
  const data = path.join(root, 'data');
  const segment = (n: number) => path.join(data, 'feedback', 'log', `${String(n).padStart(6, '0')}.jsonl`);
  for (let i = 0; i < 5; i++)
    expect((await kv1nt(data, ['feedback', 'success', 'a', `op-${i}`])).code).toBe(0);
  // Folded: the aggregates now count five entries, up to the end of segment 1.
  expect((await kv1nt(data, ['summary', 'a', '--json'])).json()).toMatchObject({ total: 5 });
  return { root, data, segment };
}

/** Keeps the first `lines` lines (the header is line 1) in place: same file, fewer bytes. */
function shorten(file: string, lines: number): void {
  const kept = fs.readFileSync(file, 'utf8').split('\n').slice(0, lines).join('\n');
  fs.writeFileSync(file, `${kept}\n`);
}

async function summary(data: string) {
  const result = await kv1nt(data, ['summary', 'a', '--json']);
  expect(result.code, result.stdout).toBe(0);
  return { total: result.json<{ total: number }>().total, stderr: result.stderr };
}

describe('a feedback log segment changed behind kv1nt', () => {
  it('shortened, then appended to: the aggregates are rebuilt, no valid line is blamed', async () => {
    const { data, segment } = await setUp();
    shorten(segment(1), 3);
    for (let i = 0; i < 4; i++)
      expect((await kv1nt(data, ['feedback', 'success', 'a', `new-${i}`])).code).toBe(0);
    const { total, stderr } = await summary(data);
    expect(total).toBe(2 + 4);
    // Longer again than what was folded, but the folded bytes no longer end a line there.
    expect(stderr).toContain(`Warning: the feedback log segment ${segment(1)} was rewritten`);
    expect(stderr).toContain('the aggregates are rebuilt from the log');
    // Rebuilt once: the next command is quiet and agrees.
    expect(await summary(data)).toEqual({ total: 6, stderr: '' });
  });

  it('shortened, nothing appended: counts follow the shorter log', async () => {
    const { data, segment } = await setUp();
    shorten(segment(1), 4);
    const { total, stderr } = await summary(data);
    expect(total).toBe(3);
    expect(stderr).toContain('shorter than the');
  });

  it('gone, or replaced by another file: rebuilt from the segments there are', async () => {
    const { root, data, segment } = await setUp();
    fs.writeFileSync(path.join(root, 'more.jsonl'), jsonl('a', 3, 100));
    expect((await kv1nt(data, ['feedback', 'import', path.join(root, 'more.jsonl')])).code).toBe(0);
    expect((await summary(data)).total).toBe(8);
    // Replaced by a copy of itself with one line changed: another file in its place.
    const text = fs.readFileSync(segment(2), 'utf8').replace('op-100', 'op-1xx');
    fs.rmSync(segment(2));
    fs.writeFileSync(segment(2), text);
    let after = await summary(data);
    expect(after.total).toBe(8);
    // A new file may get the old inode number back: then its mtime tells.
    expect(after.stderr).toMatch(/the feedback log segment .*000002\.jsonl was (replaced|rewritten)/);
    fs.rmSync(segment(1));
    after = await summary(data);
    expect(after.total).toBe(3);
    expect(after.stderr).toContain(`the feedback log segment ${segment(1)} is gone`);
  });

  it('keeps --json output a single document while warning on stderr', async () => {
    const { data, segment } = await setUp();
    shorten(segment(1), 2);
    const result = await kv1nt(data, ['analyze', 'a', '--json']);
    expect(result.code).toBe(0);
    expect(result.json()).toMatchObject({ sampleSize: 1 });
    expect(result.stderr).toContain('rebuilt from the log');
  });
});
