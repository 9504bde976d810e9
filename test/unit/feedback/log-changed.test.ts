import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureColumns } from '../../../src/core/feedback/columns/build.js';
import { columnsDir, columnsFile } from '../../../src/core/feedback/columns/format.js';
import { Kv1ntCore } from '../../../src/core/kv1nt.js';
import { FeedbackLog } from '../../../src/core/store/feedback-log.js';
import { segmentTimesFile } from '../../../src/core/patterns/segment-times.js';
import { tempDir } from '../../helpers/cli.js';

async function open() {
  const root = tempDir({ 'agent/index.js': '' });
  const warnings: string[] = [];
  const core = await Kv1ntCore.open({
    dataDir: path.join(root, 'data'),
    cwd: root,
    onWarning: (message) => warnings.push(message),
  });
  const segment = (n: number) => core.stores.log.segmentPath(n);
  return { root, core, warnings, segment };
}

async function record(core: Kv1ntCore, agentId: string, count: number): Promise<void> {
  await core.recordMany(
    Array.from({ length: count }, (_, i) => ({ agentId, operationId: `op-${i}`, type: 'success' })),
  );
}

/** An agent's all-time total; 0 for one that no longer has any feedback (summary refuses those). */
async function totalOf(core: Kv1ntCore, agentId: string): Promise<number> {
  return (await core.allTimeSummaries()).find((summary) => summary.agentId === agentId)?.total ?? 0;
}

/** Keeps the header and the first `entries` records of a segment, in the same file. */
function keep(file: string, entries: number): void {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  fs.writeFileSync(file, `${lines.slice(0, entries + 1).join('\n')}\n`);
}

describe('the aggregates and a log changed under them', () => {
  it('rebuild, through onWarning, when a folded segment is shortened', async () => {
    const { core, warnings, segment } = await open();
    await record(core, 'a', 5);
    expect((await core.summary('a')).total).toBe(5);
    keep(segment(1), 2);
    expect((await core.summary('a')).total).toBe(2);
    expect(warnings).toEqual([
      expect.stringMatching(
        /^the feedback log segment .*000001\.jsonl is \d+ bytes, shorter than the \d+ bytes already counted: the aggregates are rebuilt from the log\.$/,
      ),
    ]);
    expect((await core.summary('a')).total).toBe(2);
    expect(warnings).toHaveLength(1);
  });

  it('rebuild when a folded segment is rewritten in place with the same size', async () => {
    const { core, warnings, segment } = await open();
    await record(core, 'a', 3);
    await core.summary('a');
    const text = fs.readFileSync(segment(1), 'utf8');
    // Same bytes count, another agent: only the content (and the mtime) changed.
    fs.writeFileSync(segment(1), text.replaceAll('"agentId":"a"', '"agentId":"b"'));
    // File times tick every few ms: make sure this rewrite does not share the last append's.
    const later = new Date(fs.statSync(segment(1)).mtimeMs + 1000);
    fs.utimesSync(segment(1), later, later);
    expect(await totalOf(core, 'a')).toBe(0);
    expect((await core.summary('b')).total).toBe(3);
    expect(warnings).toEqual([
      expect.stringMatching(/000001\.jsonl was rewritten: the aggregates are rebuilt/),
    ]);
  });

  it('drop the patterns segment-time index and the column sidecars along with them', async () => {
    const { core, segment } = await open();
    await record(core, 'a', 5);
    await core.summary('a');
    await core.patterns('a');
    // Seen as sealed (kv1nt leaves the segment appends go to as lines): its sidecar is built.
    ensureColumns(new FeedbackLog(core.stores.dataDir, { maxSegmentBytes: 1 }));
    const index = segmentTimesFile(core.stores.log);
    expect(fs.existsSync(index)).toBe(true);
    expect(fs.existsSync(columnsFile(core.stores.log, 1))).toBe(true);
    keep(segment(1), 1);
    await core.summary('a');
    expect(fs.existsSync(index)).toBe(false);
    expect(fs.existsSync(columnsDir(core.stores.log))).toBe(false);
  });

  it('stay quiet through kv1nt’s own changes: appends, imports and a purge', async () => {
    const { root, core, warnings } = await open();
    await core.addAgent({ id: 'gone', path: path.join(root, 'agent'), test: 'true' });
    await record(core, 'gone', 3);
    await record(core, 'kept', 2);
    await core.summary('kept');
    await core.importLines('{"agentId":"kept","operationId":"x","type":"success"}\n');
    await record(core, 'kept', 1);
    expect((await core.summary('kept')).total).toBe(4);
    await core.removeAgent('gone', { purge: true });
    expect((await core.summary('kept')).total).toBe(4);
    expect(await totalOf(core, 'gone')).toBe(0);
    expect(warnings).toEqual([]);
  });

  it('check the older segments of a document written before sizes were recorded', async () => {
    const { core, warnings, segment } = await open();
    await core.importLines('{"agentId":"a","operationId":"x","type":"success"}\n'.repeat(3));
    await core.importLines('{"agentId":"a","operationId":"y","type":"success"}\n');
    expect((await core.summary('a')).total).toBe(4);
    // As an earlier kv1nt wrote it: no foldedSegments.
    await core.stores.aggregates.update((doc) => {
      delete doc.foldedSegments;
    });
    await record(core, 'a', 1);
    expect((await core.summary('a')).total).toBe(5);
    expect(warnings).toEqual([]);
    keep(segment(1), 1);
    expect((await core.summary('a')).total).toBe(3);
    expect(warnings).toEqual([expect.stringContaining('000001.jsonl is')]);
  });
});
