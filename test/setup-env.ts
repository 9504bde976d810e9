import { afterEach } from 'vitest';

/**
 * Runs before every test file: the tests must not depend on the shell they run from. In-process
 * tests (the API, the engines) read process.env as kv1nt does, so a KV1NT_* setting, forced
 * colour or the git variables of a hook that `npm test` runs under are dropped here; the CLI
 * tests get the same through cliEnv.
 */
for (const key of Object.keys(process.env))
  if (/^(KV1NT_|GIT_(DIR|INDEX_FILE|WORK_TREE|PREFIX|OBJECT_DIRECTORY|COMMON_DIR)$)/.test(key))
    delete process.env[key];
delete process.env.FORCE_COLOR;

/**
 * A macrotask turn after every test. Most e2e tests drive the CLI with spawnSync, and awaiting
 * between tests only runs microtasks: over a whole file the worker then never reads vitest's own
 * RPC replies, whose 60 s timer fails the run ("Timeout calling onTaskUpdate") on a busy machine
 * although every test passed. setImmediate lets the event loop read them between tests.
 */
afterEach(() => new Promise<void>((resolve) => setImmediate(resolve)));
