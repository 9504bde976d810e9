import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Kv1ntError } from '../../../src/core/errors.js';
import { ROOT } from '../../helpers/cli.js';

export const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'store');

function shorten(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** The error a promise rejects with; fails the test if it resolves or rejects with something else. */
export async function rejection(promise: Promise<unknown>): Promise<Kv1ntError> {
  let value: unknown;
  try {
    value = await promise;
  } catch (error) {
    if (error instanceof Kv1ntError) return error;
    throw error;
  }
  throw new Error(`Expected a Kv1ntError, but it resolved with ${shorten(value)}`);
}

/** The error `fn` throws; fails the test if it returns or throws something else. */
export function thrown(fn: () => unknown): Kv1ntError {
  let value: unknown;
  try {
    value = fn();
  } catch (error) {
    if (error instanceof Kv1ntError) return error;
    throw error;
  }
  throw new Error(`Expected a Kv1ntError, but it returned ${shorten(value)}`);
}

/** Every entry (files and folders) under `dir`, relative and sorted. */
export function tree(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).sort();
}

/**
 * The child-process tests run the built store modules (a child cannot import TypeScript here).
 * Refuse to test a stale build rather than pass or fail on old code.
 */
export function assertFreshBuild(): void {
  for (const name of ['atomic-file', 'data-dir', 'json-store', 'lock']) {
    const built = path.join(ROOT, 'dist', 'core', 'store', `${name}.js`);
    const source = path.join(ROOT, 'src', 'core', 'store', `${name}.ts`);
    if (!fs.existsSync(built)) throw new Error(`${built} is missing: run \`npm run build\` first.`);
    if (fs.statSync(source).mtimeMs > fs.statSync(built).mtimeMs) {
      throw new Error(`${built} is older than ${source}: run \`npm run build\` first.`);
    }
  }
}

export interface NodeRun {
  child: ChildProcess;
  pid: number;
  /** Everything written to stdout so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves when stdout contains `text`; rejects if the child exits first. */
  said(text: string): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `node <fixture> ...args`. */
export function runFixture(fixture: string, args: string[]): NodeRun {
  const child = spawn(process.execPath, [path.join(FIXTURES, fixture), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const listeners: Array<() => void> = [];
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const listener of listeners) listener();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  if (child.pid === undefined) throw new Error(`Could not start ${fixture}`);
  return {
    child,
    pid: child.pid,
    stdout: () => stdout,
    stderr: () => stderr,
    said(text) {
      return new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (stdout.includes(text)) resolve();
        };
        listeners.push(check);
        check();
        void exited.then(({ code, signal }) =>
          reject(new Error(`${fixture} exited (${code ?? signal}) before saying ${text}:\n${stderr}`)),
        );
      });
    },
    exited,
  };
}
