// `node scripts/bench.js data`: issue 12's figures for owning the data, each a ratio to a floor
// measured in the same run (this machine's speed varies two-fold from hour to hour, and by a
// fifth from one minute to the next): import of 1 M and 2 M lines against a plain Node script that
// reads the same file line by line and JSON.parse-s each line (≤ 2×), with the peak RSS of both
// and the same import on one thread for reference (a big import uses worker threads); export of
// 1 M entries (≤ 1×). Each ratio is the median of five rounds' ratios, each round's floor and
// import run back to back (a pair sees the same machine).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The floor: read line by line, parse each line, nothing else. */
const FLOOR = `
const fs = require('node:fs');
const readline = require('node:readline');
(async () => {
  const lines = readline.createInterface({ input: fs.createReadStream(process.argv[1]), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) if (line) { JSON.parse(line); n++; }
  if (n === 0) process.exit(1);
})();`;

/**
 * Wall time, CPU time (user + system, all threads) and peak RSS (MB) of a command, through
 * /usr/bin/time -v when present. On a loaded machine the wall times of one run swing two-fold;
 * the CPU ratio shows the work done against the floor's.
 */
function measure(command, args, env) {
  const timeBin = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  const started = performance.now();
  const run = timeBin
    ? spawnSync(timeBin, ['-v', command, ...args], { env, encoding: 'utf8', maxBuffer: 1 << 30 })
    : spawnSync(command, args, { env, encoding: 'utf8', maxBuffer: 1 << 30 });
  const elapsed = performance.now() - started;
  if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${run.status}): ${run.stderr}`);
  const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(run.stderr ?? '')?.[1] ?? NaN);
  const seconds = (label) =>
    Number(new RegExp(`${label} time \\(seconds\\): ([\\d.]+)`).exec(run.stderr ?? '')?.[1] ?? NaN);
  return { ms: elapsed, cpuMs: (seconds('User') + seconds('System')) * 1000, rssMb: kb / 1024 };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Per round, a measurement against the round's floor: the median ratios of wall and CPU time, and the highest peak RSS. */
function pairedRatios(samples, floors) {
  return {
    ms: median(samples.map((s) => s.ms)),
    ratio: median(samples.map((s, i) => s.ms / floors[i].ms)),
    cpuRatio: median(samples.map((s, i) => s.cpuMs / floors[i].cpuMs)),
    rssMb: Math.max(...samples.map((s) => s.rssMb)),
  };
}

const ROUNDS = 5;

/** `count` lines of feedback over 30 days, five agents, written in chunks (never one big string). */
function writeHistory(file, count) {
  const fd = fs.openSync(file, 'w');
  const start = Date.now() - 30 * 86_400_000;
  let chunk = [];
  for (let i = 0; i < count; i++) {
    const timestamp = new Date(start + Math.floor((i * 29 * 86_400_000) / count)).toISOString();
    chunk.push(
      i % 8 === 0
        ? JSON.stringify({
            agentId: `agent-${i % 5}`,
            operationId: `fetch-${i % 5000}`,
            type: 'failure',
            errorType: 'timeout',
            message: `GET https://api.example.com/v1/items/${i} timed out`,
            durationMs: 1000 + (i % 900),
            timestamp,
          })
        : JSON.stringify({
            agentId: `agent-${i % 5}`,
            operationId: `summarize-${i % 5000}`,
            type: 'success',
            durationMs: 120 + (i % 300),
            metrics: { memoryMb: 200 + (i % 100) },
            timestamp,
          }),
    );
    if (chunk.length === 50_000) {
      fs.writeSync(fd, `${chunk.join('\n')}\n`);
      chunk = [];
    }
  }
  if (chunk.length > 0) fs.writeSync(fd, `${chunk.join('\n')}\n`);
  fs.closeSync(fd);
}

export async function benchData({ work, bin, report }) {
  console.log('\nOwning the data: import / export against a line-by-line JSON.parse floor (same run)');
  const env = (home) => ({ ...process.env, KV1NT_HOME: home, NO_COLOR: '1' });
  for (const count of [1_000_000, 2_000_000]) {
    const label = `${count / 1_000_000} M`;
    const file = path.join(work, `data-${count}.jsonl`);
    writeHistory(file, count);
    const home = path.join(work, `data-home-${count}`);
    const home1 = path.join(work, 'data-home-one-thread');
    const importInto = (dir, extra = {}) => {
      fs.rmSync(dir, { recursive: true, force: true });
      return measure(process.execPath, [bin, 'feedback', 'import', file, '--json'], {
        ...env(dir),
        ...extra,
      });
    };
    // Rounds of floor then import, back to back: the ratio of each pair, then their median.
    const rounds = { floor: [], imported: [], single: [] };
    for (let round = 0; round < ROUNDS; round++) {
      rounds.floor.push(measure(process.execPath, ['-e', FLOOR, file], process.env));
      rounds.imported.push(importInto(home));
      // The same import on one thread (KV1NT_IMPORT_WORKERS=0), for reference: what the threads gain.
      if (count === 1_000_000 && round < 3)
        rounds.single.push(importInto(home1, { KV1NT_IMPORT_WORKERS: '0' }));
    }
    fs.rmSync(home1, { recursive: true, force: true });
    const floor = {
      ms: median(rounds.floor.map((s) => s.ms)),
      cpuMs: median(rounds.floor.map((s) => s.cpuMs)),
      rssMb: Math.max(...rounds.floor.map((s) => s.rssMb)),
    };
    const imported = pairedRatios(rounds.imported, rounds.floor);
    report(`floor: read + JSON.parse ${label} lines`, floor.ms, 'ms');
    report(`feedback import ${label} lines`, imported.ms, 'ms');
    report(`feedback import ${label} / floor`, imported.ratio, 'x', (v) => v <= 2);
    report(`feedback import ${label} / floor, CPU time`, imported.cpuRatio, 'x');
    report(`feedback import ${label} peak RSS`, imported.rssMb, 'MB', (v) => v < 300);
    report(`floor ${label} peak RSS`, floor.rssMb, 'MB');
    if (count === 1_000_000) {
      const single = pairedRatios(rounds.single, rounds.floor);
      report(`feedback import ${label} on one thread / floor`, single.ratio, 'x');
      report(`feedback import ${label} on one thread / floor, CPU time`, single.cpuRatio, 'x');
    }
    if (count === 1_000_000) {
      const out = path.join(work, 'export.jsonl');
      const exported = measure(process.execPath, [bin, 'feedback', 'export', '--output', out], env(home));
      report('feedback export 1 M entries', exported.ms, 'ms');
      report('feedback export 1 M / floor', exported.ms / floor.ms, 'x', (v) => v <= 1);
      report('feedback export 1 M / floor, CPU time', exported.cpuMs / floor.cpuMs, 'x');
      report('feedback export 1 M peak RSS', exported.rssMb, 'MB');
      fs.rmSync(out, { force: true });
    }
    fs.rmSync(file, { force: true });
    fs.rmSync(home, { recursive: true, force: true });
  }
}
