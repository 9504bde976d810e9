import type { AnalysisResult } from '../analysis/analyze.js';
import type { Opportunity } from '../analysis/opportunities.js';
import { bySeverity } from '../analysis/opportunities.js';
import { Kv1ntError } from '../errors.js';
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
export async function evaluateGate(
  analyze: (agentId: string) => Promise<AnalysisResult>,
  settings: HookSettings,
): Promise<GateVerdict> {
  const { minHealth, blockOn, failOnNoData } = settings.prePush;
  const agents: AgentVerdict[] = [];
  for (const agentId of settings.agents) {
    const analysis = await analyzeKnown(analyze, agentId);
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
  analyze: (agentId: string) => Promise<AnalysisResult>,
  agentId: string,
): Promise<AnalysisResult | { note: string }> {
  try {
    return await analyze(agentId);
  } catch (error) {
    if (!(error instanceof Kv1ntError) || error.code !== 'AGENT_NOT_FOUND') throw error;
    const suggestion = (error as Kv1ntError & { didYouMean?: string | null }).didYouMean;
    return { note: `unknown agent${suggestion ? ` (did you mean ${suggestion}?)` : ''}` };
  }
}

function round(score: number): number {
  return Math.round(score * 10) / 10;
}
