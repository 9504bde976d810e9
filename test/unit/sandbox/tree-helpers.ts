import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ManifestEntry, TreeManifest } from '../../../src/core/sandbox/manifest.js';

/**
 * Stand-ins for the sandbox copy (the real copyTree lives on another branch): the manifest of a
 * folder by lstat, a timestamp-preserving copy, and a byte-exact fingerprint of a tree.
 */
export function manifestOf(root: string): TreeManifest {
  const manifest: TreeManifest = new Map();
  const visit = (dir: string, prefix: string) => {
    for (const name of fs.readdirSync(dir).sort()) {
      const rel = prefix ? `${prefix}/${name}` : name;
      const abs = path.join(dir, name);
      const stats = fs.lstatSync(abs);
      let entry: ManifestEntry | undefined;
      if (stats.isSymbolicLink()) {
        entry = { kind: 'symlink', target: fs.readlinkSync(abs), ctimeMs: stats.ctimeMs, ino: stats.ino };
      } else if (stats.isFile()) {
        const { size, mtimeMs, ctimeMs, ino, mode } = stats;
        entry = { kind: 'file', size, mtimeMs, ctimeMs, ino, mode };
      } else if (stats.isDirectory()) {
        entry = { kind: 'dir', mode: stats.mode };
      }
      if (!entry) continue;
      manifest.set(rel, entry);
      if (entry.kind === 'dir') visit(abs, rel);
    }
  };
  visit(root, '');
  return manifest;
}

/** Copies `agentDir` into `sandboxDir` like copyTree does and returns the manifest of the source. */
export function copyToSandbox(agentDir: string, sandboxDir: string): TreeManifest {
  const manifest = manifestOf(agentDir);
  fs.cpSync(agentDir, sandboxDir, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
  for (const [rel, entry] of manifest) {
    if (entry.kind === 'dir') fs.chmodSync(path.join(sandboxDir, rel), entry.mode & 0o7777);
  }
  return manifest;
}

/** One line per path — kind, permission bits, content hash or link target — sorted: equal strings = equal trees. */
export function snapshot(root: string): string {
  const lines: string[] = [];
  const visit = (dir: string, prefix: string) => {
    for (const name of fs.readdirSync(dir).sort()) {
      const rel = prefix ? `${prefix}/${name}` : name;
      const abs = path.join(dir, name);
      const stats = fs.lstatSync(abs);
      const mode = (stats.mode & 0o7777).toString(8);
      if (stats.isSymbolicLink()) lines.push(`${rel} link -> ${fs.readlinkSync(abs)}`);
      else if (stats.isFile()) {
        const hash = createHash('sha256').update(fs.readFileSync(abs)).digest('hex').slice(0, 16);
        lines.push(`${rel} file ${mode} ${hash}`);
      } else if (stats.isDirectory()) {
        lines.push(`${rel} dir ${mode}`);
        visit(abs, rel);
      } else lines.push(`${rel} other`);
    }
  };
  visit(root, '');
  return lines.join('\n');
}

/** Writes `files` under root (nested paths allowed). */
export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
}
