import { Args } from '@oclif/core';
import { bytes, percent, table } from './render.js';
import { when } from './terminal.js';
import type { StatsReport, StatusReport } from '../core/index.js';

export const optionalAgentArg = {
  agent: Args.string({ description: 'Agent id (all agents when left out)' }),
};

export async function renderStatus(report: StatusReport): Promise<string> {
  const lines = [
    `kv1nt status (${report.scope === 'all' ? 'both engines' : `${report.scope} engine`})`,
    `  data dir  ${report.dataDir}`,
    `  config    ${report.configFile ?? '(none found)'}`,
    '',
  ];
  if (report.agents.length === 0) lines.push('No agents and no feedback yet.');
  else
    lines.push(
      await table(
        ['agent', 'declared', 'entries', 'last feedback'],
        report.agents.map((a) => [a.id, a.declared, a.entries, when(a.lastFeedbackAt)]),
      ),
    );
  if (report.feedback) {
    const f = report.feedback;
    lines.push(
      '',
      `Feedback loop: ${f.entries} entries in ${f.logSegments} log segment(s), ${f.patterns} patterns, ${f.learnings} learnings; last feedback ${f.lastFeedbackAt ?? '—'}`,
    );
  }
  if (report.optimization) {
    const o = report.optimization;
    lines.push(
      `Optimization engine: ${o.opportunities.open} open / ${o.opportunities.resolved} resolved opportunities, ${o.plans} plans, ${o.results} results; last analysis ${o.lastAnalysisAt ?? '—'}, last optimization ${o.lastOptimizationAt ?? '—'}`,
    );
  }
  lines.push(
    '',
    await table(
      ['store', 'file', 'size'],
      report.stores.map((s) => [s.name, s.file, s.bytes === null ? 'not created yet' : bytes(s.bytes)]),
    ),
  );
  lines.push(
    '',
    `Plugins: ${report.plugins.map((p) => `${p.name} (${p.source}, ${p.detectors.length} detectors)`).join(', ') || 'none'}`,
  );
  for (const warning of report.warnings ?? []) lines.push(`  ! ${warning.plugin}: ${warning.error}`);
  return lines.join('\n');
}

export async function renderStats(report: StatsReport): Promise<string> {
  if (report.agents.length === 0) return 'No statistics yet: record some feedback first.';
  const rows = report.agents.map((row) => {
    const f = row.feedback;
    const o = row.optimization;
    return [
      row.agentId,
      f?.total ?? 0,
      percent(f?.successRate ?? null),
      f?.averageRating?.toFixed(2) ?? null,
      f?.firstSeen ? when(f.firstSeen) : null,
      f?.lastSeen ? when(f.lastSeen) : null,
      o ? `${o.opportunities.open}/${o.results}` : null,
    ];
  });
  const head = ['agent', 'entries', 'success', 'rating', 'first seen', 'last seen', 'open opp./results'];
  if (report.scope === 'feedback') {
    return table(
      head.slice(0, 6),
      rows.map((r) => r.slice(0, 6)),
    );
  }
  const lines = [await table(head, rows)];
  const verdicts = report.agents.flatMap((row) =>
    Object.entries(row.optimization?.byActionType ?? {}).map(([type, r]) => [
      row.agentId,
      type,
      r.applied,
      r.confirmed,
      r.no_effect,
      r.regressed,
      r.reverted,
    ]),
  );
  if (verdicts.length > 0)
    lines.push(
      '',
      "Kept changes and the closed loop's verdicts, per action type:",
      await table(
        ['agent', 'action type', 'kept', 'confirmed', 'no effect', 'regressed', 'reverted'],
        verdicts,
      ),
    );
  return lines.join('\n');
}
