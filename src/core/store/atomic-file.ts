import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { hasErrno } from '../errors.js';

const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = fs.constants;
const WRITE_BATCH = 1024 * 1024;

/**
 * Replaces `file` with `content` so that a crash at any moment leaves either the old or the new
 * file, never a mix: a temp file with a name no other writer uses (O_EXCL, never following a
 * planted symlink), fsync, rename over the target, fsync of the folder so the rename survives a
 * power cut. lowdb's own writer shares one temp name between processes and never fsyncs.
 */
export function atomicWriteFile(file: string, content: string | Buffer): void {
  atomicWriteWith(file, (write) => write(content));
}

/**
 * atomicWriteFile for content too large to hold as one string (a rewritten log segment):
 * `produce` hands it over piece by piece, written in batches of about 1 MiB.
 */
export function atomicWriteWith(
  file: string,
  produce: (write: (piece: string | Buffer) => void) => void,
): void {
  const dir = path.dirname(file);
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = fs.openSync(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o644);
  try {
    let batch = '';
    produce((piece) => {
      if (typeof piece === 'string' && (batch += piece).length < WRITE_BATCH) return;
      if (batch !== '') fs.writeFileSync(fd, batch);
      batch = '';
      if (typeof piece !== 'string') fs.writeFileSync(fd, piece);
    });
    if (batch !== '') fs.writeFileSync(fd, batch);
    fs.fsyncSync(fd);
  } catch (error) {
    fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw error;
  }
  fs.closeSync(fd);
  try {
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
  fsyncDir(dir);
}

export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch (error) {
    // Some file systems refuse fsync on a directory; the rename is still atomic there.
    if (!hasErrno(error, 'EINVAL', 'EISDIR', 'EPERM', 'EBADF')) throw error;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Temp files left by a writer that was killed mid-write; only call while holding the file's lock. */
export function removeStaleTemps(file: string): void {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (name.startsWith(prefix) && name.endsWith('.tmp')) fs.rmSync(path.join(dir, name), { force: true });
  }
}
