import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ENTRY = path.join('dist', 'plugin-process.cjs');
let found: string | undefined;

/**
 * The script a plugin process runs (child/main.ts bundled by scripts/bundle.js), in kv1nt's own
 * package: found from this module's file, wherever it runs from — the CLI bundle (dist/cli.cjs),
 * the library (dist/core/plugins/…) or the sources under test (src/core/plugins/…).
 */
export function pluginProcessEntry(): string {
  found ??= search(path.dirname(fileURLToPath(import.meta.url)));
  return found;
}

function search(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const entry = path.join(dir, ENTRY);
    if (fs.existsSync(entry)) return entry;
    if (fs.existsSync(path.join(dir, 'package.json')) || path.dirname(dir) === dir)
      throw new Error(
        `kv1nt's plugin process script ${path.join(dir, ENTRY)} is missing (in a checkout of kv1nt, run npm run build)`,
      );
  }
}
