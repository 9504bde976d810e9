import fs from 'node:fs';
import { Low, type Adapter } from 'lowdb';
import type * as v from 'valibot';
import type { Kv1ntError } from '../errors.js';
import { storeCorrupt, storeTooNew, hasErrno } from '../errors.js';
import { atomicWriteFile, removeStaleTemps } from './atomic-file.js';
import type { DataDir } from './data-dir.js';
import { shapeProblem } from './doc-shape.js';
import { withLock } from './lock.js';

export interface Versioned {
  schemaVersion: number;
}

/** Describes one JSON document store: where it lives, its current schema and how to get there. */
export interface DocSpec<T extends Versioned> {
  /** Store name, used for the lock file and in messages. */
  name: string;
  /** Folder inside the data dir and file name. */
  folder: string;
  fileName: string;
  version: number;
  defaults(): T;
  /** `migrations[k]` turns a version-k document into a version-(k+1) one. */
  migrations?: Record<number, (doc: Record<string, unknown>) => Record<string, unknown>>;
  /** Recovery advice specific to this store, shown when its file is corrupt. */
  recovery?: string;
  /** The shape a document of the current version must have (checked after migrating). */
  shape?: v.GenericSchema;
}

/**
 * A lowdb document kept in one JSON file. Reads need no lock (files are only ever replaced
 * atomically); updates are read-modify-write under a cross-process lock, so concurrent writers
 * never lose each other's changes.
 */
export class JsonDocStore<T extends Versioned> {
  readonly file: string;

  constructor(
    private readonly dataDir: DataDir,
    private readonly spec: DocSpec<T>,
  ) {
    this.file = dataDir.path(spec.folder, spec.fileName);
  }

  /** The document as stored now (defaults when the file does not exist yet). */
  async read(): Promise<T> {
    // A planted link must not make kv1nt read a file outside the data dir.
    if (this.spec.folder !== '.') this.dataDir.vetExisting(this.spec.folder);
    const db = new Low<T>(new SafeJsonAdapter(this.file, this.spec), this.spec.defaults());
    await db.read();
    return db.data;
  }

  /** Applies `change` to the latest document and stores the result atomically. */
  async update<R>(change: (doc: T) => R): Promise<R> {
    return this.locked(async (db) => {
      const result = change(db.data);
      await db.write();
      return result;
    });
  }

  /** Runs `fn` on the freshly read document while holding this store's lock. */
  async locked<R>(fn: (db: Low<T>) => Promise<R>): Promise<R> {
    this.dataDir.ensureDir(this.spec.folder);
    const locks = this.dataDir.ensureDir('locks');
    return withLock(`${locks}/${this.spec.name}.lock`, async () => {
      removeStaleTemps(this.file);
      const db = new Low<T>(new SafeJsonAdapter(this.file, this.spec), this.spec.defaults());
      await db.read();
      return fn(db);
    });
  }

  /** Like update, but writes only when `change` reports that it changed something. */
  async mutate(change: (doc: T) => boolean): Promise<T> {
    let changed = false;
    let result: T | undefined;
    await this.locked(async (db) => {
      changed = change(db.data);
      result = db.data;
      if (changed) await db.write();
    });
    return result!;
  }

  defaults(): T {
    return this.spec.defaults();
  }

  size(): number {
    try {
      return fs.statSync(this.file).size;
    } catch {
      return 0;
    }
  }
}

/** Never turns a damaged file into defaults: only a missing file does that. */
class SafeJsonAdapter<T extends Versioned> implements Adapter<T> {
  constructor(
    private readonly file: string,
    private readonly spec: DocSpec<T>,
  ) {}

  read(): Promise<T | null> {
    let text: string;
    try {
      if (fs.lstatSync(this.file).isSymbolicLink()) {
        throw corrupt(this.file, this.spec, 'it is a symbolic link, and store files must be regular files');
      }
      text = fs.readFileSync(this.file, 'utf8');
    } catch (error) {
      if (hasErrno(error, 'ENOENT')) return Promise.resolve(null);
      throw error;
    }
    return Promise.resolve(parseDoc(this.file, text, this.spec));
  }

  write(data: T): Promise<void> {
    atomicWriteFile(this.file, `${JSON.stringify(data)}\n`);
    return Promise.resolve();
  }
}

export function parseDoc<T extends Versioned>(file: string, text: string, spec: DocSpec<T>): T {
  if (text.trim() === '') throw corrupt(file, spec, 'it is empty');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw corrupt(file, spec, `it is not valid JSON (${(error as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw corrupt(
      file,
      spec,
      `it holds ${parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : typeof parsed}, not a store document`,
    );
  }
  const doc = migrate(file, parsed as Record<string, unknown>, spec);
  checkShape(file, doc, spec);
  return doc;
}

/**
 * The one place a document read from disk becomes a T: after its schema version is current and
 * its shape (what every version of kv1nt wrote) is checked.
 */
function checkShape<T extends Versioned>(
  file: string,
  doc: Record<string, unknown>,
  spec: DocSpec<T>,
): asserts doc is Record<string, unknown> & T {
  const problem = spec.shape && shapeProblem(spec.shape, doc);
  if (problem) throw corrupt(file, spec, `the field ${problem}`);
}

function migrate<T extends Versioned>(
  file: string,
  doc: Record<string, unknown>,
  spec: DocSpec<T>,
): Record<string, unknown> {
  const version = doc.schemaVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw corrupt(file, spec, 'it has no valid schemaVersion');
  }
  if (version > spec.version) {
    throw storeTooNew(
      `The store file ${file} has schema version ${version}, but this kv1nt reads up to version ${spec.version}.`,
      ['Upgrade kv1nt to the version that wrote this data dir, or use another data dir.'],
    );
  }
  let current = doc;
  for (let v = version; v < spec.version; v++) {
    const step = spec.migrations?.[v];
    if (!step) throw corrupt(file, spec, `no migration from schema version ${v}`);
    current = { ...step(current), schemaVersion: v + 1 };
  }
  return current;
}

function corrupt<T extends Versioned>(file: string, spec: DocSpec<T>, reason: string): Kv1ntError {
  return storeCorrupt(
    `The ${spec.name} store file ${file} is unreadable: ${reason}. kv1nt has not changed it.`,
    [spec.recovery ?? `Restore ${file} from a backup, or move it aside (it is then started afresh, empty).`],
  );
}
