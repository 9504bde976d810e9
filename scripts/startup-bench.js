// Start-up budget check: median wall time of `kv1nt --version` and `kv1nt feedback success` against a
// bare `node -e 0`, run side by side (interleaved, after two warm-up rounds), in a temp KV1NT_HOME and
// a temp working folder (no config file around). Needs a build first (npm run build).
//
//   node scripts/startup-bench.js [runs=15] [budget=2.0]
//
// Exits 1 when `feedback success` is over budget. Figures vary with the machine's load: compare
// ratios from one run, not milliseconds across runs.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const runs = Number(process.argv[2] ?? 15);
const budget = Number(process.argv[3] ?? 2.0);
const bin = fileURLToPath(new URL('../bin/run.js', import.meta.url));
const cases = {
  'node -e 0': ['-e', '0'],
  'kv1nt --version': [bin, '--version'],
  'kv1nt feedback success': [bin, 'feedback', 'success', 'bench-agent', 'bench-op'],
};

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'kv1nt-bench-'));
const cwd = path.join(temp, 'cwd');
fs.mkdirSync(cwd);
const env = { ...process.env, KV1NT_HOME: path.join(temp, 'home') };
delete env.KV1NT_CONFIG;

const times = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
try {
  for (let round = 0; round < runs + 2; round++) {
    for (const [name, args] of Object.entries(cases)) {
      const start = process.hrtime.bigint();
      const run = spawnSync(process.execPath, args, { cwd, env, encoding: 'utf8' });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (run.status !== 0) throw new Error(`${name} exited ${run.status}:\n${run.stdout}${run.stderr}`);
      if (round >= 2) times[name].push(ms);
    }
  }
} finally {
  fs.rmSync(temp, { recursive: true, force: true });
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const base = median(times['node -e 0']);
for (const [name, values] of Object.entries(times)) {
  const m = median(values);
  console.log(`${name.padEnd(24)} median ${m.toFixed(1).padStart(6)} ms  ${(m / base).toFixed(2)}x`);
}
const ratio = median(times['kv1nt feedback success']) / base;
if (ratio > budget) {
  console.log(`feedback success is ${ratio.toFixed(2)}x node -e 0, over the ${budget}x budget`);
  process.exitCode = 1;
}
