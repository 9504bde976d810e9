/**
 * The hook script kv1nt writes into the hooks folder. POSIX sh, so that it runs from any git client
 * (a GUI with a bare PATH included): it embeds absolute paths of the node binary and of the kv1nt
 * entry point that installed it. When those are gone (a node upgrade removed the old binary, kv1nt
 * was uninstalled) it says so in one line and follows `hooks.pre-push.onError`, as embedded at
 * install time: the script cannot read the config without the node that is gone.
 */
import type { HookOnError } from './settings.js';

/** Our scripts carry this line; a hook without it is the user's and is never overwritten. */
export const HOOK_MARKER = '# kv1nt-managed-hook v1';

/** Suffix of the user's original hook, moved aside so that ours can chain to it. */
export const ORIGINAL_SUFFIX = '.kv1nt-orig';

/**
 * Exit code with which `kv1nt hooks run` says "the gate blocks". Any other failure of kv1nt (a crash,
 * a module that cannot load) is then told apart from a verdict: the script lets git go on.
 */
export const BLOCK_EXIT = 40;

/** Hooks whose stdin carries data (pre-push: the refs being pushed) that both scripts need. */
const READS_STDIN = new Set([
  'pre-push',
  'pre-receive',
  'post-receive',
  'post-rewrite',
  'reference-transaction',
]);

export interface HookScriptInput {
  hook: string;
  /** Absolute path of the node binary (process.execPath). */
  node: string;
  /** Absolute path of kv1nt's bin/run.js. */
  bin: string;
  /** What the script does when kv1nt cannot give a verdict (pre-push only; default allow). */
  onError?: HookOnError;
}

export function hookScript({ hook, node, bin, onError = 'allow' }: HookScriptInput): string {
  const buffered = READS_STDIN.has(hook);
  // Only the pre-push gate can stop git; a post-commit runs after the fact.
  const onErrorLine = hook === 'pre-push' ? [`kv1nt_on_error=${shellQuote(onError)}`] : [];
  const chain = buffered
    ? [
        '  # Git writes the pushed refs on stdin once: keep them for the original hook and for kv1nt.',
        '  if input=$(mktemp "${TMPDIR:-/tmp}/kv1nt-hook.XXXXXX" 2>/dev/null); then',
        `    trap 'rm -f "$input"' EXIT`,
        '    cat >"$input"',
        '    "$original" "$@" <"$input" || exit $?',
        '  else',
        '    input=/dev/null',
        '    "$original" "$@" || exit $?',
        '  fi',
      ]
    : ['  "$original" "$@" || exit $?'];
  return [
    '#!/bin/sh',
    HOOK_MARKER,
    `# Written by \`kv1nt hooks install\`; \`kv1nt hooks uninstall\` removes it and puts back the hook`,
    `# it replaced (kept next to it as ${hook}${ORIGINAL_SUFFIX}). That hook runs first, with the same`,
    '# arguments and stdin, and its failure stops here. Then kv1nt checks, unless KV1NT_SKIP_HOOKS=1.',
    '# A verdict of the pre-push gate fails git; trouble inside kv1nt is one line on stderr, and then',
    '# hooks.pre-push.onError decides (kv1nt_on_error, written at install time): allow or block.',
    `kv1nt_hook=${shellQuote(hook)}`,
    `kv1nt_node=${shellQuote(node)}`,
    `kv1nt_bin=${shellQuote(bin)}`,
    ...onErrorLine,
    `original="$(dirname "$0")/${hook}${ORIGINAL_SUFFIX}"`,
    'input=/dev/null',
    'if [ -x "$original" ]; then',
    ...chain,
    'fi',
    'case "${KV1NT_SKIP_HOOKS:-}" in',
    "  '' | 0 | false) ;;",
    '  *) exit 0 ;;',
    'esac',
    'kv1nt_error() {',
    '  if [ "${kv1nt_on_error:-allow}" = block ]; then',
    '    echo "kv1nt: the $kv1nt_hook hook $1. The push is blocked (hooks.pre-push.onError = block)." >&2',
    '    exit 1',
    '  fi',
    '  echo "kv1nt: the $kv1nt_hook hook $1. git goes on without it." >&2',
    '  exit 0',
    '}',
    '# A node upgrade removed the binary, or kv1nt was uninstalled or moved.',
    'for kv1nt_path in "$kv1nt_node" "$kv1nt_bin"; do',
    '  [ -e "$kv1nt_path" ] ||',
    '    kv1nt_error "cannot run: $kv1nt_path is gone; run \\`kv1nt hooks install\\` again (or \\`kv1nt hooks uninstall\\`)"',
    'done',
    'KV1NT_HOOK_ON_ERROR="${kv1nt_on_error:-allow}" "$kv1nt_node" "$kv1nt_bin" hooks run "$kv1nt_hook" "$@" <"$input"',
    'status=$?',
    `[ "$status" -eq ${BLOCK_EXIT} ] && exit 1`,
    '[ "$status" -eq 0 ] && exit 0',
    'kv1nt_error "failed unexpectedly (exit $status)"',
    '',
  ].join('\n');
}

/** Whether a hook manager's script or config (husky, lefthook) runs kv1nt's part of `hook`, however kv1nt is invoked. */
export function callsKv1nt(script: string, hook: string): boolean {
  return script
    .split('\n')
    .some((line) => !line.trim().startsWith('#') && line.includes(`hooks run ${hook}`));
}

export function isKv1ntHook(text: string): boolean {
  return text.split('\n', 4).includes(HOOK_MARKER);
}

/** The node and bin paths a kv1nt hook script embeds (to tell a stale one), and its onError. */
export function embeddedPaths(text: string): {
  node: string | null;
  bin: string | null;
  onError: HookOnError | null;
} {
  const value = (name: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${name}=`));
    return line === undefined ? null : shellUnquote(line.slice(name.length + 1));
  };
  const onError = value('kv1nt_on_error');
  return {
    node: value('kv1nt_node'),
    bin: value('kv1nt_bin'),
    onError: onError === 'allow' || onError === 'block' ? onError : null,
  };
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

function shellUnquote(quoted: string): string {
  return quoted.replace(/^'|'$/g, '').replaceAll(`'\\''`, "'");
}
