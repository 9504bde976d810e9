import type { FileChange, ResultDiff } from '../core/index.js';

const STATE: Record<FileChange['state'], string> = {
  kept: 'kept',
  rolled_back: 'rolled back since',
  reverted: 'reverted by the closed loop',
};

/** `kv1nt history <resultId> --diff`: a header per changed path, then git's unified diff of it. */
export function renderDiff(diff: ResultDiff): string {
  const lines = [
    `Result ${diff.resultId} of ${diff.agentId} (${diff.status}${diff.rolledBackAt ? `, rolled back at ${diff.rolledBackAt}` : ''})`,
  ];
  if (diff.files.length === 0) lines.push('It changed no file: no action of it was kept.');
  for (const file of diff.files) {
    lines.push('', `${file.change} ${file.path}  (${file.actionIds.join(', ')}, ${STATE[file.state]})`);
    if (file.note) lines.push(`  ${file.note}`);
    if (file.diff) lines.push(file.diff.trimEnd());
  }
  return lines.join('\n');
}
