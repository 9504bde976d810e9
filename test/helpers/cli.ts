import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'bin', 'run.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (throws a readable error if it is not exactly one document). */
  json<T = Record<string, unknown>>(): T;
}

export interface CliOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  input?: string;
}

const tempDirs: string[] = [];
afterEach(async () => {
  for (const dir of tempDirs.splice(0)) {
    // A detached worker a test started (the post-commit hook's test recorder) may still be
    // writing in the folder: let it finish before removing it, or rmdir meets ENOTEMPTY.
    await waitForProcessesIn(dir, 15_000);
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  }
});

/** Waits (up to `timeoutMs`) until no process has its working directory inside `dir` (Linux /proc). */
async function waitForProcessesIn(dir: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (processesIn(dir) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

function processesIn(dir: string): number {
  let pids: string[];
  try {
    pids = fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return 0; // no /proc: nothing to wait for
  }
  let count = 0;
  for (const pid of pids) {
    try {
      const cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
      if (cwd === dir || cwd.startsWith(dir + path.sep)) count++;
    } catch {
      // gone, or not ours to read
    }
  }
  return count;
}

/** A temp folder removed after the test; `files` are written into it (nested paths allowed). */
export function tempDir(files: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kv1nt-test-'));
  tempDirs.push(dir);
  writeFiles(dir, files);
  return dir;
}

/** Writes `files` (nested paths allowed) into `dir`. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
}

/**
 * Environment for the CLI: a private KV1NT_HOME and private oclif folders next to it (so that no
 * plugin the developer installed is loaded, and nothing is written outside temp folders), no
 * colour, and nothing inherited that would change what kv1nt does: no KV1NT_* setting, no forced
 * colour, no git variables of a hook that `npm test` itself may be running under.
 */
export function cliEnv(home: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env))
    if (/^(KV1NT_|GIT_(DIR|INDEX_FILE|WORK_TREE|PREFIX|OBJECT_DIRECTORY|COMMON_DIR)$)/.test(key))
      delete env[key];
  delete env.NODE_ENV;
  delete env.FORCE_COLOR;
  Object.assign(env, {
    KV1NT_HOME: home,
    KV1NT_DATA_DIR: `${home}.oclif/data`,
    KV1NT_CACHE_DIR: `${home}.oclif/cache`,
    KV1NT_CONFIG_DIR: `${home}.oclif/config`,
    NO_COLOR: '1',
  });
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

function result(
  code: number | null,
  signal: NodeJS.Signals | null,
  stdout: string,
  stderr: string,
): CliResult {
  return {
    code,
    signal,
    stdout,
    stderr,
    json<T>() {
      try {
        return JSON.parse(stdout) as T;
      } catch {
        throw new Error(
          `stdout is not one JSON document (exit ${code}):\n${stdout}\n--- stderr ---\n${stderr}`,
        );
      }
    },
  };
}

/** Runs the built CLI synchronously with `home` as KV1NT_HOME. */
export function kv1nt(home: string, args: string[], options: CliOptions = {}): CliResult {
  const run = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? path.dirname(home),
    env: cliEnv(home, options.env),
    input: options.input ?? '',
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (run.error) throw run.error;
  return result(run.status, run.signal, run.stdout, run.stderr);
}

/** Runs the built CLI without blocking (for parallel writers). */
export function kv1ntAsync(home: string, args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? path.dirname(home),
      env: cliEnv(home, options.env),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(result(code, signal, stdout, stderr)));
    child.stdin.end(options.input ?? '');
  });
}

/** Every file under `dir` with its bytes, for "nothing was written" assertions. */
export function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  if (!fs.existsSync(dir)) return files;
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    files[path.relative(dir, file)] = fs.readFileSync(file).toString('base64');
  }
  return files;
}
