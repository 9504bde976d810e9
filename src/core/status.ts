import fs from 'node:fs';
import type { Agent } from './agents/registry.js';
import type { FeedbackSummary } from './feedback/summary.js';
import type { PluginSet } from './plugins/validate-plugin.js';
import type { Stores } from './store/stores.js';
import type { OptimizationResult } from './optimize/optimize.js';
import type { Verification } from './verify/types.js';

/** `all` for `kv1nt status|stats`; one engine for `kv1nt feedback …` / `kv1nt optimization …`. */
export type Scope = 'all' | 'feedback' | 'optimization';

export interface StoreFile {
  name: string;
  engine: 'feedback' | 'optimization' | 'registry';
  file: string;
  /** null: not created yet (a store file is written on its first change). */
  bytes: number | null;
}

export interface AgentStatus {
  id: string;
  declared: 'config' | 'registry' | null;
  path: string | null;
  entries: number;
  lastFeedbackAt: string | null;
}

export interface FeedbackEngineStatus {
  entries: number;
  logSegments: number;
  patterns: number;
  learnings: number;
  lastFeedbackAt: string | null;
}

/** The closed loop's record of one kind of change (contract §11). */
export interface ActionTypeRecord {
  applied: number;
  confirmed: number;
  no_effect: number;
  regressed: number;
  reverted: number;
}

export interface OptimizationEngineStatus {
  opportunities: { open: number; resolved: number };
  /** Per action type: changes kept, and the verdicts on them. */
  byActionType: Record<string, ActionTypeRecord>;
  plans: number;
  results: number;
  healthChecks: number;
  lastAnalysisAt: string | null;
  lastOptimizationAt: string | null;
}

export interface StatusReport {
  scope: Scope;
  dataDir: string;
  configFile: string | null;
  agents: AgentStatus[];
  feedback?: FeedbackEngineStatus;
  optimization?: OptimizationEngineStatus;
  stores: StoreFile[];
  plugins: Array<{ name: string; source: string; detectors: string[]; learningGenerators: string[] }>;
  /** Plugins that failed to load. */
  warnings?: Array<{ plugin: string; component?: string; error: string }>;
}

export interface StatsReport {
  scope: Scope;
  agents: Array<{
    agentId: string;
    feedback?: Omit<FeedbackSummary, 'days'>;
    optimization?: OptimizationEngineStatus;
  }>;
}

/** What status and stats read: the stores, and what the facade has already worked out. */
export interface StatusSources {
  stores: Stores;
  dataDir: string;
  configFile: string | null;
  declared: readonly Agent[];
  /** All-time totals of each agent with feedback. */
  summaries: readonly FeedbackSummary[];
}

export async function collectStatus(
  sources: StatusSources,
  plugins: PluginSet,
  scope: Scope,
): Promise<StatusReport> {
  const { stores, declared, summaries } = sources;
  const byId = new Map(summaries.map((summary) => [summary.agentId, summary]));
  const ids = [...new Set([...declared.map((agent) => agent.id), ...byId.keys()])].sort();
  const agents = ids.map((id): AgentStatus => {
    const agent = declared.find((candidate) => candidate.id === id);
    const summary = byId.get(id);
    return {
      id,
      declared: agent?.source ?? null,
      path: agent?.path ?? null,
      entries: summary?.total ?? 0,
      lastFeedbackAt: summary?.lastSeen ?? null,
    };
  });
  const report: StatusReport = {
    scope,
    dataDir: sources.dataDir,
    configFile: sources.configFile,
    agents,
    stores: storeFiles(stores, scope),
    plugins: plugins.plugins.map((plugin) => ({ ...plugin })),
  };
  if (plugins.warnings.length > 0) report.warnings = plugins.warnings;
  if (scope !== 'optimization') {
    const doc = await stores.feedback.read();
    report.feedback = {
      entries: summaries.reduce((sum, summary) => sum + summary.total, 0),
      logSegments: stores.log.segments().length,
      patterns: doc.patterns.length,
      learnings: doc.learningEvents.length,
      lastFeedbackAt: latest(summaries.map((summary) => summary.lastSeen)),
    };
  }
  if (scope !== 'feedback') report.optimization = await optimizationStatus(stores);
  return report;
}

export async function collectStats(
  sources: Pick<StatusSources, 'stores' | 'summaries'>,
  agentId: string | undefined,
  scope: Scope,
): Promise<StatsReport> {
  const summaries = sources.summaries.filter(
    (summary) => agentId === undefined || summary.agentId === agentId,
  );
  const ids = agentId === undefined ? summaries.map((summary) => summary.agentId) : [agentId];
  const agents: StatsReport['agents'] = [];
  for (const id of ids) {
    const row: StatsReport['agents'][number] = { agentId: id };
    if (scope !== 'optimization') {
      const summary = summaries.find((candidate) => candidate.agentId === id);
      if (summary) {
        const { days: _days, ...rest } = summary;
        row.feedback = rest;
      }
    }
    if (scope !== 'feedback') row.optimization = await optimizationStatus(sources.stores, id);
    agents.push(row);
  }
  return { scope, agents };
}

async function optimizationStatus(stores: Stores, agentId?: string): Promise<OptimizationEngineStatus> {
  const doc = await stores.optimization.read();
  const mine = <T extends { agentId: string }>(rows: T[]) =>
    rows.filter((row) => agentId === undefined || row.agentId === agentId);
  const opportunities = mine(doc.opportunities);
  const results = mine(doc.optimizationResults);
  const health = mine(doc.healthHistory);
  return {
    opportunities: {
      open: opportunities.filter((row) => row.status === 'open').length,
      resolved: opportunities.filter((row) => row.status === 'resolved').length,
    },
    byActionType: actionTypeRecords(results as unknown as OptimizationResult[], mine(doc.verifications)),
    plans: mine(doc.optimizationPlans).length,
    results: results.length,
    healthChecks: health.length,
    lastAnalysisAt: latest(health.map((row) => (typeof row.timestamp === 'string' ? row.timestamp : null))),
    lastOptimizationAt: latest(
      results.map((row) => (typeof row.finishedAt === 'string' ? row.finishedAt : null)),
    ),
  };
}

function storeFiles(stores: Stores, scope: Scope): StoreFile[] {
  const files: StoreFile[] = [];
  const add = (name: string, engine: StoreFile['engine'], file: string) => {
    if (scope !== 'all' && engine !== scope) return;
    files.push({ name, engine, file, bytes: sizeOf(file) });
  };
  add('agents', 'registry', stores.agents.file);
  for (const segment of stores.log.segments())
    add('feedback_entries', 'feedback', stores.log.segmentPath(segment));
  add('score_aggregates', 'feedback', stores.aggregates.file);
  add('patterns+learning_events', 'feedback', stores.feedback.file);
  add('optimization', 'optimization', stores.optimization.file);
  return files;
}

function sizeOf(file: string): number | null {
  try {
    return fs.statSync(file).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function latest(values: Array<string | null>): string | null {
  return values.reduce<string | null>(
    (max, value) => (value !== null && (max === null || value > max) ? value : max),
    null,
  );
}

/** Kept actions per type, and each one's verdict (an action verified for two opportunities counts once: its worst). */
function actionTypeRecords(
  results: readonly OptimizationResult[],
  verifications: readonly Verification[],
): Record<string, ActionTypeRecord> {
  const records: Record<string, ActionTypeRecord> = Object.create(null) as Record<string, ActionTypeRecord>;
  const record = (type: string) =>
    (records[type] ??= { applied: 0, confirmed: 0, no_effect: 0, regressed: 0, reverted: 0 });
  for (const result of results)
    for (const action of result.actions ?? [])
      if (action.status === 'applied') record(action.type).applied += 1;
  const verdicts = new Map<string, { type: string; status: Verification['status'] }>();
  // A person's rollback before a verdict is no verdict on the change.
  const judged = verifications.filter((v) => v.revertedBy !== 'rollback');
  const rank: Record<Verification['status'], number> = {
    reverted: 5,
    regressed: 4,
    no_effect: 3,
    inconclusive: 2,
    confirmed: 1,
    verifying: 0,
  };
  for (const v of judged) {
    const key = `${v.resultId}/${v.actionId}`;
    const seen = verdicts.get(key);
    if (!seen || rank[v.status] > rank[seen.status])
      verdicts.set(key, { type: v.actionType, status: v.status });
  }
  for (const { type, status } of verdicts.values()) {
    if (status === 'confirmed' || status === 'no_effect' || status === 'regressed') record(type)[status] += 1;
    // A reverted change was a regressed one first.
    if (status === 'reverted') {
      record(type).regressed += 1;
      record(type).reverted += 1;
    }
  }
  return { ...records };
}
