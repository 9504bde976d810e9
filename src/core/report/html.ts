import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { CLIENT_SCRIPT } from './client-script.js';
import type { AgentReport, ChangeRow, ChangeSide, ReportData } from './collect.js';
import { REPORT_STYLE } from './style.js';

/**
 * The report as one self-contained HTML page: the figures as a JSON document, Chart.js and the
 * page's script inlined, the tables rendered here (readable without script, and when printed).
 * Nothing is fetched when it is viewed: the Content-Security-Policy allows no network at all and
 * runs only the two scripts whose hashes it names, so an injected tag could do nothing either.
 */
export function renderReport(data: ReportData, chartJs: string = readChartJs()): string {
  const scripts = [chartJs, CLIENT_SCRIPT];
  const hashes = scripts.map((script) => `'sha256-${createHash('sha256').update(script).digest('base64')}'`);
  const csp = `default-src 'none'; script-src ${hashes.join(' ')}; style-src 'unsafe-inline'; img-src data:`;
  const to = data.generatedAt.slice(0, 16).replace('T', ' ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<title>kv1nt report: ${data.days} day(s) to ${to} UTC</title>
<style>${REPORT_STYLE}</style>
</head>
<body>
<header>
<h1>kv1nt report</h1>
<p>The last ${data.days} day(s), to ${to} UTC. ${data.agents.length} agent(s).</p>
${data.agents.length > 1 ? `<nav aria-label="Agents"><ul>${data.agents.map((agent, i) => `<li><a href="#agent-${i}">${esc(agent.agentId)}</a></li>`).join('')}</ul></nav>` : ''}
</header>
<main>
${data.agents.map(agentSection).join('\n')}
</main>
<script type="application/json" id="kv1nt-report-data">${jsonForScript(data)}</script>
${scripts.map((script) => `<script>${script}</script>`).join('\n')}
</body>
</html>
`;
}

/** Chart.js's browser build, from the installed package (it ships it; nothing is downloaded). */
export function readChartJs(): string {
  const require = createRequire(import.meta.url);
  // The package exports only its module entries: the UMD build sits next to the CommonJS one.
  const file = path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.js');
  // Neither occurs in Chart.js 4; should a later build carry one inside a string, the escaped
  // form is the same string to JavaScript and cannot end the <script> element.
  return fs
    .readFileSync(file, 'utf8')
    .replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n')
    .replace(/<\/(script)/gi, '<\\/$1')
    .replace(/<!--/g, '<\\!--');
}

/**
 * JSON inside a <script> element: `<`, `>` and `&` as \u escapes, so that no user string (an
 * error type `</script><img onerror=…>`, a `<!--`) can end the element or open a comment; U+2028
 * and U+2029 too, which older parsers take for line ends. JSON.parse reads them back unchanged.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Text for HTML element content and quoted attribute values. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function agentSection(agent: AgentReport, index: number): string {
  const fails = agent.failuresByDay.some((s) => s.counts.some((n) => n > 0));
  const durations = agent.durations.p50.some((ms) => ms !== null);
  return `<section id="agent-${index}" data-agent-index="${index}">
<h2>Agent <code>${esc(agent.agentId)}</code></h2>
<p class="figures">${figures(agent)}</p>
<div class="grid">
${chart('health', 'Health over time', 'The daily health score (0–100), with the changes kv1nt applied, rolled back or reverted, and the closed loop’s verdicts, at the moment they happened.', agent.health.length > 0, 'No successes, failures or quality scores in the window.')}
${chart('failures-by-day', 'Failures per day by error type', 'Failures recorded each UTC day, stacked by error type (the most frequent six; the rest as other).', fails, 'No failures in the window.')}
${chart('durations', 'Duration of successful operations', `p50 and p95 per UTC day${agent.slaMs === null ? ' (no SLA declared for this agent)' : `, against the SLA of ${agent.slaMs} ms`}.`, durations, 'No successful operation with a duration in the window.')}
${chart('failures-by-hour', 'Failures by hour of day', 'All failures of the window by the UTC hour they were recorded in, stacked by error type.', fails, 'No failures in the window.')}
</div>
<h3>Open opportunities</h3>
${opportunities(agent)}
<h3>Last changes</h3>
${changes(agent.changes)}
</section>`;
}

function figures(agent: AgentReport): string {
  const parts = [
    `Health <strong>${agent.healthScore ?? '–'}</strong>`,
    `${agent.entries} entries`,
    `${agent.successes} successes`,
    `${agent.failures} failures`,
    agent.slaMs === null ? 'no SLA' : `SLA ${agent.slaMs} ms`,
  ];
  return parts.join(' · ');
}

function chart(name: string, title: string, caption: string, hasData: boolean, empty: string): string {
  const body = hasData
    ? `<div class="chart"><canvas data-chart="${name}" role="img" aria-label="${esc(`${title}: ${caption}`)}">${esc(caption)}</canvas></div>`
    : `<p class="empty">${esc(empty)}</p>`;
  return `<figure><figcaption><h3>${esc(title)}</h3><p>${esc(caption)}</p></figcaption>${body}</figure>`;
}

function opportunities(agent: AgentReport): string {
  if (agent.opportunities.length === 0) return '<p class="empty">None open.</p>';
  const rows = agent.opportunities.map(
    (o) =>
      `<tr><td><span class="severity ${esc(o.severity.toLowerCase())}">${esc(o.severity)}</span></td><td>${esc(o.type)}</td><td>${esc(o.title)}</td><td>${o.occurrences}</td><td>${esc(o.lastSeen.slice(0, 16).replace('T', ' '))}</td><td><code>${esc(o.id)}</code></td></tr>`,
  );
  return table(['Severity', 'Type', 'Finding', 'Seen', 'Last seen (UTC)', 'Id'], rows);
}

function changes(rows: readonly ChangeRow[]): string {
  if (rows.length === 0) return '<p class="empty">No change applied yet.</p>';
  const body = rows.map(
    (c) =>
      `<tr><td>${esc(c.appliedAt.slice(0, 16).replace('T', ' '))}</td><td>${esc(c.description)}<br><code>${esc(c.target)}</code></td><td>${esc(c.state.replace('_', ' '))}</td><td>${esc(c.verdict?.replace('_', ' ') ?? '–')}</td><td>${side(c.before)}</td><td>${side(c.after)}</td><td><code>${esc(c.resultId)}</code></td></tr>`,
  );
  return table(['Applied (UTC)', 'Change', 'State', 'Verdict', 'Before', 'After', 'Result'], body);
}

function side(figures: ChangeSide | null): string {
  if (figures === null) return '–';
  const rate = figures.successRate === null ? '–' : `${(figures.successRate * 100).toFixed(1)} %`;
  const p50 = figures.p50DurationMs === null ? '–' : `${figures.p50DurationMs} ms`;
  return `success ${rate}<br>p50 ${p50}<br>${figures.failures} failures in ${figures.entries} entries`;
}

function table(headings: readonly string[], rows: readonly string[]): string {
  return `<table><thead><tr>${headings.map((h) => `<th scope="col">${h}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}
