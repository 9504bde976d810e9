import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataDir } from '../../../src/core/store/data-dir.js';
import { FeedbackLog } from '../../../src/core/store/feedback-log.js';
import { JsonDocStore, type DocSpec } from '../../../src/core/store/json-store.js';
import { tempDir } from '../../helpers/cli.js';
import { rejection, thrown, tree } from './helpers.js';

const FEEDBACK_DOC: DocSpec<{ schemaVersion: 1; notes: string[] }> = {
  name: 'feedback',
  folder: 'feedback',
  fileName: 'store.json',
  version: 1,
  defaults: () => ({ schemaVersion: 1, notes: [] }),
};

/** A data dir whose `feedback` folder is a symbolic link to a folder outside it. */
function escapingFeedbackLink(): { root: string; data: string; outside: string } {
  const root = tempDir({ 'outside/existing.txt': 'untouched' });
  const data = path.join(root, 'data');
  const outside = path.join(root, 'outside');
  fs.mkdirSync(data);
  fs.symlinkSync(outside, path.join(data, 'feedback'));
  return { root, data, outside };
}

describe('DataDir.ensureDir', () => {
  it('creates nested folders and returns their path', () => {
    const root = tempDir();
    const dataDir = new DataDir(path.join(root, 'data'));
    expect(dataDir.ensureDir('feedback', 'log')).toBe(path.join(root, 'data', 'feedback', 'log'));
    expect(tree(root)).toEqual(['data', path.join('data', 'feedback'), path.join('data', 'feedback', 'log')]);
  });

  it("accepts a name that merely starts with dots ('..foo') and keeps it inside", () => {
    const root = tempDir();
    const dataDir = new DataDir(path.join(root, 'data'));
    const dir = dataDir.ensureDir('..foo');
    expect(dir).toBe(path.join(root, 'data', '..foo'));
    expect(fs.statSync(dir).isDirectory()).toBe(true);
    expect(tree(root)).toEqual(['data', path.join('data', '..foo')]);
  });

  it("refuses '../foo' with DATA_DIR_ESCAPE", () => {
    const root = tempDir();
    const dataDir = new DataDir(path.join(root, 'data'));
    fs.mkdirSync(dataDir.root);
    expect(thrown(() => dataDir.ensureDir('..', 'foo')).code).toBe('DATA_DIR_ESCAPE');
  });

  it("creates nothing outside the data dir when refusing '../foo'", () => {
    const root = tempDir();
    const dataDir = new DataDir(path.join(root, 'data'));
    fs.mkdirSync(dataDir.root);
    expect(() => dataDir.ensureDir('..', 'foo')).toThrow();
    expect(tree(root)).toEqual(['data']);
  });

  it('refuses a file where a folder should be with DATA_DIR_INVALID', () => {
    const root = tempDir({ 'data/feedback': 'a file' });
    const error = thrown(() => new DataDir(path.join(root, 'data')).ensureDir('feedback', 'log'));
    expect(error.code).toBe('DATA_DIR_INVALID');
    expect(error.message).toContain(path.join(root, 'data', 'feedback'));
  });

  it('refuses a link to a file inside the data dir with DATA_DIR_INVALID', () => {
    const root = tempDir({ 'data/somefile': 'x' });
    fs.symlinkSync(path.join(root, 'data', 'somefile'), path.join(root, 'data', 'feedback'));
    expect(thrown(() => new DataDir(path.join(root, 'data')).ensureDir('feedback')).code).toBe(
      'DATA_DIR_INVALID',
    );
  });
});

describe('a state folder that is a symbolic link', () => {
  it('pointing outside the data dir: FeedbackLog.append throws DATA_DIR_ESCAPE and writes no file there', async () => {
    const { data, outside } = escapingFeedbackLink();
    const log = new FeedbackLog(new DataDir(data));
    const error = await rejection(log.append(['{"n":1}']));
    expect(error.code).toBe('DATA_DIR_ESCAPE');
    expect(error.message).toContain(path.join(data, 'feedback'));
    const files = tree(outside).filter((name) => fs.statSync(path.join(outside, name)).isFile());
    expect(files).toEqual(['existing.txt']);
    expect(fs.readFileSync(path.join(outside, 'existing.txt'), 'utf8')).toBe('untouched');
  });

  it('pointing outside the data dir: FeedbackLog.append does not even create a folder there', async () => {
    const { data, outside } = escapingFeedbackLink();
    await rejection(new FeedbackLog(new DataDir(data)).append(['{"n":1}']));
    expect(tree(outside)).toEqual(['existing.txt']);
  });

  it('pointing outside the data dir: JsonDocStore.update throws DATA_DIR_ESCAPE and writes nothing there', async () => {
    const { data, outside } = escapingFeedbackLink();
    const store = new JsonDocStore(new DataDir(data), FEEDBACK_DOC);
    let changed = false;
    const error = await rejection(
      store.update((doc) => {
        changed = true;
        doc.notes.push('x');
      }),
    );
    expect(error.code).toBe('DATA_DIR_ESCAPE');
    expect(changed).toBe(false);
    expect(tree(outside)).toEqual(['existing.txt']);
  });

  it('a deeper link (feedback/log) pointing outside is refused too', async () => {
    const root = tempDir({ 'outside/existing.txt': 'untouched' });
    const data = path.join(root, 'data');
    fs.mkdirSync(path.join(data, 'feedback'), { recursive: true });
    fs.symlinkSync(path.join(root, 'outside'), path.join(data, 'feedback', 'log'));
    expect((await rejection(new FeedbackLog(new DataDir(data)).append(['{"n":1}']))).code).toBe(
      'DATA_DIR_ESCAPE',
    );
    expect(tree(path.join(root, 'outside'))).toEqual(['existing.txt']);
  });

  it('a locks folder pointing outside is refused before any lock file is made', async () => {
    const root = tempDir({ 'outside/existing.txt': 'untouched' });
    const data = path.join(root, 'data');
    fs.mkdirSync(data);
    fs.symlinkSync(path.join(root, 'outside'), path.join(data, 'locks'));
    const store = new JsonDocStore(new DataDir(data), FEEDBACK_DOC);
    expect((await rejection(store.update((doc) => doc.notes.push('x')))).code).toBe('DATA_DIR_ESCAPE');
    expect(tree(path.join(root, 'outside'))).toEqual(['existing.txt']);
    expect(fs.existsSync(store.file)).toBe(false);
  });

  it('staying inside the data dir is fine', async () => {
    const root = tempDir();
    const data = path.join(root, 'data');
    fs.mkdirSync(path.join(data, 'real-feedback'), { recursive: true });
    fs.symlinkSync(path.join(data, 'real-feedback'), path.join(data, 'feedback'));
    const dataDir = new DataDir(data);

    await new FeedbackLog(dataDir).append(['{"n":1}']);
    await new JsonDocStore(dataDir, FEEDBACK_DOC).update((doc) => doc.notes.push('x'));

    expect(fs.readFileSync(path.join(data, 'real-feedback', 'log', '000001.jsonl'), 'utf8')).toBe(
      '{"format":"kv1nt-feedback-log","schemaVersion":1}\n{"n":1}\n',
    );
    expect(JSON.parse(fs.readFileSync(path.join(data, 'real-feedback', 'store.json'), 'utf8'))).toEqual({
      schemaVersion: 1,
      notes: ['x'],
    });
  });

  it('the data dir itself being a symbolic link is fine', async () => {
    const root = tempDir();
    fs.mkdirSync(path.join(root, 'real-data'));
    fs.symlinkSync(path.join(root, 'real-data'), path.join(root, 'data'));
    const dataDir = new DataDir(path.join(root, 'data'));

    await new FeedbackLog(dataDir).append(['{"n":1}']);
    await new JsonDocStore(dataDir, FEEDBACK_DOC).update((doc) => doc.notes.push('x'));

    expect(tree(path.join(root, 'real-data'))).toEqual([
      'feedback',
      path.join('feedback', 'log'),
      path.join('feedback', 'log', '000001.jsonl'),
      path.join('feedback', 'store.json'),
      'locks',
    ]);
  });
});
