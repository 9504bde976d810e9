import type { Opportunity } from '../analysis/opportunities.js';
import { bySeverity } from '../analysis/opportunities.js';
import { Kv1ntError } from '../errors.js';
import type { Kv1ntCore } from '../kv1nt.js';
import type { HookSettings } from './settings.js';

export interface AgentVerdict {
  agentId: string;
  healthScore: number | null;
  /** Why the push is blocked for this agent; empty when it passes. */
  reasons: string[];
  blocking: Array<Pick<Opportunity, 'id' | 'type' | 'severity' | 'title'>>;
  /** Why there is no score beyond "no feedback in the window" (an agent kv1nt does not know). */
  note?: string;
}

export interface GateVerdict {
  passed: boolean;
  minHealth: number;
  blockOn: string[];
  failOnNoData: boolean;
  agents: AgentVerdict[];
}

/**
 * The pre-push gate: a fresh analysis of each agent; it blocks when the health is under `minHealth`
 * or an open opportunity has a `blockOn` severity. An agent without data (health null) passes the
 * health check — there is nothing to judge — unless `failOnNoData`; an agent kv1nt does not know
 * (a typo in `hooks.agents`) is one without data, named as such. Other errors propagate: the caller
 * applies `onError`.
 */
export async function evaluateGate(core: Kv1ntCore, settings: HookSettings): Promise<GateVerdict> {
  const { minHealth, blockOn, failOnNoData } = settings.prePush;
  const agents: AgentVerdict[] = [];
  for (const agentId of settings.agents) {
    const analysis = await analyzeKnown(core, agentId);
    if ('note' in analysis) {
      const reasons = failOnNoData ? [`no health score: ${analysis.note} (failOnNoData)`] : [];
      agents.push({ agentId, healthScore: null, reasons, blocking: [], note: analysis.note });
      continue;
    }
    const reasons: string[] = [];
    if (analysis.healthScore === null && failOnNoData)
      reasons.push('no health score: no feedback in the window (failOnNoData)');
    if (analysis.healthScore !== null && analysis.healthScore < minHealth)
      reasons.push(`health ${round(analysis.healthScore)} is under the minimum of ${minHealth}`);
    const blocking = analysis.opportunities
      .filter((o) => o.status === 'open' && (blockOn as string[]).includes(o.severity))
      .sort(bySeverity)
      .map(({ id, type, severity, title }) => ({ id, type, severity, title }));
    if (blocking.length > 0)
      reasons.push(
        `${blocking.length} open opportunit${blocking.length === 1 ? 'y' : 'ies'} of a blocking severity (${blockOn.join(', ')})`,
      );
    agents.push({ agentId, healthScore: analysis.healthScore, reasons, blocking });
  }
  return {
    passed: agents.every((a) => a.reasons.length === 0),
    minHealth,
    blockOn: [...blockOn],
    failOnNoData,
    agents,
  };
}

async function analyzeKnown(
  core: Kv1ntCore,
  agentId: string,
): Promise<Awaited<ReturnType<Kv1ntCore['analyze']>> | { note: string }> {
  try {
    return await core.analyze(agentId);
  } catch (error) {
    if (!(error instanceof Kv1ntError) || error.code !== 'AGENT_NOT_FOUND') throw error;
    const suggestion = (error as Kv1ntError & { didYouMean?: string | null }).didYouMean;
    return { note: `unknown agent${suggestion ? ` (did you mean ${suggestion}?)` : ''}` };
  }
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
