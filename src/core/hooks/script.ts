/**
 * The hook script kv1nt writes into the hooks folder. POSIX sh, so that it runs from any git client
 * (a GUI with a bare PATH included): it embeds absolute paths of the node binary and of the kv1nt
 * entry point that installed it, and quietly steps aside when those are gone.
 */

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
}

export function hookScript({ hook, node, bin }: HookScriptInput): string {
  const buffered = READS_STDIN.has(hook);
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
    '# Only a verdict of the pre-push gate fails git; any trouble inside kv1nt is a warning.',
    `kv1nt_hook=${shellQuote(hook)}`,
    `kv1nt_node=${shellQuote(node)}`,
    `kv1nt_bin=${shellQuote(bin)}`,
    `original="$(dirname "$0")/${hook}${ORIGINAL_SUFFIX}"`,
    'input=/dev/null',
    'if [ -x "$original" ]; then',
    ...chain,
    'fi',
    'case "${KV1NT_SKIP_HOOKS:-}" in',
    "  '' | 0 | false) ;;",
    '  *) exit 0 ;;',
    'esac',
    '# kv1nt was uninstalled or moved: nothing to do.',
    '[ -x "$kv1nt_node" ] && [ -f "$kv1nt_bin" ] || exit 0',
    '"$kv1nt_node" "$kv1nt_bin" hooks run "$kv1nt_hook" "$@" <"$input"',
    'status=$?',
    `[ "$status" -eq ${BLOCK_EXIT} ] && exit 1`,
    '[ "$status" -eq 0 ] ||',
    '  echo "kv1nt: the $kv1nt_hook hook failed unexpectedly (exit $status); git goes on without it." >&2',
    'exit 0',
    '',
  ].join('\n');
}

export function isKv1ntHook(text: string): boolean {
  return text.split('\n', 4).includes(HOOK_MARKER);
}

/** The node and bin paths a kv1nt hook script embeds (to tell a stale one). */
export function embeddedPaths(text: string): { node: string | null; bin: string | null } {
  const value = (name: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${name}=`));
    return line === undefined ? null : shellUnquote(line.slice(name.length + 1));
  };
  return { node: value('kv1nt_node'), bin: value('kv1nt_bin') };
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

function shellUnquote(quoted: string): string {
  return quoted.replace(/^'|'$/g, '').replaceAll(`'\\''`, "'");
}
