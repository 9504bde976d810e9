import fs from 'node:fs';
import path from 'node:path';
import { JSONFile } from 'lowdb/node';
import { Low } from 'lowdb';
import { describe, expect, it } from 'vitest';
import { DataDir } from '../../../src/core/store/data-dir.js';
import { JsonDocStore, type DocSpec } from '../../../src/core/store/json-store.js';
import { tempDir } from '../../helpers/cli.js';
import { rejection, tree } from './helpers.js';

interface ThingsV1 {
  schemaVersion: 1;
  items: string[];
}

interface ThingsV2 {
  schemaVersion: 2;
  entries: Array<{ name: string }>;
  migratedFrom: number;
}

const THINGS: DocSpec<ThingsV1> = {
  name: 'things',
  folder: 'things',
  fileName: 'things.json',
  version: 1,
  defaults: () => ({ schemaVersion: 1, items: [] }),
};

const THINGS_V2: DocSpec<ThingsV2> = {
  name: 'things',
  folder: 'things',
  fileName: 'things.json',
  version: 2,
  defaults: () => ({ schemaVersion: 2, entries: [], migratedFrom: 0 }),
  migrations: {
    1: (doc) => ({
      entries: (doc.items as string[]).map((name) => ({ name })),
      migratedFrom: doc.schemaVersion,
    }),
  },
};

function storeWith(content: string | undefined): { store: JsonDocStore<ThingsV1>; file: string } {
  const dataDir = new DataDir(tempDir());
  const store = new JsonDocStore(dataDir, THINGS);
  if (content !== undefined) {
    fs.mkdirSync(path.dirname(store.file), { recursive: true });
    fs.writeFileSync(store.file, content);
  }
  return { store, file: store.file };
}

describe('JsonDocStore: a missing file', () => {
  it('reads as the defaults without creating anything', async () => {
    const root = tempDir();
    const store = new JsonDocStore(new DataDir(root), THINGS);
    expect(await store.read()).toEqual({ schemaVersion: 1, items: [] });
    expect(tree(root)).toEqual([]);
  });

  it('is created by the first update, which returns the change result', async () => {
    const { store, file } = storeWith(undefined);
    expect(await store.update((doc) => doc.items.push('x'))).toBe(1);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ schemaVersion: 1, items: ['x'] });
    expect(await store.read()).toEqual({ schemaVersion: 1, items: ['x'] });
    expect(fs.readdirSync(path.dirname(file))).toEqual(['things.json']);
  });

  it('mutate writes only when the change reports a change', async () => {
    const { store, file } = storeWith('{"schemaVersion":1,"items":["a"]}');
    const before = fs.statSync(file);
    expect(await store.mutate(() => false)).toEqual({ schemaVersion: 1, items: ['a'] });
    expect(fs.statSync(file).ino).toBe(before.ino); // not replaced
    expect(await store.mutate((doc) => doc.items.push('b') > 0)).toEqual({
      schemaVersion: 1,
      items: ['a', 'b'],
    });
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ schemaVersion: 1, items: ['a', 'b'] });
  });
});

describe('JsonDocStore: a damaged file is never replaced by the defaults', () => {
  it('plain lowdb does turn a `null` file into its defaults and then overwrites the data', async () => {
    const file = path.join(tempDir({ 'db.json': 'null' }), 'db.json');
    const db = new Low<ThingsV1>(new JSONFile(file), { schemaVersion: 1, items: [] });
    await db.read();
    expect(db.data).toEqual({ schemaVersion: 1, items: [] });
    db.data.items.push('new');
    await db.write();
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ schemaVersion: 1, items: ['new'] });
  });

  it.each([
    ['empty', '', /it is empty/],
    ['blank', '   \n', /it is empty/],
    ['null', 'null', /it holds null/],
    ['an array', '[]', /it holds an array/],
    ['a number', '42', /it holds number/],
    ['a string', '"text"', /it holds string/],
    ['bad JSON', '{bad json', /not valid JSON/],
    ['truncated JSON', '{"schemaVersion":1,"items":["a"', /not valid JSON/],
    ['no schemaVersion', '{"items":["a"]}', /no valid schemaVersion/],
    ['schemaVersion 0', '{"schemaVersion":0,"items":[]}', /no valid schemaVersion/],
    ['schemaVersion as a string', '{"schemaVersion":"1","items":[]}', /no valid schemaVersion/],
    ['fractional schemaVersion', '{"schemaVersion":1.5,"items":[]}', /no valid schemaVersion/],
  ])(
    '%s: read() and update() throw STORE_CORRUPT naming the file, and leave it alone',
    async (_name, content, reason) => {
      const { store, file } = storeWith(content);

      const onRead = await rejection(store.read());
      expect(onRead.code).toBe('STORE_CORRUPT');
      expect(onRead.message).toContain(file);
      expect(onRead.message).toMatch(reason);

      let changed = false;
      const onUpdate = await rejection(
        store.update((doc) => {
          changed = true;
          doc.items.push('lost?');
        }),
      );
      expect({ code: onUpdate.code, message: onUpdate.message }).toEqual({
        code: 'STORE_CORRUPT',
        message: onRead.message,
      });
      expect(changed).toBe(false);
      expect(fs.readFileSync(file, 'utf8')).toBe(content);
      expect(fs.readdirSync(path.dirname(file))).toEqual(['things.json']);
      // The lock was released despite the error.
      expect(fs.readdirSync(path.join(path.dirname(file), '..', 'locks'))).toEqual([]);
    },
  );

  it("uses the spec's recovery advice when it has one", async () => {
    const dataDir = new DataDir(tempDir());
    const store = new JsonDocStore(dataDir, { ...THINGS, recovery: 'Move it aside and rebuild.' });
    fs.mkdirSync(path.dirname(store.file), { recursive: true });
    fs.writeFileSync(store.file, '');
    expect((await rejection(store.read())).suggestions).toEqual(['Move it aside and rebuild.']);
  });

  it('a store file that is a symbolic link is STORE_CORRUPT, and its target is not touched', async () => {
    const root = tempDir({ 'elsewhere/real.json': '{"schemaVersion":1,"items":["kept"]}' });
    const store = new JsonDocStore(new DataDir(path.join(root, 'data')), THINGS);
    fs.mkdirSync(path.dirname(store.file), { recursive: true });
    fs.symlinkSync(path.join(root, 'elsewhere', 'real.json'), store.file);

    const onRead = await rejection(store.read());
    expect(onRead.code).toBe('STORE_CORRUPT');
    expect(onRead.message).toContain(store.file);
    expect(onRead.message).toMatch(/symbolic link/);
    expect((await rejection(store.update((doc) => doc.items.push('x')))).code).toBe('STORE_CORRUPT');

    expect(fs.lstatSync(store.file).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(path.join(root, 'elsewhere', 'real.json'), 'utf8')).toBe(
      '{"schemaVersion":1,"items":["kept"]}',
    );
  });

  it('a dangling symbolic link is STORE_CORRUPT too, not a missing file', async () => {
    const root = tempDir();
    const store = new JsonDocStore(new DataDir(path.join(root, 'data')), THINGS);
    fs.mkdirSync(path.dirname(store.file), { recursive: true });
    fs.symlinkSync(path.join(root, 'nowhere.json'), store.file);
    expect((await rejection(store.read())).code).toBe('STORE_CORRUPT');
    expect((await rejection(store.update((doc) => doc.items.push('x')))).code).toBe('STORE_CORRUPT');
    expect(fs.existsSync(path.join(root, 'nowhere.json'))).toBe(false);
  });
});

describe('JsonDocStore: schema versions', () => {
  it('a file newer than this kv1nt is STORE_TOO_NEW and left alone', async () => {
    const content = '{"schemaVersion":2,"items":["a"],"future":true}';
    const { store, file } = storeWith(content);
    const onRead = await rejection(store.read());
    expect(onRead.code).toBe('STORE_TOO_NEW');
    expect(onRead.message).toContain(file);
    expect((await rejection(store.update((doc) => doc.items.push('x')))).code).toBe('STORE_TOO_NEW');
    expect(fs.readFileSync(file, 'utf8')).toBe(content);
  });

  it('migrates a version-1 file on read, without writing it', async () => {
    const root = tempDir({ 'things/things.json': '{"schemaVersion":1,"items":["a","b"]}' });
    const store = new JsonDocStore(new DataDir(root), THINGS_V2);
    expect(await store.read()).toEqual({
      schemaVersion: 2,
      entries: [{ name: 'a' }, { name: 'b' }],
      migratedFrom: 1,
    });
    expect(fs.readFileSync(store.file, 'utf8')).toBe('{"schemaVersion":1,"items":["a","b"]}');
  });

  it('stores the migrated document on the next update', async () => {
    const root = tempDir({ 'things/things.json': '{"schemaVersion":1,"items":["a"]}' });
    const store = new JsonDocStore(new DataDir(root), THINGS_V2);
    await store.update((doc) => doc.entries.push({ name: 'c' }));
    expect(JSON.parse(fs.readFileSync(store.file, 'utf8'))).toEqual({
      schemaVersion: 2,
      entries: [{ name: 'a' }, { name: 'c' }],
      migratedFrom: 1,
    });
  });

  it('an old version with no migration path is STORE_CORRUPT, not defaults', async () => {
    const content = '{"schemaVersion":1,"items":["a"]}';
    const root = tempDir({ 'things/things.json': content });
    const store = new JsonDocStore(new DataDir(root), { ...THINGS_V2, migrations: {} });
    const error = await rejection(store.read());
    expect(error.code).toBe('STORE_CORRUPT');
    expect(error.message).toMatch(/no migration from schema version 1/);
    expect((await rejection(store.update((doc) => doc))).code).toBe('STORE_CORRUPT');
    expect(fs.readFileSync(store.file, 'utf8')).toBe(content);
  });
});
