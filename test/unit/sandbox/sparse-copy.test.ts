import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { blobPath, stageBlob } from '../../../src/core/sandbox/blobs.js';
import { captureChanges } from '../../../src/core/sandbox/changes.js';
import { applyChanges, rollbackChanges } from '../../../src/core/sandbox/transaction.js';
import { copyTree } from '../../../src/core/sandbox/copy-tree.js';
import { copyPreservingHoles, isSparse } from '../../../src/core/sandbox/sparse-copy.js';
import { tempDir } from '../../helpers/cli.js';

const MiB = 1024 ** 2;
const SIZE = 512 * MiB;

/** A file of `size` holding 3 MiB of data among holes, as a disk image or a preallocated log is. */
function sparseFile(file: string, size: number): { data: number } {
  const fd = fs.openSync(file, 'w', 0o640);
  try {
    fs.ftruncateSync(fd, size);
    const chunk = Buffer.alloc(MiB, 'x');
    for (const at of [0, Math.floor(size / 3) + 17, size - MiB]) fs.writeSync(fd, chunk, 0, chunk.length, at);
    // A block of zeros written as data is read back the same, hole or not.
    fs.writeSync(fd, Buffer.alloc(64 * 1024), 0, 64 * 1024, Math.floor(size / 2));
  } finally {
    fs.closeSync(fd);
  }
  return { data: 3 * MiB };
}

/** Bytes the file takes on disk (what `du` reports). */
function allocated(file: string): number {
  return fs.statSync(file).blocks * 512;
}

/** Whether both files hold the same bytes, compared chunk by chunk (awaited: it reads for seconds). */
async function sameBytes(a: string, b: string): Promise<boolean> {
  if (fs.statSync(a).size !== fs.statSync(b).size) return false;
  const [fa, fb] = await Promise.all([fs.promises.open(a, 'r'), fs.promises.open(b, 'r')]);
  try {
    const [ba, bb] = [Buffer.alloc(8 * MiB), Buffer.alloc(8 * MiB)];
    for (let at = 0; ; at += ba.length) {
      const [ra, rb] = await Promise.all([fa.read(ba, 0, ba.length, at), fb.read(bb, 0, bb.length, at)]);
      if (ra.bytesRead === 0) return true;
      if (rb.bytesRead !== ra.bytesRead || !ba.subarray(0, ra.bytesRead).equals(bb.subarray(0, rb.bytesRead)))
        return false;
    }
  } finally {
    await Promise.all([fa.close(), fb.close()]);
  }
}

describe('sparse files', () => {
  // 512 MiB keeps the suite quick on a busy machine; measured by hand at 1 GiB: `du` 4 KiB → 4 KiB.
  it('copyTree copies a 512 MiB sparse file with its holes: the same bytes, about its data on disk', async () => {
    const src = tempDir();
    const { data } = sparseFile(path.join(src, 'disk.img'), SIZE);
    fs.writeFileSync(path.join(src, 'small.txt'), 'dense');
    expect(isSparse(fs.statSync(path.join(src, 'disk.img')))).toBe(true);
    const dest = path.join(tempDir(), 'copy');
    const report = await copyTree(src, dest);
    const copy = path.join(dest, 'disk.img');
    expect(report.bytes).toBe(SIZE + 5);
    expect(await sameBytes(path.join(src, 'disk.img'), copy)).toBe(true);
    // A reflink shares the extents; a real copy writes the data blocks only.
    if (!report.reflinked) expect(allocated(copy)).toBeLessThan(data + 2 * MiB);
    expect(fs.statSync(copy).mode & 0o777).toBe(0o640);
    expect(
      Math.abs(fs.statSync(copy).mtimeMs - fs.statSync(path.join(src, 'disk.img')).mtimeMs),
    ).toBeLessThan(1);
    expect(fs.readFileSync(path.join(dest, 'small.txt'), 'utf8')).toBe('dense');
  });

  it('copyPreservingHoles keeps a trailing hole, the mode, and a file of only zeros', async () => {
    const dir = tempDir();
    const tail = path.join(dir, 'tail');
    fs.writeFileSync(tail, 'head');
    fs.truncateSync(tail, 64 * MiB);
    expect(await copyPreservingHoles(tail, path.join(dir, 'tail.copy'), 0o751)).toBe(64 * MiB);
    expect(await sameBytes(tail, path.join(dir, 'tail.copy'))).toBe(true);
    expect(allocated(path.join(dir, 'tail.copy'))).toBeLessThanOrEqual(64 * 1024);
    expect(fs.statSync(path.join(dir, 'tail.copy')).mode & 0o777).toBe(0o751);
    const zeros = path.join(dir, 'zeros');
    fs.writeFileSync(zeros, Buffer.alloc(3 * MiB + 5));
    await copyPreservingHoles(zeros, path.join(dir, 'zeros.copy'), 0o644);
    expect(await sameBytes(zeros, path.join(dir, 'zeros.copy'))).toBe(true);
  });

  it('a changed sparse file is staged as a sparse blob', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'disk.img');
    const { data } = sparseFile(file, 256 * MiB);
    const txn = path.join(dir, 'txn');
    const hash = (await stageBlob(txn, file))!;
    expect(await sameBytes(file, blobPath(txn, hash))).toBe(true);
    expect(allocated(blobPath(txn, hash))).toBeLessThan(data + 2 * MiB);
  });

  it('an optimization that changes a sparse file applies and rolls back without filling its holes', async () => {
    const base = tempDir();
    const agent = path.join(base, 'agent');
    fs.mkdirSync(agent);
    const file = path.join(agent, 'disk.img');
    const { data } = sparseFile(file, 256 * MiB);
    const original = path.join(base, 'original.img');
    await copyPreservingHoles(file, original, 0o640);
    const sandbox = path.join(base, 'sandbox');
    const { manifest } = await copyTree(agent, sandbox);
    // The change writes 1 MiB into a hole of the sandbox's copy.
    const fd = fs.openSync(path.join(sandbox, 'disk.img'), 'r+');
    fs.writeSync(fd, Buffer.alloc(MiB, 'y'), 0, MiB, 100 * MiB);
    fs.closeSync(fd);
    const txnDir = path.join(base, 'data', 'txn_1');
    const changes = await captureChanges({ sandboxDir: sandbox, agentDir: agent, manifest, txnDir });
    expect(changes.map((change) => change.path)).toEqual(['disk.img']);
    expect((await applyChanges({ txnDir, agentDir: agent, changes, manifest })).status).toBe('applied');
    expect(await sameBytes(file, path.join(sandbox, 'disk.img'))).toBe(true);
    expect(allocated(file)).toBeLessThan(data + 3 * MiB);
    expect((await rollbackChanges({ txnDir })).status).toBe('rolled_back');
    expect(await sameBytes(file, original)).toBe(true);
    expect(allocated(file)).toBeLessThan(data + 2 * MiB);
    // Before, backup and after: each staged blob holds about its data.
    for (const blob of fs.readdirSync(path.join(txnDir, 'blobs')))
      expect(allocated(path.join(txnDir, 'blobs', blob))).toBeLessThan(data + 3 * MiB);
  });
});
