import { table } from './render.js';
import type { Verification } from '../core/index.js';

const MARK: Record<Verification['status'], string> = {
  verifying: '… verifying',
  confirmed: '✔ confirmed',
  no_effect: '· no effect',
  regressed: '✘ regressed',
  reverted: '↺ reverted',
  inconclusive: '? inconclusive',
};

/** The verifications as a table, and the reasons of the ones just decided. */
export async function renderVerifications(
  verifications: readonly Verification[],
  decided: readonly Verification[],
  now: Date,
): Promise<string> {
  if (verifications.length === 0)
    return 'No kept change to verify yet: `kv1nt optimize` opens one for each change it keeps.';
  const lines = [
    await table(
      ['verification', 'agent', 'change', 'opportunity', 'status', 'after'],
      verifications.map((v) => [
        v.id,
        v.agentId,
        `${v.target}${v.candidate === undefined ? '' : ` = ${JSON.stringify(v.candidate)}`}`,
        v.opportunityType,
        MARK[v.status],
        v.after ? `${v.after.entries} entries` : ago(v.appliedAt, now),
      ]),
    ),
  ];
  for (const v of decided) lines.push(`${v.id} ${MARK[v.status]}: ${v.reason ?? ''}`);
  return lines.join('\n');
}

function ago(iso: string, now: Date): string {
  const hours = (now.getTime() - Date.parse(iso)) / 3_600_000;
  return hours < 1
    ? 'just kept'
    : hours < 48
      ? `kept ${Math.round(hours)} h ago`
      : `kept ${Math.round(hours / 24)} d ago`;
}
