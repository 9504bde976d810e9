import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ReportData } from '../../../src/core/report/collect.js';
import { esc, jsonForScript, readChartJs, renderReport } from '../../../src/core/report/html.js';

const HOSTILE = '</script><img src=x onerror=alert(1)><!--&"\'\u2028';

/** One agent whose error type, finding and change description are all the hostile string. */
function hostileReport(): ReportData {
  return {
    generatedAt: '2026-11-24T12:00:00.000Z',
    days: 2,
    dayKeys: ['2026-11-22', '2026-11-23', '2026-11-24'],
    agents: [
      {
        agentId: 'bot',
        slaMs: 500,
        healthScore: 71.5,
        entries: 10,
        successes: 7,
        failures: 3,
        health: [{ day: '2026-11-24', score: 71.5 }],
        markers: [{ at: '2026-11-24T10:00:00.000Z', kind: 'applied', target: HOSTILE, resultId: 'res_1' }],
        failuresByDay: [{ errorType: HOSTILE, counts: [0, 1, 2] }],
        durations: { p50: [null, 120, 130], p95: [null, 300, 310] },
        failuresByHour: [
          { errorType: HOSTILE, counts: Array.from({ length: 24 }, (_, h) => (h === 9 ? 3 : 0)) },
        ],
        opportunities: [
          {
            id: 'opp_1',
            type: 'error_pattern',
            severity: 'HIGH',
            title: `Recurring error: ${HOSTILE}`,
            subject: HOSTILE,
            lastSeen: '2026-11-24T11:00:00.000Z',
            occurrences: 2,
          },
        ],
        changes: [
          {
            resultId: 'res_1',
            appliedAt: '2026-11-24T10:00:00.000Z',
            type: 'param_tuning',
            target: HOSTILE,
            description: HOSTILE,
            state: 'applied',
            verdict: null,
            healthBefore: 70,
            before: { entries: 5, successRate: 0.6, p50DurationMs: 120, failures: 2 },
            after: null,
          },
        ],
      },
    ],
  };
}

const dataScript = /<script type="application\/json" id="kv1nt-report-data">([\s\S]*?)<\/script>/;

describe('the report page', () => {
  it('embeds the figures as JSON that no user string can break out of, and reads them back unchanged', () => {
    const json = jsonForScript({ errorType: HOSTILE });
    expect(json).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(json)).toEqual({ errorType: HOSTILE });

    const data = hostileReport();
    const html = renderReport(data, '/* chart */');
    expect(JSON.parse(dataScript.exec(html)![1]!)).toEqual(data);
    // The only elements are the page's own: the hostile tag exists only as escaped text.
    expect(html).not.toContain('<img');
    expect(html.match(/<script\b/g)).toHaveLength(3);
    expect(html.match(/<\/script>/g)).toHaveLength(3);
    expect(html).toContain(`<td>${esc(`Recurring error: ${HOSTILE}`)}</td>`);
    expect(esc(HOSTILE)).toBe(
      '&#60;/script&#62;&#60;img src=x onerror=alert(1)&#62;&#60;!--&#38;&#34;&#39;\u2028',
    );
  });

  it('allows no network and runs only its own two scripts (by hash)', () => {
    const html = renderReport(hostileReport(), '/* chart */');
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1]!;
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(scripts).toHaveLength(2);
    const hashes = scripts.map((s) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`);
    expect(csp).toBe(
      `default-src 'none'; script-src ${hashes.join(' ')}; style-src 'unsafe-inline'; img-src data:`,
    );
  });

  it('says so instead of drawing an empty chart', () => {
    const data = hostileReport();
    Object.assign(data.agents[0]!, {
      health: [],
      failuresByDay: [],
      failuresByHour: [],
      durations: { p50: [null, null, null], p95: [null, null, null] },
      opportunities: [],
      changes: [],
    });
    const html = renderReport(data, '');
    expect(html).not.toContain('<canvas');
    for (const text of [
      'No successes, failures or quality scores in the window.',
      'No failures in the window.',
      'No successful operation with a duration in the window.',
      'None open.',
      'No change applied yet.',
    ])
      expect(html).toContain(text);
  });

  it("inlines Chart.js's browser build without its source-map comment (nothing to fetch)", () => {
    const chartJs = readChartJs();
    expect(chartJs).toContain('Chart.js v4');
    expect(chartJs).not.toMatch(/sourceMappingURL|<\/script|<!--/i);
  });
});
