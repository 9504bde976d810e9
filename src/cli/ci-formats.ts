import type { AnalysisResult, Opportunity } from '../core/index.js';

/** What a health check is measured against: `--fail-under`, else the pre-push gate's `minHealth`. */
export interface HealthGate {
  threshold: number;
  /** The flag or setting the threshold came from, named in the test case. */
  source: string;
  /** An agent without a score fails (`--fail-on-no-data`) instead of being skipped. */
  failOnNoData: boolean;
}

const BLOCKING = new Set(['HIGH', 'CRITICAL']);
const TOP_OPPORTUNITIES = 5;

/**
 * JUnit XML for CI test reporters: one testsuite per agent; a testcase for the health against the
 * gate, and one per open opportunity — HIGH and CRITICAL ones fail, LOW and MEDIUM ones are skipped
 * (listed, not blocking).
 */
export function junitReport(analyses: readonly AnalysisResult[], gate: HealthGate): string {
  const suites = analyses.map((analysis) => {
    const cases = [healthCase(analysis, gate), ...openOf(analysis).map(opportunityCase)];
    const count = (kind: Case['kind']) => cases.filter((c) => c.kind === kind).length;
    const classname = `kv1nt.${analysis.agentId}`;
    return [
      `  <testsuite name="${xml(classname)}" tests="${cases.length}" failures="${count('failure')}" errors="0" skipped="${count('skipped')}" timestamp="${xml(analysis.analyzedAt)}">`,
      ...cases.map((c) => caseXml(classname, c)),
      '  </testsuite>',
    ].join('\n');
  });
  const total = analyses.reduce((sum, a) => sum + 1 + openOf(a).length, 0);
  const failures = (suites.join('').match(/<failure /g) ?? []).length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="kv1nt analyze" tests="${total}" failures="${failures}" errors="0">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

const openOf = (analysis: AnalysisResult) => analysis.opportunities.filter((o) => o.status === 'open');

interface Case {
  name: string;
  kind: 'passed' | 'failure' | 'skipped';
  message?: string;
  type?: string;
  body?: string;
}

function healthCase(analysis: AnalysisResult, gate: HealthGate): Case {
  const name = `health ≥ ${gate.threshold} (${gate.source})`;
  const score = analysis.healthScore;
  if (score === null) {
    const message = `no health score: no feedback in the last ${analysis.windowDays} day(s)`;
    return gate.failOnNoData
      ? { name, kind: 'failure', type: 'no_data', message }
      : { name, kind: 'skipped', message };
  }
  if (score < gate.threshold)
    return {
      name,
      kind: 'failure',
      type: 'health',
      message: `health ${score} is under ${gate.threshold}`,
      body: `health ${score} / 100, trend ${analysis.healthTrend}, ${analysis.sampleSize} entries`,
    };
  return { name, kind: 'passed' };
}

function opportunityCase(o: Opportunity): Case {
  const name = `${o.severity} ${o.type}: ${o.title}`;
  if (BLOCKING.has(o.severity))
    return {
      name,
      kind: 'failure',
      type: o.severity,
      message: o.title,
      body: `${o.description}\nid ${o.id}`,
    };
  return { name, kind: 'skipped', message: `${o.severity}: listed, not blocking` };
}

function caseXml(classname: string, c: Case): string {
  const open = `    <testcase classname="${xml(classname)}" name="${xml(c.name)}"`;
  if (c.kind === 'passed') return `${open}/>`;
  const inner =
    c.kind === 'skipped'
      ? `<skipped message="${xml(c.message ?? '')}"/>`
      : `<failure message="${xml(c.message ?? '')}" type="${xml(c.type ?? '')}">${xml(c.body ?? c.message ?? '')}</failure>`;
  return `${open}>\n      ${inner}\n    </testcase>`;
}

/** Text as XML character data or attribute value; characters XML 1.0 forbids are dropped. */
function xml(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex -- these are exactly the characters to drop
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

/** GitHub-flavoured markdown: per agent, a table of its health and one of its top opportunities. */
export function markdownReport(analyses: readonly AnalysisResult[], gate: HealthGate | null): string {
  const blocks = analyses.map((analysis) => {
    const score = analysis.healthScore;
    const verdict =
      gate === null || score === null ? '' : score < gate.threshold ? ` ❌ under ${gate.threshold}` : ' ✅';
    const lines = [
      `### kv1nt: ${cell(analysis.agentId)}`,
      '',
      '| health | trend | entries | window |',
      '| ---: | --- | ---: | ---: |',
      `| ${score === null ? 'no data' : `${score} / 100`}${verdict} | ${analysis.healthTrend.replace('_', ' ')} | ${analysis.sampleSize} | ${analysis.windowDays} day(s) |`,
      '',
    ];
    const open = openOf(analysis);
    const top = open.slice(0, TOP_OPPORTUNITIES);
    if (top.length === 0) lines.push('No open opportunities.');
    else
      lines.push(
        `Top opportunities (${top.length} of ${open.length}):`,
        '',
        '| severity | type | title |',
        '| --- | --- | --- |',
        ...top.map((o) => `| ${o.severity} | ${o.type} | ${cell(o.title)} |`),
      );
    return lines.join('\n');
  });
  return `${blocks.join('\n\n')}\n`;
}

/** A table cell: a pipe or a line break would end the cell or the row. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
