import type { Finding, Stat } from '../../../../src/core/sdk/types.js';
import resourceInefficiency from '../../../../src/plugins/detectors/resource-inefficiency.js';
import { DetectorTester, exactly, readsNoFeedback } from '../../../helpers/detector-cases.js';

const none: Stat = { mean: null, max: null, p95: null, count: 0 };

const memoryFinding = {
  title: 'Memory use is 610 MB at p95, above 500 MB',
  description:
    'Across 8 operation(s) with a recorded memoryMb in the last 7 day(s), 95 % use up to 610 MB (mean 600.5 MB, max 900 MB); the threshold is 500 MB.',
  evidence: { metric: 'memoryMb', p95: 610, mean: 600.5, max: 900, samples: 8, threshold: 500 },
  subject: 'memoryMb',
} satisfies Finding;

const cpuFinding = {
  title: 'CPU use is 97 % at p95, above 80 %',
  description:
    'Across 5 operation(s) with a recorded cpuPercent in the last 7 day(s), 95 % use up to 97 % (mean 95 %, max 100 %); the threshold is 80 %.',
  evidence: { metric: 'cpuPercent', p95: 97, mean: 95, max: 100, samples: 5, threshold: 80 },
  subject: 'cpuPercent',
} satisfies Finding;

/** Memory and CPU both over the default limits. */
const bothOver = {
  memoryMb: { mean: 600.5, max: 900, p95: 610, count: 8 },
  cpuPercent: { mean: 95, max: 100, p95: 97, count: 5 },
};

const quiet: Array<[name: string, memoryMb: Stat, cpuPercent: Stat]> = [
  ['memory p95 500', { mean: 480, max: 900, p95: 500, count: 4 }, none],
  ['cpu p95 80', none, { mean: 70, max: 100, p95: 80, count: 4 }],
  [
    'both exactly at their limits',
    { mean: 500, max: 500, p95: 500, count: 4 },
    { mean: 80, max: 80, p95: 80, count: 4 },
  ],
  // The mean is over, but most runs are not: one 2000 MB spike among 100 MB runs.
  ['a spike that lifts the mean only', { mean: 650, max: 2000, p95: 100, count: 40 }, none],
  ['no recorded resources', none, none],
];

new DetectorTester().run(resourceInefficiency, {
  valid: [
    ...quiet.map(([name, memoryMb, cpuPercent]) => ({
      name: `no finding for ${name}`,
      ctx: { metrics: { memoryMb, cpuPercent } },
      check: readsNoFeedback,
    })),
    {
      name: 'respects custom memoryMbMax and cpuPercentMax: raised to the p95s',
      ctx: { metrics: bothOver, thresholds: { memoryMbMax: 610, cpuPercentMax: 97 } },
    },
  ],
  invalid: [
    {
      name: 'fires at memory p95 500.1 with subject memoryMb',
      ctx: { metrics: { memoryMb: { mean: 450, max: 800, p95: 500.1, count: 3 } } },
      ...exactly([
        {
          title: 'Memory use is 500.1 MB at p95, above 500 MB',
          description:
            'Across 3 operation(s) with a recorded memoryMb in the last 7 day(s), 95 % use up to 500.1 MB (mean 450 MB, max 800 MB); the threshold is 500 MB.',
          evidence: { metric: 'memoryMb', p95: 500.1, mean: 450, max: 800, samples: 3, threshold: 500 },
          subject: 'memoryMb',
        },
      ]),
    },
    {
      name: 'fires at cpu p95 80.1 with subject cpuPercent',
      ctx: { metrics: { cpuPercent: { mean: 60, max: 99, p95: 80.1, count: 6 } } },
      ...exactly([
        {
          title: 'CPU use is 80.1 % at p95, above 80 %',
          description:
            'Across 6 operation(s) with a recorded cpuPercent in the last 7 day(s), 95 % use up to 80.1 % (mean 60 %, max 99 %); the threshold is 80 %.',
          evidence: { metric: 'cpuPercent', p95: 80.1, mean: 60, max: 99, samples: 6, threshold: 80 },
          subject: 'cpuPercent',
        },
      ]),
    },
    {
      name: 'gives two findings, memory first, when both are over',
      ctx: { metrics: bothOver },
      ...exactly([memoryFinding, cpuFinding]),
    },
    {
      name: 'respects custom memoryMbMax and cpuPercentMax: lowered memory, raised CPU',
      ctx: { metrics: bothOver, thresholds: { memoryMbMax: 256, cpuPercentMax: 99 } },
      ...exactly([
        {
          ...memoryFinding,
          title: 'Memory use is 610 MB at p95, above 256 MB',
          description:
            'Across 8 operation(s) with a recorded memoryMb in the last 7 day(s), 95 % use up to 610 MB (mean 600.5 MB, max 900 MB); the threshold is 256 MB.',
          evidence: { ...memoryFinding.evidence, threshold: 256 },
        },
      ]),
    },
  ],
});
