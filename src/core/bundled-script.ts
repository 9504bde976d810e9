import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const found = new Map<string, string>();

/**
 * A script scripts/bundle.js writes to `dist/` for a process or worker thread of its own (the
 * plugin process, the import workers), in kv1nt's own package: found from this module's file,
 * wherever it runs from — the CLI bundle (dist/cli.cjs), the library (dist/core/…) or the sources
 * under test (src/core/…).
 */
export function bundledScript(name: string): string {
  let entry = found.get(name);
  if (entry === undefined) {
    entry = search(path.dirname(fileURLToPath(import.meta.url)), path.join('dist', name));
    found.set(name, entry);
  }
  return entry;
}

function search(from: string, relative: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const entry = path.join(dir, relative);
    if (fs.existsSync(entry)) return entry;
    if (fs.existsSync(path.join(dir, 'package.json')) || path.dirname(dir) === dir)
      throw new Error(
        `kv1nt's script ${path.join(dir, relative)} is missing (in a checkout of kv1nt, run npm run build)`,
      );
  }
}
