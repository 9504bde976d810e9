import fs from 'node:fs';
import path from 'node:path';
import { Flags, type Config } from '@oclif/core';
import type { HooksLocation } from '../core/hooks/git.js';
import {
  KV1NT_HOOKS,
  type HooksChangeReport,
  type HooksReport,
  type Kv1ntEntry,
  type Kv1ntHookName,
} from '../core/hooks/install.js';

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
  for (const change of report.changes)
    lines.push(
      change.action === 'husky'
        ? `  ${change.hook}: your husky script ${change.file} calls kv1nt; remove its \`kv1nt hooks run ${change.hook}\` line to stop it`
        : `  ${change.hook}: ${ACTION_TEXT[change.action] ?? change.action}`,
    );
  return lines.join('\n');
}

const STATE_TEXT: Record<string, string> = {
  installed: 'installed',
  chained: 'installed, chained to the earlier hook',
  not_installed: 'not installed',
  foreign: 'foreign hook present (not kv1nt’s)',
  husky: 'called from your husky script',
};

export function renderStatus(report: HooksReport): string {
  const lines = [folderLine(report)];
  for (const hook of report.hooks) {
    let line = `  ${hook.hook}: ${STATE_TEXT[hook.state] ?? hook.state}`;
    if (hook.stale)
      line += ` — it calls ${hook.bin ?? '?'}, which is gone: run \`kv1nt hooks install\` again`;
    if (hook.state === 'foreign' && hook.original) line += `; ${path.basename(hook.original)} is left over`;
    lines.push(line);
  }
  return lines.join('\n');
}
