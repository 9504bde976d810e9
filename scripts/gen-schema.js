#!/usr/bin/env node
// Writes kv1ntrc.schema.json (for editors and docs) from the valibot schema the CLI validates
// with, so the two can never disagree. Run by `npm run build`; a unit test checks that the
// committed file is current.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { toJsonSchema } from '@valibot/to-json-schema';
import { ConfigSchema } from '../dist/core/config/schema.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export function configJsonSchema() {
  return {
    ...toJsonSchema(ConfigSchema, { errorMode: 'ignore' }),
    title:
      'kv1nt configuration (.kv1ntrc, .kv1ntrc.json, .kv1ntrc.yaml, kv1nt.config.js|mjs, or "kv1nt" in package.json)',
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  fs.writeFileSync(
    path.join(root, 'kv1ntrc.schema.json'),
    `${JSON.stringify(configJsonSchema(), null, 2)}\n`,
  );
}
