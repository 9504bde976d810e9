import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyTree } from '../../../src/core/sandbox/copy-tree.js';
import { tempDir } from '../../helpers/cli.js';

const isRoot = process.getuid?.() === 0;

/** Every path under `dir`, relative, sorted. */
function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      out.push(child);
      if (entry.isDirectory()) walk(child);
    }
  };
  walk('');
  return out.sort();
}

/** Relative path → size (-1 for a folder) of everything under `dir`. */
function snapshot(dir: string): Record<string, number> {
  const sizes: Record<string, number> = {};
  for (const rel of listTree(dir)) {
    const stat = fs.lstatSync(path.join(dir, rel));
    sizes[rel] = stat.isDirectory() ? -1 : stat.size;
  }
  return sizes;
}

describe('copyTree', () => {
  it('copies files, folders and symlinks, keeping content, mode and mtime', async () => {
    const src = tempDir({
      'package.json': '{"name":"agent"}',
      'src/index.js': 'console.log(1)',
      'src/deep/nested/file.txt': 'deep',
      'empty.txt': '',
    });
    fs.mkdirSync(path.join(src, 'empty-dir'));
    fs.writeFileSync(path.join(src, 'run.sh'), '#!/bin/sh\necho hi\n');
    fs.chmodSync(path.join(src, 'run.sh'), 0o751);
    const old = new Date('2020-01-02T03:04:05.678Z');
    fs.utimesSync(path.join(src, 'src/index.js'), old, old);
    fs.utimesSync(path.join(src, 'src/deep'), old, old);
    fs.symlinkSync('src/index.js', path.join(src, 'link.js'));
    const dest = path.join(tempDir(), 'copy');

    const report = await copyTree(src, dest);

    expect(listTree(dest)).toEqual(listTree(src));
    expect(fs.readFileSync(path.join(dest, 'src/deep/nested/file.txt'), 'utf8')).toBe('deep');
    expect(fs.statSync(path.join(dest, 'run.sh')).mode & 0o7777).toBe(0o751);
    // Times go through seconds as a double: equal to the source to well under a millisecond.
    for (const rel of ['src/index.js', 'src/deep']) {
      expect(fs.statSync(path.join(dest, rel)).mtimeMs).toBeCloseTo(
        fs.statSync(path.join(src, rel)).mtimeMs,
        2,
      );
      expect(fs.statSync(path.join(dest, rel)).mtimeMs).toBeCloseTo(old.getTime(), 0);
    }
    expect(report).toMatchObject({ files: 5, dirs: 4, symlinks: 1, skipped: [] });
    expect(report.bytes).toBe(
      ['package.json', 'src/index.js', 'src/deep/nested/file.txt', 'empty.txt', 'run.sh'].reduce(
        (sum, f) => sum + fs.statSync(path.join(src, f)).size,
        0,
      ),
    );
    expect(typeof report.reflinked).toBe('boolean');
  });

  it('keeps symlink targets as written: a relative link in the copy points inside the copy', async () => {
    const src = tempDir({ 'config/settings.json': '{"v":1}' });
    const outside = tempDir({ 'shared.txt': 'outside' });
    fs.symlinkSync('../config/settings.json', path.join(src, 'config-link'));
    fs.mkdirSync(path.join(src, 'sub'));
    fs.symlinkSync('../config/settings.json', path.join(src, 'sub/settings.json'));
    fs.symlinkSync(path.join(outside, 'shared.txt'), path.join(src, 'absolute-link'));
    fs.symlinkSync('does/not/exist', path.join(src, 'dangling'));
    const dest = path.join(tempDir(), 'copy');

    await copyTree(src, dest);

    expect(fs.readlinkSync(path.join(dest, 'sub/settings.json'))).toBe('../config/settings.json');
    expect(fs.readlinkSync(path.join(dest, 'config-link'))).toBe('../config/settings.json');
    expect(fs.readlinkSync(path.join(dest, 'absolute-link'))).toBe(path.join(outside, 'shared.txt'));
    expect(fs.readlinkSync(path.join(dest, 'dangling'))).toBe('does/not/exist');
    // Writing through the copy's link changes the copy, never the original agent.
    expect(fs.realpathSync(path.join(dest, 'sub/settings.json'))).toBe(
      fs.realpathSync(path.join(dest, 'config/settings.json')),
    );
    fs.writeFileSync(path.join(dest, 'sub/settings.json'), '{"v":2}');
    expect(fs.readFileSync(path.join(src, 'config/settings.json'), 'utf8')).toBe('{"v":1}');
    expect(fs.readFileSync(path.join(dest, 'config/settings.json'), 'utf8')).toBe('{"v":2}');
  });

  it('skips a real FIFO and a real Unix socket, listing them, without blocking', async () => {
    const src = tempDir({ 'a.txt': 'a', 'run/keep.txt': 'k' });
    execFileSync('mkfifo', [path.join(src, 'run/pipe')]);
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(path.join(src, 'run/agent.sock'), resolve));
    try {
      const dest = path.join(tempDir(), 'copy');
      const report = await copyTree(src, dest);

      expect(report.skipped.sort((x, y) => x.path.localeCompare(y.path))).toEqual([
        { path: 'run/agent.sock', kind: 'socket' },
        { path: 'run/pipe', kind: 'fifo' },
      ]);
      expect(listTree(dest)).toEqual(['a.txt', 'run', 'run/keep.txt']);
      expect(report.manifest.has('run/pipe')).toBe(false);
      expect(report.manifest.has('run/agent.sock')).toBe(false);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('builds the manifest from the source lstat: files, symlinks, folders; not the root, not excluded', async () => {
    const src = tempDir({ 'src/a.js': 'aaa', 'node_modules/x/index.js': 'x', 'b.txt': 'bb' });
    fs.symlinkSync('src/a.js', path.join(src, 'link'));
    const dest = path.join(tempDir(), 'copy');

    const report = await copyTree(src, dest, { exclude: (rel) => rel === 'node_modules' });

    expect([...report.manifest.keys()].sort()).toEqual(['b.txt', 'link', 'src', 'src/a.js']);
    const stat = fs.lstatSync(path.join(src, 'src/a.js'));
    expect(report.manifest.get('src/a.js')).toEqual({
      kind: 'file',
      size: 3,
      mtimeMs: stat.mtimeMs,
      ctimeMs: stat.ctimeMs,
      ino: stat.ino,
      mode: stat.mode,
    });
    const link = fs.lstatSync(path.join(src, 'link'));
    expect(report.manifest.get('link')).toEqual({
      kind: 'symlink',
      target: 'src/a.js',
      ctimeMs: link.ctimeMs,
      ino: link.ino,
    });
    expect(report.manifest.get('src')).toEqual({
      kind: 'dir',
      mode: fs.lstatSync(path.join(src, 'src')).mode,
    });
    expect(fs.existsSync(path.join(dest, 'node_modules'))).toBe(false);
    expect(report.files).toBe(2);
  });

  it('passes relative POSIX paths to exclude and leaves out a whole excluded folder', async () => {
    const src = tempDir({ 'keep/a.txt': 'a', 'keep/skip.log': 'l', 'gone/deep/b.txt': 'b' });
    const seen: string[] = [];
    const dest = path.join(tempDir(), 'copy');

    await copyTree(src, dest, {
      exclude: (rel) => {
        seen.push(rel);
        return rel === 'gone' || rel.endsWith('.log');
      },
    });

    expect(seen.sort()).toEqual(['gone', 'keep', 'keep/a.txt', 'keep/skip.log']);
    expect(listTree(dest)).toEqual(['keep', 'keep/a.txt']);
  });

  it('fills a read-only folder and then gives it its mode', async () => {
    const src = tempDir({ 'locked/a.txt': 'a', 'locked/inner/b.txt': 'b' });
    fs.chmodSync(path.join(src, 'locked'), 0o555);
    const dest = path.join(tempDir(), 'copy');
    try {
      await copyTree(src, dest);
      expect(fs.statSync(path.join(dest, 'locked')).mode & 0o7777).toBe(0o555);
      expect(fs.readFileSync(path.join(dest, 'locked/inner/b.txt'), 'utf8')).toBe('b');
    } finally {
      fs.chmodSync(path.join(src, 'locked'), 0o755);
      if (fs.existsSync(path.join(dest, 'locked'))) fs.chmodSync(path.join(dest, 'locked'), 0o755);
    }
  });

  it('refuses a destination that exists', async () => {
    const src = tempDir({ 'a.txt': 'a' });
    const dest = tempDir({ 'mine.txt': 'do not touch' });
    await expect(copyTree(src, dest)).rejects.toThrow(/already exists/);
    expect(fs.readdirSync(dest)).toEqual(['mine.txt']);
  });

  it('creates missing parent folders of the destination', async () => {
    const src = tempDir({ 'a.txt': 'a' });
    const dest = path.join(tempDir(), 'x', 'y', 'copy');
    await copyTree(src, dest);
    expect(fs.readFileSync(path.join(dest, 'a.txt'), 'utf8')).toBe('a');
  });

  it('copies everything with any concurrency, even one operation at a time (no slot held while waiting)', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 300; i++) files[`d${i % 7}/sub${i % 3}/f${i}.txt`] = `file ${i}`;
    const src = tempDir(files);
    for (const concurrency of [1, 4, 64]) {
      const dest = path.join(tempDir(), `copy-${concurrency}`);
      const report = await copyTree(src, dest, { concurrency });
      expect(report.files).toBe(300);
      expect(listTree(dest)).toEqual(listTree(src));
    }
  });

  it('after a failure, rejects only once nothing writes into the destination any more', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 80; i++) files[`big/f${i}.bin`] = 'x'.repeat(2 * 1024 * 1024);
    files['x/y/trigger.txt'] = 't';
    const src = tempDir(files);
    const dest = path.join(tempDir(), 'copy');
    // The failure comes a few folders deep, while the big files are being copied.
    const failure = copyTree(src, dest, {
      concurrency: 128,
      exclude: (rel) => {
        if (rel === 'x/y/trigger.txt') throw new Error(`cannot decide about ${rel}`);
        return false;
      },
    });

    await expect(failure).rejects.toThrow(/cannot decide about/);
    const atRejection = snapshot(dest);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(snapshot(dest)).toEqual(atRejection);
    // Whatever was started was finished before the rejection: no half-written file.
    for (const [rel, size] of Object.entries(atRejection))
      if (size >= 0) expect([rel, size]).toEqual([rel, 2 * 1024 * 1024]);
    expect(Object.keys(atRejection).length).toBeLessThan(85);
  });

  it.skipIf(isRoot)('rejects on an unreadable file, and stops writing before it rejects', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 1500; i++) files[`d${i % 15}/f${i}.txt`] = 'y'.repeat(1000);
    const src = tempDir(files);
    fs.chmodSync(path.join(src, 'd3/f3.txt'), 0o000);
    const dest = path.join(tempDir(), 'copy');
    try {
      await expect(copyTree(src, dest)).rejects.toThrow(/EACCES/);
      const right = listTree(dest).length;
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(listTree(dest).length).toBe(right);
    } finally {
      fs.chmodSync(path.join(src, 'd3/f3.txt'), 0o644);
    }
  });
});
