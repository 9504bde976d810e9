import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/cli.js';

/** Each file of src with its text. */
function sources(): Array<[string, string]> {
  const dir = path.join(ROOT, 'src');
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => {
      const file = path.join(entry.parentPath, entry.name);
      return [path.relative(ROOT, file), fs.readFileSync(file, 'utf8')];
    });
}

describe('one data model', () => {
  it('leaves no double cast in src: stored rows are typed by the model, disk data checked', () => {
    expect(
      sources()
        .filter(([, text]) => text.includes('as unknown as'))
        .map(([file]) => file),
    ).toEqual([]);
  });

  it('has open records only where plugin data comes in (the SDK, the plugin process wire)', () => {
    const open = sources()
      .filter(([, text]) => /\[\w+: string\]: unknown/.test(text))
      .map(([file]) => file)
      .sort();
    expect(open).toEqual([
      // A line from a plugin process before readPluginMessage checks its fields.
      path.join('src', 'core', 'plugins', 'line-channel.ts'),
      path.join('src', 'core', 'sdk', 'context.ts'),
      path.join('src', 'core', 'sdk', 'strategy.ts'),
    ]);
  });

  it('keeps the SDK free of kv1nt: its files import only each other', () => {
    const outside = sources()
      .filter(([file]) => file.startsWith(path.join('src', 'core', 'sdk')))
      .flatMap(([file, text]) =>
        [...text.matchAll(/^(?:import|export)[^;]*? from '([^']+)'/gms)]
          .map((match) => match[1]!)
          .filter((specifier) => !specifier.startsWith('./'))
          .map((specifier) => `${file}: ${specifier}`),
      );
    expect(outside).toEqual([]);
  });
});
