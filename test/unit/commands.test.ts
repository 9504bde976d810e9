import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/commands.js';

const COMMANDS_DIR = fileURLToPath(new URL('../../src/commands', import.meta.url));

/** `agents/add.ts` → `agents:add`, as oclif's pattern strategy would name it. */
function commandFiles(): Map<string, string> {
  const files = fs.readdirSync(COMMANDS_DIR, { recursive: true, encoding: 'utf8' });
  return new Map(
    files
      .filter((file) => file.endsWith('.ts'))
      .map((file) => [file.slice(0, -'.ts'.length).split(path.sep).join(':'), path.join(COMMANDS_DIR, file)]),
  );
}

describe('COMMANDS (explicit command strategy)', () => {
  it('lists every file under src/commands, by its id', () => {
    expect(Object.keys(COMMANDS).sort()).toEqual([...commandFiles().keys()].sort());
  });

  it("maps each id to that file's command class", async () => {
    for (const [id, file] of commandFiles()) {
      const module = (await import(file)) as { default: unknown };
      expect(COMMANDS[id as keyof typeof COMMANDS], id).toBe(module.default);
    }
  });
});
