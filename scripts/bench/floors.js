// Bench section `floors`: the figures of issue 15 as ratios against a floor measured in the same
// run (this machine's absolute speed varies two-fold from hour to hour):
// - `analyze` over 1 M entries with a plugin detector that reads ctx.feedback / without it;
// - `patterns` over 1 M entries / a plain Node script that reads the log's lines and JSON.parses each.
// (`feedback success` / `node -e 0` is the `startup` section.)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** A plain Node script: every line of every log segment read and parsed, nothing else. */
const PLAIN_READ = `
const fs = require('node:fs');
const path = require('node:path');
const dir = process.argv[1];
let parsed = 0;
for (const name of fs.readdirSync(dir).sort()) {
  const lines = fs.readFileSync(path.join(dir, name), 'utf8').split('\\n');
  for (const line of lines) if (line) { JSON.parse(line); parsed++; }
}
if (parsed < 1) process.exit(1);
`;

/**
 * Interleaved runs of each case (median of `rounds`): a busy machine slows the cases alike.
 * Returns the medians, in the order of `cases`.
 */
function interleaved(rounds, cases, median) {
  const samples = cases.map(() => []);
  for (let round = 0; round < rounds; round++) {
    cases.forEach((run, i) => samples[i].push(run()));
  }
  return samples.map(median);
}

/**
 * `perf stat`'s task-clock counts the CPU time of a process and of every process it starts — the
 * plugin process too, which kv1nt kills at exit without reaping (so `/usr/bin/time` misses it).
 * Undefined where perf cannot count (not installed, or not allowed).
 */
function cpuCounter() {
  const probe = spawnSync('perf', ['stat', '-x,', '-e', 'task-clock', '--', process.execPath, '-e', '0'], {
    encoding: 'utf8',
  });
  if (probe.status !== 0 || !/task-clock/.test(probe.stderr ?? '')) return undefined;
  /** Runs kv1nt as bench.js's `cli` does; its wall time and CPU time, in ms. */
  return (work, bin, home, args) => {
    const started = performance.now();
    const run = spawnSync('perf', ['stat', '-x,', '-e', 'task-clock', '--', process.execPath, bin, ...args], {
      env: { ...process.env, KV1NT_HOME: home, NO_COLOR: '1' },
      cwd: work,
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    });
    const wall = performance.now() - started;
    if (run.status !== 0 && run.status !== 1)
      throw new Error(`kv1nt ${args.join(' ')} failed (${run.status}): ${run.stderr}`);
    const line = run.stderr.split('\n').find((l) => l.includes('task-clock'));
    return { wall, cpu: Number(line?.split(',')[0]) };
  };
}

export async function floors({ work, bin, cli, report, median, dataDirWith }) {
  console.log('\nFloors (ratios within one run, medians of interleaved runs)');
  const home = dataDirWith(1_000_000);

  // A third-party detector that reads every entry of the window, in its plugin process.
  const project = path.join(work, 'floors-project');
  fs.mkdirSync(project, { recursive: true });
  fs.writeFileSync(
    path.join(project, 'reader.mjs'),
    `export default { apiVersion: 1, name: 'reader', detectors: [{ id: 'reader/d', type: 'code_smell', description: '',
      detect(ctx) { let failures = 0; for (const e of ctx.feedback) if (e.type === 'failure') failures++;
        return [{ title: 'read ' + ctx.feedback.length + ' entries, ' + failures + ' failures', description: '' }]; } }] };`,
  );
  // A generous limit: on a busy machine the bench must time the read, not the time limit.
  const config = path.join(project, '.kv1ntrc.json');
  fs.writeFileSync(config, JSON.stringify({ plugins: ['./reader.mjs'], pluginTimeoutMs: 300_000 }));
  // Once, untimed, first: it shows that the detector did read the window (not a warning instead),
  // and, having read it, analyze gives the log's segments their column sidecars (built once per
  // sealed segment); the timed runs read them as every later analysis does.
  const checked = spawnSync(process.execPath, [bin, 'analyze', 'agent-0', '--json', '--config', config], {
    env: { ...process.env, KV1NT_HOME: home },
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const { opportunities, warnings } = JSON.parse(checked.stdout);
  const finding = opportunities.find((o) => o.detector === 'reader/d');
  if (!finding) throw new Error(`the ctx.feedback reader found nothing: ${JSON.stringify(warnings)}`);
  console.log(`  (the plugin detector: ${finding.title})`);
  const plainArgs = ['analyze', 'agent-0', '--json'];
  const readerArgs = [...plainArgs, '--config', config];
  const counted = cpuCounter();
  const cpu = [[], []];
  const [without, withReader] = interleaved(
    3,
    [plainArgs, readerArgs].map((args, i) =>
      counted
        ? () => {
            const run = counted(work, bin, home, args);
            cpu[i].push(run.cpu);
            return run.wall;
          }
        : () => cli(home, args),
    ),
    median,
  );
  report('analyze over 1M, no plugin', without, 'ms');
  report('analyze over 1M, a ctx.feedback-reading plugin', withReader, 'ms');
  report('analyze with the ctx.feedback reader / without', withReader / without, 'x', (v) => v <= 2);
  if (counted) {
    const [cpuWithout, cpuWith] = cpu.map(median);
    report('analyze over 1M, no plugin, CPU time', cpuWithout, 'ms');
    report('analyze over 1M, the reader, CPU time', cpuWith, 'ms');
    // For reference: the plugin process runs beside the host, so CPU time adds up where wall time overlaps.
    report('the reader / without, in CPU time', cpuWith / cpuWithout, 'x');
  } else console.log('  (no CPU-time ratio: perf stat cannot count here)');

  const logDir = path.join(home, 'feedback', 'log');
  const [patterns, plain] = interleaved(
    3,
    [
      () => cli(home, ['patterns', '--json']),
      () => {
        const started = performance.now();
        const run = spawnSync(process.execPath, ['-e', PLAIN_READ, logDir], { stdio: 'ignore' });
        if (run.status !== 0) throw new Error('the plain read of the log failed');
        return performance.now() - started;
      },
    ],
    median,
  );
  report('patterns over 1M (process)', patterns, 'ms');
  report('plain Node: read the log, JSON.parse each line', plain, 'ms');
  report('patterns over 1M / plain read and parse', patterns / plain, 'x', (v) => v <= 1);
}
