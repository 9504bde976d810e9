import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { atomicWriteFile, fsyncDir, removeStaleTemps } from '../../../src/core/store/atomic-file.js';
import { DataDir } from '../../../src/core/store/data-dir.js';
import { JsonDocStore } from '../../../src/core/store/json-store.js';
import { tempDir } from '../../helpers/cli.js';

afterEach(() => {
  vi.restoreAllMocks();
});

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated`), { code });
}

/**
 * Spies (calling through) on the fs calls of an atomic write and tells, for every fsync, which
 * path its descriptor was opened for — fd numbers are reused, so match the latest open before it.
 */
function watchFs() {
  const open = vi.spyOn(fs, 'openSync');
  const fsync = vi.spyOn(fs, 'fsyncSync');
  const rename = vi.spyOn(fs, 'renameSync');
  const pathOf = (fd: number, before: number): string | undefined => {
    let found: string | undefined;
    open.mock.results.forEach((result, i) => {
      if (result.type === 'return' && result.value === fd && open.mock.invocationCallOrder[i]! < before) {
        found = String(open.mock.calls[i]![0]);
      }
    });
    return found;
  };
  return {
    open,
    rename,
    /** [path, call order] of every fsync. */
    fsyncs: () =>
      fsync.mock.calls.map(([fd], i) => {
        const order = fsync.mock.invocationCallOrder[i]!;
        return { path: pathOf(fd, order), order };
      }),
  };
}

/** What `fn` throws (undefined if it does not). */
function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

function tempNameOf(file: string): RegExp {
  const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped}\\.${process.pid}\\.[0-9a-f]{8}\\.tmp$`);
}

describe('atomicWriteFile', () => {
  it('fsyncs the temp file before renaming it over the target, then fsyncs the folder', () => {
    const dir = tempDir({ 'doc.json': 'old content that is longer than the new one' });
    const file = path.join(dir, 'doc.json');
    const watch = watchFs();

    atomicWriteFile(file, 'new');

    expect(fs.readFileSync(file, 'utf8')).toBe('new');
    expect(fs.readdirSync(dir)).toEqual(['doc.json']);

    expect(watch.rename).toHaveBeenCalledTimes(1);
    const [temp, target] = watch.rename.mock.calls[0]!;
    expect(target).toBe(file);
    expect(String(temp)).toMatch(tempNameOf(file));

    const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = fs.constants;
    expect(watch.open).toHaveBeenCalledWith(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o644);

    const fsyncs = watch.fsyncs();
    expect(fsyncs.map((call) => call.path)).toEqual([temp, dir]);
    const renamedAt = watch.rename.mock.invocationCallOrder[0]!;
    expect(fsyncs[0]!.order).toBeLessThan(renamedAt);
    expect(fsyncs[1]!.order).toBeGreaterThan(renamedAt);
  });

  it('uses a new temp name for every write', () => {
    const file = path.join(tempDir(), 'doc.json');
    const watch = watchFs();
    atomicWriteFile(file, 'a');
    atomicWriteFile(file, 'b');
    const temps = watch.rename.mock.calls.map(([temp]) => String(temp));
    expect(temps).toHaveLength(2);
    expect(temps[0]).not.toBe(temps[1]);
    expect(fs.readFileSync(file, 'utf8')).toBe('b');
  });

  it('replaces a symbolic link at the target instead of writing through it', () => {
    const root = tempDir({ 'outside/secret.txt': 'untouched' });
    const dir = path.join(root, 'data');
    fs.mkdirSync(dir);
    const file = path.join(dir, 'doc.json');
    fs.symlinkSync(path.join(root, 'outside', 'secret.txt'), file);

    atomicWriteFile(file, 'new');

    expect(fs.lstatSync(file).isFile()).toBe(true);
    expect(fs.readFileSync(file, 'utf8')).toBe('new');
    expect(fs.readFileSync(path.join(root, 'outside', 'secret.txt'), 'utf8')).toBe('untouched');
  });

  it('fails cleanly when the parent is a file (no temp file, nothing changed)', () => {
    const dir = tempDir({ 'not-a-folder': 'plain file' });
    expect(caught(() => atomicWriteFile(path.join(dir, 'not-a-folder', 'doc.json'), 'x'))).toMatchObject({
      code: 'ENOTDIR',
    });
    expect(fs.readdirSync(dir)).toEqual(['not-a-folder']);
    expect(fs.readFileSync(path.join(dir, 'not-a-folder'), 'utf8')).toBe('plain file');
  });

  it('removes its temp file when the rename fails (target is a folder)', () => {
    const dir = tempDir({ 'doc.json/inside.txt': 'keep' });
    const watch = watchFs();
    expect(caught(() => atomicWriteFile(path.join(dir, 'doc.json'), 'x'))).toMatchObject({ code: 'EISDIR' });
    // The temp file did exist (and was written and fsynced) before the rename failed.
    expect(watch.fsyncs().map((call) => call.path)).toEqual([watch.rename.mock.calls[0]![0]]);
    expect(fs.readdirSync(dir)).toEqual(['doc.json']);
    expect(fs.readdirSync(path.join(dir, 'doc.json'))).toEqual(['inside.txt']);
  });

  it.each([
    ['the write', 'writeFileSync', 'ENOSPC'],
    ['the fsync', 'fsyncSync', 'EIO'],
  ] as const)('removes its temp file and keeps the old content when %s fails', (_name, call, code) => {
    const dir = tempDir({ 'doc.json': 'old' });
    const file = path.join(dir, 'doc.json');
    const close = vi.spyOn(fs, 'closeSync');
    const failing = vi.spyOn(fs, call).mockImplementationOnce(() => {
      throw errno(code);
    });
    expect(caught(() => atomicWriteFile(file, 'new'))).toMatchObject({ code });
    expect(failing).toHaveBeenCalledTimes(1);
    expect(close).toHaveBeenCalledTimes(1); // the temp file's descriptor is not leaked
    expect(fs.readdirSync(dir)).toEqual(['doc.json']);
    expect(fs.readFileSync(file, 'utf8')).toBe('old');
  });
});

describe('fsyncDir', () => {
  it('tolerates file systems that refuse to fsync a folder, and closes it', () => {
    const dir = tempDir();
    const close = vi.spyOn(fs, 'closeSync');
    vi.spyOn(fs, 'fsyncSync').mockImplementationOnce(() => {
      throw errno('EINVAL');
    });
    expect(caught(() => fsyncDir(dir))).toBeUndefined();
    expect(close).toHaveBeenCalledTimes(1);
  });

  it('reports a real I/O error', () => {
    vi.spyOn(fs, 'fsyncSync').mockImplementationOnce(() => {
      throw errno('EIO');
    });
    expect(caught(() => fsyncDir(tempDir()))).toMatchObject({ code: 'EIO' });
  });
});

describe('removeStaleTemps', () => {
  it("removes only this file's own temp files", () => {
    const dir = tempDir({
      'doc.json': '{}',
      'doc.json.123.0a1b2c3d.tmp': '{"half',
      'doc.json.bak': 'keep',
      'other.json.123.0a1b2c3d.tmp': 'not ours',
      '.doc.json.tmp': "lowdb's",
    });
    removeStaleTemps(path.join(dir, 'doc.json'));
    expect(fs.readdirSync(dir).sort()).toEqual([
      '.doc.json.tmp',
      'doc.json',
      'doc.json.bak',
      'other.json.123.0a1b2c3d.tmp',
    ]);
  });

  it('is a no-op when the folder does not exist', () => {
    expect(() => removeStaleTemps(path.join(tempDir(), 'missing', 'doc.json'))).not.toThrow();
  });
});

describe('JsonDocStore.update durability (lowdb alone never fsyncs)', () => {
  it('fsyncs the new file and its folder, and clears a dead writer’s temp files', async () => {
    const root = tempDir({ 'things/things.json': '{"schemaVersion":1,"items":[]}' });
    const leftover = path.join(root, 'things', 'things.json.999.deadbeef.tmp');
    fs.writeFileSync(leftover, '{"schemaVer');
    const store = new JsonDocStore(new DataDir(root), {
      name: 'things',
      folder: 'things',
      fileName: 'things.json',
      version: 1,
      defaults: () => ({ schemaVersion: 1, items: [] as string[] }),
    });
    const watch = watchFs();

    await store.update((doc) => doc.items.push('x'));

    const [temp] = watch.rename.mock.calls.find(([, target]) => target === store.file)!;
    expect(String(temp)).toMatch(tempNameOf(store.file));
    expect(watch.fsyncs().map((call) => call.path)).toEqual([temp, path.join(root, 'things')]);
    expect(fs.readdirSync(path.join(root, 'things'))).toEqual(['things.json']);
    expect(JSON.parse(fs.readFileSync(store.file, 'utf8'))).toEqual({ schemaVersion: 1, items: ['x'] });
  });
});
