import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validateConfig } from '../../../src/core/config/load.js';
import { ROOT } from '../../helpers/cli.js';

describe('.kv1ntrc.example', () => {
  const file = path.join(ROOT, '.kv1ntrc.example');
  const text = fs.readFileSync(file, 'utf8');

  it('is a valid config as it stands', () => {
    expect(() => validateConfig(file, parse(text))).not.toThrow();
  });

  it('shows every top-level key of the schema, set or commented out', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'kv1ntrc.schema.json'), 'utf8')) as {
      properties: Record<string, unknown>;
    };
    const shown = new Set([...text.matchAll(/^(?:# )?([A-Za-z$][\w-]*):/gm)].map((m) => m[1]));
    const missing = Object.keys(schema.properties).filter((key) => key !== '$schema' && !shown.has(key));
    expect(missing).toEqual([]);
  });
});
