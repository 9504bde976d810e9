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
