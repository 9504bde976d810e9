// Bench section `real-repo`: kv1nt aggressive against `npm-check-updates --doctor -u` on fresh
// copies of the same real project (test/fixtures/real-repo: the browserify + mocha + write
// devDependencies of a small public package, at older releases, manifest + lockfile), side by
// side in one run. Both upgrade in place what passes the tests; kv1nt also keeps a sandbox, a
// baseline and a journal. Installs come from npm's own cache: the network is used only to fill it
// the first time (and to look up the latest versions, as both tools must).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** A version of npm-check-updates that runs on Node 20 (19+ need Node 22). */
const NCU = 'npm-check-updates@18.3.1';

function run(command, args, cwd, env = {}) {
  const started = performance.now();
  const result = spawnSync(command, args, {
    cwd,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const elapsed = performance.now() - started;
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr.slice(-2000)}`);
  return { elapsed, stdout: result.stdout };
}

/** The devDependencies as declared, to compare what each tool kept. */
const declared = (dir) => JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).devDependencies;

/**
 * @param {{ root: string, bin: string, work: string, report: Function }} helpers
 *   `report(name, value, unit, target)` as in scripts/bench.js.
 */
export async function benchRealRepo({ root, bin, work, report }) {
  console.log('\nReal repository: kv1nt optimize --strategy aggressive vs ncu --doctor -u');
  const fixture = path.join(root, 'test', 'fixtures', 'real-repo');
  const base = path.join(work, 'real-repo');
  fs.cpSync(fixture, base, { recursive: true });
  // The project as its user has it: installed from the lockfile (npm's cache; network the first time).
  run('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], base);
  const copy = (name) => {
    const dir = path.join(work, name);
    spawnSync('cp', ['-a', base, dir]);
    return dir;
  };
  const ncu = (dir) => run('npx', ['--yes', NCU, '--doctor', '-u'], dir, { CI: '1' }).elapsed;
  const kv1nt = (dir, home) => {
    fs.writeFileSync(
      path.join(home, '.kv1ntrc.json'),
      JSON.stringify({ agents: { bot: { path: dir, test: 'npm test', testTimeoutMs: 600_000 } } }),
    );
    const out = run(
      process.execPath,
      [bin, 'optimize', 'bot', '--strategy', 'aggressive', '--yes', '--json'],
      home,
      {
        KV1NT_HOME: path.join(home, 'data'),
        NO_COLOR: '1',
      },
    );
    const result = JSON.parse(out.stdout);
    if (result.status !== 'applied') throw new Error(`kv1nt kept nothing: ${out.stdout.slice(0, 2000)}`);
    return out.elapsed;
  };
  const home = (name) => {
    const dir = path.join(work, name);
    fs.mkdirSync(dir);
    return dir;
  };
  // Untimed: fills npm's cache with the new versions and npx's with ncu, for both tools alike.
  ncu(copy('warm-up'));
  const times = { ncu: [], kv1nt: [] };
  const kept = {};
  for (let round = 0; round < 2; round++) {
    // Alternate who goes first: the second run of a round finds the page cache warmer.
    const order = round === 0 ? ['ncu', 'kv1nt'] : ['kv1nt', 'ncu'];
    for (const tool of order) {
      const dir = copy(`${tool}-${round}`);
      times[tool].push(tool === 'ncu' ? ncu(dir) : kv1nt(dir, home(`home-${round}`)));
      kept[tool] = declared(dir);
    }
  }
  if (JSON.stringify(kept.ncu) !== JSON.stringify(kept.kv1nt))
    throw new Error(
      `not the same upgrades kept: ncu ${JSON.stringify(kept.ncu)}, kv1nt ${JSON.stringify(kept.kv1nt)}`,
    );
  console.log(
    `  both kept: ${Object.entries(kept.kv1nt)
      .map(([name, range]) => `${name} ${range}`)
      .join(', ')}`,
  );
  const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;
  report('real repo: ncu --doctor -u', mean(times.ncu), 'ms');
  report('real repo: kv1nt optimize aggressive', mean(times.kv1nt), 'ms');
  report('real repo: kv1nt / ncu --doctor', mean(times.kv1nt) / mean(times.ncu), 'x', (v) => v <= 1.2);
}
