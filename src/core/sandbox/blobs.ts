import { createHash, randomBytes } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { transactionError, hasErrno } from '../errors.js';
import { HoleWriter } from './sparse-copy.js';

const { O_RDONLY, O_NOFOLLOW, O_WRONLY, O_CREAT, O_EXCL } = constants;
const HASH_PATTERN = /^[0-9a-f]{64}$/;
const CHUNK = 1 << 16;

/**
 * Content-addressed copies of file contents inside one transaction folder: `<txnDir>/blobs/<sha256>`.
 * A blob is written to a temp name, fsynced, then renamed to its hash, so a blob that exists under
 * its hash is complete — the journal relies on that when it says "every content is staged".
 */
export function blobsDirOf(txnDir: string): string {
  return path.join(txnDir, 'blobs');
}

export function blobPath(txnDir: string, hash: string): string {
  // The journal is data on disk: never let a tampered hash become a path outside the store.
  if (!HASH_PATTERN.test(hash))
    throw transactionError('TXN_BAD_BLOB', `Not a sha256 blob name: ${JSON.stringify(hash)}.`);
  return path.join(blobsDirOf(txnDir), hash);
}

export async function hasBlob(txnDir: string, hash: string): Promise<boolean> {
  try {
    return (await fs.lstat(blobPath(txnDir, hash))).isFile();
  } catch (error) {
    if (hasErrno(error, 'ENOENT')) return false;
    throw error;
  }
}

/**
 * Copies `source` (never following a symlink) into the blob store and returns its sha256, hashing
 * while copying so the file is read once. `accept` sees the opened file's stats before and after
 * the read: when it says no (another inode, or the file changed while being read) nothing is
 * staged and the result is undefined.
 */
export async function stageBlob(
  txnDir: string,
  source: string,
  accept?: (stats: Stats) => boolean,
): Promise<string | undefined> {
  const dir = blobsDirOf(txnDir);
  await fs.mkdir(dir, { recursive: true });
  const input = await fs.open(source, O_RDONLY | O_NOFOLLOW);
  try {
    if (accept && !accept(await input.stat())) return undefined;
    const temp = path.join(dir, `.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    const output = await fs.open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
    const hash = createHash('sha256');
    try {
      const buffer = Buffer.allocUnsafe(CHUNK);
      // Zero blocks stay holes: a changed 1 GiB sparse file must not stage 1 GiB of zeros.
      const writer = new HoleWriter(output);
      for (;;) {
        const { bytesRead } = await input.read(buffer, 0, CHUNK, null);
        if (bytesRead === 0) break;
        hash.update(buffer.subarray(0, bytesRead));
        await writer.write(buffer, bytesRead);
      }
      await writer.finish();
      await output.sync();
    } catch (error) {
      await output.close();
      await fs.rm(temp, { force: true });
      throw error;
    }
    await output.close();
    if (accept && !accept(await input.stat())) {
      await fs.rm(temp, { force: true });
      return undefined;
    }
    const digest = hash.digest('hex');
    if (await hasBlob(txnDir, digest)) await fs.rm(temp, { force: true });
    else await fs.rename(temp, blobPath(txnDir, digest));
    return digest;
  } finally {
    await input.close();
  }
}

/** sha256 of a regular file, never following a symlink. */
export async function hashFile(file: string): Promise<string> {
  const input = await fs.open(file, O_RDONLY | O_NOFOLLOW);
  try {
    const hash = createHash('sha256');
    const buffer = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const { bytesRead } = await input.read(buffer, 0, CHUNK, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
    }
    return hash.digest('hex');
  } finally {
    await input.close();
  }
}
