import fs from 'node:fs';
import path from 'node:path';
import { Flags, type Config } from '@oclif/core';
import {
  KV1NT_HOOKS,
  type GateVerdict,
  type HookStatus,
  type HooksChangeReport,
  type HooksLocation,
  type HooksReport,
  type Kv1ntEntry,
  type Kv1ntHookName,
} from '../core/index.js';

/** `--hook` of install / uninstall / status: one of kv1nt's hooks, repeatable; default all. */
export const hookFlag = Flags.string({
  description: 'A hook to act on (repeatable). Default: all of them.',
  options: [...KV1NT_HOOKS],
  multiple: true,
});

export function chosenHooks(flag: string[] | undefined): Kv1ntHookName[] {
  return flag && flag.length > 0 ? [...new Set(flag as Kv1ntHookName[])] : [...KV1NT_HOOKS];
}

/** The node binary and bin/run.js of this very kv1nt, by real path: what an installed hook calls. */
export function currentEntry(config: Config): Kv1ntEntry {
  const bin = path.join(config.root, 'bin', 'run.js');
  return { node: realpath(process.execPath), bin: realpath(bin) };
}

function realpath(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return file;
  }
}

const ACTION_TEXT: Record<string, string> = {
  installed: 'installed',
  chained: 'installed; the existing hook is kept and runs first',
  updated: 'updated to this kv1nt',
  unchanged: 'already installed, unchanged',
  removed: 'removed',
  restored: 'removed; the earlier hook is restored',
  not_installed: 'not kv1nt’s, left alone',
};

/** Where git runs hooks from, and why. */
function folderLine(report: HooksLocation): string {
  return `Hooks folder: ${report.hooksDir}${report.hooksPath ? ` (core.hooksPath = ${report.hooksPath})` : ''}`;
}

export function renderChanges(report: HooksChangeReport): string {
  const lines = [folderLine(report)];
  for (const change of report.changes) {
    const line = `  ${change.hook}: `;
    if (change.action === 'husky')
      lines.push(
        `${line}your husky script ${change.file} calls kv1nt; remove its \`kv1nt hooks run ${change.hook}\` line to stop it`,
      );
    else if (change.action === 'lefthook')
      lines.push(
        `${line}your lefthook config ${change.file} calls kv1nt; remove its \`kv1nt hooks run ${change.hook}\` command to stop it`,
      );
    else if (change.action === 'moved_by_lefthook')
      lines.push(`${line}kv1nt's old script is ${change.file}, where lefthook moved it; delete it`);
    else lines.push(`${line}${ACTION_TEXT[change.action] ?? change.action}`);
  }
  return lines.join('\n');
}

const STATE_TEXT: Record<string, string> = {
  installed: 'installed',
  chained: 'installed, chained to the earlier hook',
  not_installed: 'not installed',
  foreign: 'foreign hook present (not kv1nt’s)',
  husky: 'called from your husky script',
  lefthook: 'called from your lefthook config',
  moved_by_lefthook: 'NOT RUN — `lefthook install` moved kv1nt’s hook aside, and lefthook never runs it',
};

/** What is gone of the kv1nt a stale hook calls: its node binary (a node upgrade) or kv1nt itself. */
function missingText(hook: HookStatus): string {
  if (hook.node === null || hook.bin === null) return 'it names no kv1nt to run';
  return hook.missing
    .map((file) =>
      file === hook.node ? `its node binary ${file} is gone` : `it calls ${file}, which is gone`,
    )
    .join(', and ');
}

export function renderStatus(report: HooksReport): string {
  const lines = [folderLine(report)];
  for (const hook of report.hooks) {
    let line = `  ${hook.hook}: ${STATE_TEXT[hook.state] ?? hook.state}`;
    if (hook.stale) line += ` — ${missingText(hook)}: run \`kv1nt hooks install\` again`;
    if (hook.outdated)
      line += ` — it was installed with onError ${hook.onError ?? 'allow'}, the config now says otherwise: run \`kv1nt hooks install\` again to update it`;
    if (hook.state === 'foreign' && hook.original) line += `; ${path.basename(hook.original)} is left over`;
    if (hook.state === 'moved_by_lefthook')
      line += ` (${hook.file}): add kv1nt to your lefthook config (\`kv1nt hooks install\` prints the lines)`;
    lines.push(line);
  }
  if (report.lefthook !== null && report.hooks.some((h) => h.state === 'installed' || h.state === 'chained'))
    lines.push(
      '  lefthook is set up here: the next `lefthook install` moves kv1nt’s hooks to <hook>.old, where they never run; call kv1nt from your lefthook config instead (`kv1nt hooks install` prints the lines).',
    );
  return lines.join('\n');
}

/** What the user sees on stderr when git runs the hook. */
export function renderVerdict(verdict: GateVerdict): string {
  if (verdict.agents.length === 0) return 'kv1nt pre-push: no agents to check.';
  const lines: string[] = [];
  if (verdict.passed) {
    const scores = verdict.agents.map(
      (a) => `${a.agentId} ${a.healthScore === null ? (a.note ?? 'no data') : round(a.healthScore)}`,
    );
    return `kv1nt pre-push: ok (${scores.join(', ')}).`;
  }
  lines.push('kv1nt pre-push: push blocked.');
  for (const agent of verdict.agents.filter((a) => a.reasons.length > 0)) {
    const score = agent.healthScore === null ? 'no data' : `${round(agent.healthScore)}/100`;
    lines.push(`  agent ${agent.agentId} (health ${score}): ${agent.reasons.join('; ')}`);
    for (const o of agent.blocking) lines.push(`    [${o.severity}] ${o.title} (${o.type}, ${o.id})`);
  }
  lines.push(
    `  See \`kv1nt analyze <agent>\` and \`kv1nt optimize <agent>\`; the gate is hooks.pre-push in the config.`,
    '  To push anyway: KV1NT_SKIP_HOOKS=1 git push (or git push --no-verify).',
  );
  return lines.join('\n');
}

function round(score: number): number {
  return Math.round(score * 10) / 10;
}
