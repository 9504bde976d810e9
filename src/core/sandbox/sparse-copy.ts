import fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';

/*
 * Copies that keep a sparse file sparse. fs.copyFile (sendfile / copy_file_range) reads a hole as
 * zeros and writes them as data: a 1 GiB sparse file holding 80 MB became 1 GiB in every sandbox.
 * Node exposes neither SEEK_DATA nor SEEK_HOLE, so holes are found by content: a block of zeros
 * is not written, and the file is given its size at the end (ftruncate), which leaves holes
 * wherever nothing was written. The bytes read back are the same; only the zeros take no space.
 */

/** The hole granularity of common file systems (ext4, xfs, btrfs, apfs). */
const BLOCK = 4096;
const CHUNK = 1024 * 1024;
const ZEROS = Buffer.alloc(CHUNK);

/** Whether `stat` describes a file with holes: fewer bytes allocated than its size. */
export function isSparse(stat: fs.Stats): boolean {
  return stat.size > BLOCK && stat.blocks * 512 < stat.size;
}

/**
 * Writes consecutive chunks into a new, empty file, leaving all-zero blocks unwritten. Only for a
 * file that starts empty: an unwritten block of an existing file would keep its old bytes.
 */
export class HoleWriter {
  private position = 0;

  constructor(private readonly handle: FileHandle) {}

  /** Appends `buffer[0, length)`, its zero blocks as holes. */
  async write(buffer: Buffer, length: number): Promise<void> {
    if (length > 0 && !isZero(buffer, 0, length)) {
      let run = -1;
      for (let at = 0; at < length; at += BLOCK) {
        const zero = isZero(buffer, at, Math.min(at + BLOCK, length));
        if (!zero && run === -1) run = at;
        else if (zero && run !== -1) {
          await this.writeAt(buffer, run, at);
          run = -1;
        }
      }
      if (run !== -1) await this.writeAt(buffer, run, length);
    }
    this.position += length;
  }

  /** Sets the file's size to what was appended (a trailing hole is not written either). */
  async finish(): Promise<number> {
    await this.handle.truncate(this.position);
    return this.position;
  }

  private async writeAt(buffer: Buffer, from: number, to: number): Promise<void> {
    let written = from;
    while (written < to)
      written += (await this.handle.write(buffer, written, to - written, this.position + written))
        .bytesWritten;
  }
}

/**
 * Copies `from` to the new file `to` (which must not exist) with its holes, giving it `mode`.
 * Returns the number of bytes copied.
 */
export async function copyPreservingHoles(from: string, to: string, mode: number): Promise<number> {
  const input = await fs.promises.open(from, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  try {
    const output = await fs.promises.open(
      to,
      fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW,
      0o600,
    );
    try {
      const writer = new HoleWriter(output);
      const buffer = Buffer.allocUnsafe(CHUNK);
      for (;;) {
        const { bytesRead } = await input.read(buffer, 0, CHUNK, null);
        if (bytesRead === 0) break;
        await writer.write(buffer, bytesRead);
      }
      const size = await writer.finish();
      // Like copyFile, the copy keeps the mode (set last: the creation mode went through the umask).
      await output.chmod(mode & 0o7777);
      return size;
    } finally {
      await output.close();
    }
  } finally {
    await input.close();
  }
}

function isZero(buffer: Buffer, from: number, to: number): boolean {
  for (let at = from; at < to; at += CHUNK) {
    const end = Math.min(at + CHUNK, to);
    if (ZEROS.compare(buffer, at, end, 0, end - at) !== 0) return false;
  }
  return true;
}
