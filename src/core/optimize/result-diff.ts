import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { OptimizationResult } from '../model/optimization.js';
import type { ProcessRunner } from '../runner/runner.js';
import { blobPath, hasBlob } from '../sandbox/blobs.js';
import type { Change, NodeState } from '../sandbox/changes.js';
import { readJournal } from '../sandbox/journal.js';
import type { Stores } from '../store/stores.js';

/** One path a kept change wrote, and what it did to it. */
export interface FileChange {
  path: string;
  /** The result's actions whose transaction wrote it. */
  actionIds: string[];
  transactionId: string;
  change: 'added' | 'deleted' | 'modified' | 'mode' | 'type';
  before: NodeState | null;
  after: NodeState | null;
  /** Whether the change is still in the folder, was rolled back, or reverted by the closed loop. */
  state: 'kept' | 'rolled_back' | 'reverted';
  /** A unified diff (`git diff --no-index`), or null with `note` saying why there is none. */
  diff: string | null;
  note: string | null;
}

export interface ResultDiff {
  resultId: string;
  agentId: string;
  status: OptimizationResult['status'];
  rolledBackAt: string | null;
  files: FileChange[];
}

/** Generous: a diff is read by a person, and git on two files takes milliseconds. */
const GIT_TIMEOUT_MS = 30_000;
/** Installed packages follow a kept manifest: their thousands of files would bury the change. */
const INSTALLED = /(^|\/)node_modules\//;

/**
 * `kv1nt history <resultId> --diff`: what each applied action of the result changed, path by path,
 * from the contents the transaction kept for rollback (before and after, as blobs). Text diffs are
 * git's (`git diff --no-index` on temp copies), so binaries, modes and missing newlines read as
 * git users know them.
 */
export async function resultDiff(
  stores: Stores,
  result: OptimizationResult,
  runner: ProcessRunner,
): Promise<ResultDiff> {
  const root = stores.dataDir.path('optimization', 'transactions');
  const files: FileChange[] = [];
  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'kv1nt-diff-'));
  try {
    for (const [transactionId, actions] of transactionsOf(result)) {
      const txnDir = path.join(root, transactionId);
      const journal = await readJournal(txnDir);
      if (!journal) continue;
      const state =
        journal.state === 'applied' ? 'kept' : actions.some((a) => a.revertedAt) ? 'reverted' : 'rolled_back';
      for (const change of journal.changes) {
        const shown = await describe(change, txnDir, scratch, runner);
        files.push({
          path: change.path,
          actionIds: actions.map((a) => a.id),
          transactionId,
          change: kindOf(change),
          before: change.before,
          after: change.after,
          state,
          ...shown,
        });
      }
    }
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
  return {
    resultId: result.id,
    agentId: result.agentId,
    status: result.status,
    rolledBackAt: result.rolledBackAt,
    files,
  };
}

/** The result's transactions in the order they were applied, each with the actions it carried. */
function transactionsOf(result: OptimizationResult): Map<string, OptimizationResult['actions']> {
  const found = new Map<string, OptimizationResult['actions']>();
  for (const action of result.actions) {
    if (action.status !== 'applied' || !action.transactionId) continue;
    found.set(action.transactionId, [...(found.get(action.transactionId) ?? []), action]);
  }
  return found;
}

function kindOf(change: Change): FileChange['change'] {
  if (!change.before) return 'added';
  if (!change.after) return 'deleted';
  if (change.before.kind !== change.after.kind) return 'type';
  if (
    change.before.kind === 'file' &&
    change.after.kind === 'file' &&
    change.before.hash === change.after.hash
  )
    return 'mode';
  return change.before.kind === 'dir' ? 'mode' : 'modified';
}

async function describe(
  change: Change,
  txnDir: string,
  scratch: string,
  runner: ProcessRunner,
): Promise<{ diff: string | null; note: string | null }> {
  const { before, after } = change;
  if (INSTALLED.test(change.path)) return { diff: null, note: 'installed package file: not shown' };
  const files = [before, after].filter((s): s is Extract<NodeState, { kind: 'file' }> => s?.kind === 'file');
  if (files.length === 0) return { diff: null, note: summary(change) };
  for (const state of files)
    if (!(await hasBlob(txnDir, state.hash).catch(() => false)))
      return { diff: null, note: `${summary(change)}; its content was not kept` };
  const left = await place(scratch, 'a', change.path, before, txnDir);
  const right = await place(scratch, 'b', change.path, after, txnDir);
  const run = await runner.runTool(
    'git',
    ['diff', '--no-index', '--no-color', '--no-ext-diff', '--no-textconv', '--no-prefix', '--', left, right],
    scratch,
    GIT_TIMEOUT_MS,
  );
  // git diff exits 1 when the files differ, 0 when they do not (a mode-only change says so).
  if (run.exitCode === 0 || run.exitCode === 1) return { diff: namedAB(run.stdout), note: kindNote(change) };
  const why = run.error ?? (run.stderr.trim() || `git exited with ${run.exitCode ?? 'a signal'}`);
  return { diff: null, note: `${summary(change)}; no diff: ${why}` };
}

/**
 * git names both sides of an added file `b/<path>` (a deleted one `a/<path>`) in the first line,
 * as no repository tells it the other name: `a/<path> b/<path>`, as in every other diff.
 */
export function namedAB(diff: string): string {
  const head = 'diff --git ';
  const end = diff.indexOf('\n');
  const first = end === -1 ? diff : diff.slice(0, end);
  const names = first.slice(head.length);
  const half = (names.length - 1) / 2;
  if (!first.startsWith(head) || names[half] !== ' ' || names.slice(0, half) !== names.slice(half + 1))
    return diff;
  const side = (letter: string) => names.slice(0, half).replace(/^("?)[ab]\//, `$1${letter}/`);
  return `${head}${side('a')} ${side('b')}${end === -1 ? '' : diff.slice(end)}`;
}

/** The state's content at `<scratch>/<side>/<path>` (what git names it), or /dev/null for none. */
async function place(
  scratch: string,
  side: 'a' | 'b',
  rel: string,
  state: NodeState | null,
  txnDir: string,
): Promise<string> {
  if (state?.kind !== 'file') return '/dev/null';
  const file = path.join(scratch, side, ...rel.split('/'));
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.copyFile(blobPath(txnDir, state.hash), file);
  await fs.chmod(file, state.mode & 0o777);
  return `${side}/${rel}`;
}

/** For a change git's diff does not tell on its own: a symlink or a folder on one side. */
function kindNote(change: Change): string | null {
  const { before, after } = change;
  if (before && after && before.kind !== after.kind) return summary(change);
  return null;
}

function summary(change: Change): string {
  const side = (state: NodeState | null) => {
    if (!state) return 'nothing';
    if (state.kind === 'symlink') return `a symlink to ${state.target}`;
    return `a ${state.kind === 'dir' ? 'folder' : 'file'} (mode ${(state.mode & 0o7777).toString(8)})`;
  };
  return `${side(change.before)} → ${side(change.after)}`;
}
