import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer, { type Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kv1ntAsync, ROOT, tempDir } from '../helpers/cli.js';

/*
 * The HTML report in a real browser: Debian's chromium (bash .ci/run installs it), headless,
 * driven by puppeteer-core. The page must load from its file alone (every other request is
 * blocked and fails the test), log no error, and draw every chart it has a canvas for.
 */

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(ROOT, 'test-artifacts');
/** Set to rewrite the README's screenshot (docs/img/report.png) from `npm run demo`'s data. */
const UPDATE_SCREENSHOT = process.env.UPDATE_REPORT_SCREENSHOT === '1';
const HOSTILE = '</script><img src=x onerror=alert(1)><!--';
const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();

let browser: Browser;
beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: apt-get install chromium (bash .ci/run does it).`);
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    userDataDir: tempDir(),
    // Chromium's sandbox refuses to run as root (CI containers).
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
});
afterAll(() => browser?.close());

/** Ten days of an LLM agent's history: every sixth call times out, every 25th fails with HOSTILE. */
function history(): string {
  return Array.from({ length: 240 }, (_, i) => {
    const base = { agentId: 'llm', operationId: `chat-${i}`, timestamp: hoursAgo(2 + i) };
    if (i % 25 === 0) return { ...base, type: 'failure', errorType: HOSTILE };
    if (i % 6 === 0) return { ...base, type: 'failure', errorType: 'timeout', durationMs: 3000 };
    return { ...base, type: 'success', durationMs: 1200 + (i % 10) * 100 };
  })
    .map((line) => JSON.stringify(line))
    .join('\n');
}

/** A real optimization kept and then reverted by the closed loop, and the report of it. */
async function reportOfRevertedChange(): Promise<string> {
  const dir = tempDir({
    'agent/config.json': '{\n  "timeoutMs": 3000,\n  "retries": 2\n}\n',
    'agent/test.js': 'process.exit(0);\n',
    'history.jsonl': `${history()}\n`,
    '.kv1ntrc.json': JSON.stringify({
      agents: {
        llm: {
          path: './agent',
          test: 'node test.js',
          slaMs: 2000,
          params: { timeoutMs: { file: 'config.json', key: 'timeoutMs', min: 500, max: 20_000, step: 1 } },
        },
      },
      optimizeBelow: 95,
    }),
  });
  const cli = async (args: string[], input?: string) => {
    const run = await kv1ntAsync(path.join(dir, 'data'), args, { cwd: dir, ...(input ? { input } : {}) });
    expect(run.code, `kv1nt ${args.join(' ')}: ${run.stderr}`).toBe(0);
    return run;
  };
  await cli(['feedback', 'import', 'history.jsonl']);
  await cli(['optimize', 'llm', '--strategy', 'conservative', '--yes']);
  const crashes = Array.from({ length: 40 }, (_, i) =>
    JSON.stringify(
      i % 2 === 0
        ? { agentId: 'llm', operationId: `n-${i}`, type: 'failure', errorType: 'crash' }
        : { agentId: 'llm', operationId: `n-${i}`, type: 'success', durationMs: 1300 },
    ),
  ).join('\n');
  await cli(['feedback', 'import', '-'], crashes);
  expect((await cli(['verify', 'llm'])).stdout).toMatch(/reverted/);
  await cli(['report', '--days', '14', '--output', 'report.html']);
  return path.join(dir, 'report.html');
}

interface ChartCheck {
  name: string;
  datasets: number;
  /** Data points that are numbers other than 0, over every dataset. */
  values: number;
  /** Opaque pixels inside the plot area that are coloured or dark: drawn data, not the grid. */
  inkPixels: number;
}

/** What the page did on loading `file`: requests, errors, and each chart's data and pixels. */
async function load(file: string) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  const url = pathToFileURL(file).href;
  const requests: string[] = [];
  const errors: string[] = [];
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    requests.push(request.url());
    void (request.url() === url ? request.continue() : request.abort());
  });
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warn') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page error: ${String(error)}`));
  await page.goto(url, { waitUntil: 'load' });
  // A string, evaluated in the page: the test's own TypeScript has no DOM types.
  const charts =
    (await page.evaluate(`typeof Chart === 'undefined' ? [] : [...document.querySelectorAll('canvas')].map((canvas) => {
    const chart = Chart.getChart(canvas);
    if (!chart) return { name: canvas.dataset.chart, datasets: 0, values: 0, inkPixels: 0 };
    const values = chart.data.datasets
      .flatMap((d) => d.data)
      .filter((v) => (typeof v === 'number' ? v : v && v.y) > 0).length;
    const { left, top, right, bottom } = chart.chartArea;
    const scale = canvas.width / canvas.clientWidth;
    const x = Math.ceil(left * scale), y = Math.ceil(top * scale);
    const pixels = canvas.getContext('2d').getImageData(x, y, Math.floor((right - left) * scale), Math.floor((bottom - top) * scale)).data;
    let inkPixels = 0;
    for (let i = 0; i < pixels.length; i += 4) {
      const [r, g, b, a] = [pixels[i], pixels[i + 1], pixels[i + 2], pixels[i + 3]];
      if (a > 200 && (Math.max(r, g, b) - Math.min(r, g, b) > 60 || Math.max(r, g, b) < 120)) inkPixels++;
    }
    return { name: canvas.dataset.chart, datasets: chart.data.datasets.length, values, inkPixels };
  })`)) as ChartCheck[];
  const drawn = await page.evaluate(`document.documentElement.getAttribute('data-charts')`);
  return { page, url, requests, errors, charts, drawn };
}

describe('kv1nt report in a browser', () => {
  it('loads from its file alone, logs no error, draws every chart, and shows a hostile error type as text', async () => {
    const file = await reportOfRevertedChange();
    const { page, url, requests, errors, charts, drawn } = await load(file);
    expect(errors).toEqual([]);
    expect(requests).toEqual([url]);
    expect(charts.map((chart) => chart.name)).toEqual([
      'health',
      'failures-by-day',
      'durations',
      'failures-by-hour',
    ]);
    expect(drawn).toBe('4');
    for (const chart of charts) {
      expect(chart.datasets, chart.name).toBeGreaterThan(0);
      expect(chart.values, chart.name).toBeGreaterThan(0);
      expect(chart.inkPixels, chart.name).toBeGreaterThan(200);
    }
    // The health chart carries the change's markers: applied, then reverted by the closed loop.
    const markers = (await page.evaluate(
      `Chart.getChart(document.querySelector('canvas[data-chart="health"]')).data.datasets.map((d) => d.label)`,
    )) as string[];
    expect(markers).toEqual(['health (daily)', 'change applied', 'reverted by the closed loop']);
    // The hostile error type is a legend label, character for character, and no element of its own.
    const labels = (await page.evaluate(
      `Chart.getChart(document.querySelector('canvas[data-chart="failures-by-day"]')).data.datasets.map((d) => d.label)`,
    )) as string[];
    expect(labels).toContain(HOSTILE);
    expect(await page.evaluate(`document.querySelectorAll('img').length`)).toBe(0);
    // …and in the opportunities table, as the cell's text.
    const cells = (await page.evaluate(
      `[...document.querySelectorAll('td')].map((td) => td.textContent)`,
    )) as string[];
    expect(cells.filter((text) => text.includes(`Recurring error: ${HOSTILE}`))).toHaveLength(1);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'report.png'), fullPage: true });
    await page.close();
  });

  it.runIf(UPDATE_SCREENSHOT)(
    'writes docs/img/report.png from the demo data (UPDATE_REPORT_SCREENSHOT=1)',
    async () => {
      const file = await demoReport();
      try {
        const { page, url, requests, errors, charts } = await load(file);
        expect(errors).toEqual([]);
        expect(requests).toEqual([url]);
        expect(charts.every((chart) => chart.inkPixels > 200)).toBe(true);
        // The header, the figures and the four charts: what the README shows.
        const bottom = (await page.evaluate(
          `document.querySelector('.grid').getBoundingClientRect().bottom`,
        )) as number;
        await page.screenshot({
          path: path.join(ROOT, 'docs', 'img', 'report.png'),
          clip: { x: 0, y: 0, width: 1280, height: Math.ceil(bottom) + 16 },
        });
        await page.close();
      } finally {
        fs.rmSync(path.dirname(file), { recursive: true, force: true });
      }
    },
    // Only when asked to: the whole demo runs first (real optimizations and test runs), 30 s on an
    // idle machine and over four minutes on a busy one.
    600_000,
  );
});

/** Runs `npm run demo`'s script on the built CLI; resolves with the report it printed the path of. */
function demoReport(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'demo.js')], {
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', (code) => {
      const match = /Open the report in a browser: (file:\S+)/.exec(stdout);
      if (code !== 0 || !match) reject(new Error(`npm run demo exited ${code}:\n${stdout.slice(-2000)}`));
      else resolve(new URL(match[1]!).pathname);
    });
  });
}
