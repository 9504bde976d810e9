import { percent, table } from './render.js';
import { plot, sparkline } from './chart.js';
import { severity } from './severity.js';
import {
  HEALTH_WEIGHTS,
  type AnalysisResult,
  type HealthComponents,
  type HealthReport,
  type Opportunity,
  type TrendFields,
} from '../core/index.js';

const LABELS: Record<keyof HealthComponents, string> = {
  successRate: 'success rate',
  responseTimeScore: 'response time vs SLA',
  codeQuality: 'code quality',
  errorRate: 'error rate (scores 1 − rate)',
};

export function renderComponents(components: HealthComponents): string {
  const rows = (Object.keys(LABELS) as Array<keyof HealthComponents>).map((key) => {
    const value = components[key];
    const shown =
      value === null
        ? 'no data'
        : key === 'errorRate'
          ? percent(value)
          : key === 'successRate'
            ? percent(value)
            : value.toFixed(3);
    return `  ${LABELS[key].padEnd(30)} ${String(Math.round(HEALTH_WEIGHTS[key] * 100)).padStart(2)} %   ${shown}`;
  });
  return ['  component                      weight  value', ...rows].join('\n');
}

export function scoreLine(
  agentId: string,
  score: number | null,
  trend: string,
  days: number,
  samples: number,
): string {
  if (score === null)
    return `${agentId}: no health score — no successes, failures, durations or quality scores in the last ${days} day(s).`;
  return `${agentId}: health ${score.toFixed(1)} / 100, trend ${trend.replace('_', ' ')} (${samples} entries, last ${days} day(s))`;
}

/** The trend's figures on one line: slope, fitted change and the Mann–Kendall p-value. */
export function trendLine(fields: TrendFields): string | null {
  const { trendSlopePerDay: slope, trendChange: change, trendPValue: p } = fields;
  if (slope === null || change === null || p === null) return null;
  const signed = (value: number) => `${value > 0 ? '+' : ''}${value}`;
  const shownP = p < 0.001 ? 'p < 0.001' : `p = ${Number(p.toPrecision(2))}`;
  return `  trend: slope ${signed(slope)} points/day, change ${signed(change)} points over the window, Mann–Kendall ${shownP}`;
}

export async function renderOpportunities(
  opportunities: readonly Opportunity[],
  withAgent = false,
): Promise<string> {
  if (opportunities.length === 0) return 'No opportunities.';
  const head = [...(withAgent ? ['agent'] : []), 'severity', 'type', 'title', 'status', 'id'];
  return table(
    head,
    opportunities.map((o) => [
      ...(withAgent ? [o.agentId] : []),
      o.severity,
      o.type,
      o.title,
      o.status,
      o.id,
    ]),
    { keep: ['id'], paint: { severity } },
  );
}

export async function renderAnalysis(result: AnalysisResult): Promise<string> {
  const lines = [
    scoreLine(result.agentId, result.healthScore, result.healthTrend, result.windowDays, result.sampleSize),
    ...[trendLine(result)].filter((line) => line !== null),
    '',
    renderComponents(result.components),
    '',
  ];
  const d = result.metrics.duration;
  if (d.count > 0)
    lines.push(
      `  duration: mean ${Math.round(d.mean ?? 0)} ms, p50 ≈ ${d.p50} ms, p95 ≈ ${d.p95} ms${d.slaMs === null ? '' : `, SLA ${d.slaMs} ms`}`,
      '',
    );
  lines.push(
    result.opportunities.length === 0
      ? 'No open opportunities.'
      : `Open opportunities (${result.opportunities.length}):\n${await renderOpportunities(result.opportunities)}`,
  );
  const since = result.sinceOptimization;
  if (since)
    lines.push(
      `Since optimization ${since.resultId} (${since.status}${since.rolledBack ? ', rolled back since' : ''}, ${since.finishedAt}): health ${since.healthBefore ?? 'n/a'} → ${since.healthNow ?? 'n/a'}${since.change === null ? '' : ` (${since.change >= 0 ? '+' : ''}${since.change})`}`,
    );
  for (const v of result.verifications ?? [])
    lines.push(
      v.status === 'verifying'
        ? `Verifying ${v.id}: ${v.target} for ${v.opportunityType} — ${v.after?.entries ?? 0} entries since the change`
        : `Verified ${v.id}: ${v.target} ${v.status.replace('_', ' ')} — ${v.reason ?? ''}`,
    );
  for (const warning of result.warnings)
    lines.push(`! ${warning.plugin}${warning.component ? ` / ${warning.component}` : ''}: ${warning.error}`);
  return lines.join('\n');
}

/** `plot`: the multi-line chart of `health --plot`, with the pre-push gate's minimum health. */
export function renderHealth(
  report: HealthReport,
  chart?: { minHealth: number; width: number | null },
): string {
  const lines = [
    scoreLine(report.agentId, report.healthScore, report.healthTrend, report.windowDays, report.sampleSize),
  ];
  const trend = trendLine(report);
  if (trend !== null) lines.push(trend);
  lines.push('', renderComponents(report.components));
  const recent = report.history.slice(-40);
  if (recent.length === 0) return lines.join('\n');
  const scores = recent.map((h) => h.healthScore);
  const span = `${recent.length} point(s), ${recent[0]!.timestamp.slice(0, 10)} → ${recent.at(-1)!.timestamp.slice(0, 10)}; min ${Math.min(...scores)}, max ${Math.max(...scores)}`;
  if (chart === undefined) lines.push('', `  history  ${sparkline(scores)}  (${span})`);
  else {
    const scoresToPlot = report.history.map((h) => h.healthScore);
    const line = { value: chart.minHealth, label: `minHealth ${chart.minHealth}` };
    const width = chart.width === null ? null : chart.width - 2;
    lines.push(
      '',
      `  health history (${span})`,
      ...plot(scoresToPlot, { width, line }).map((row) => `  ${row}`),
    );
  }
  return lines.join('\n');
}
