#!/usr/bin/env node
// `npm run demo`: the whole kv1nt cycle on the example agent in examples/, in a temporary folder
// (removed at the end unless --keep, all but the HTML report it writes last): a copy of examples/
// (optimization changes the agent's files, and the repo's copy must stay as it is) and the data
// dir. Every step is a real CLI call.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const examples = path.join(root, 'examples');
const bin = path.join(root, 'bin', 'run.js');
const keep = process.argv.includes('--keep');
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kv1nt-demo-'));
const project = path.join(home, 'examples');
const report = path.join(home, 'kv1nt-report.html');
fs.cpSync(examples, project, { recursive: true });
const env = {
  ...process.env,
  KV1NT_HOME: path.join(home, 'data'),
  // oclif's own folders (linked plugins), so the demo leaves the user's kv1nt setup alone.
  KV1NT_DATA_DIR: path.join(home, 'oclif-data'),
  KV1NT_CACHE_DIR: path.join(home, 'oclif-cache'),
  KV1NT_CONFIG_DIR: path.join(home, 'oclif-config'),
};
delete env.KV1NT_CONFIG;

const bold = (text) => (process.stdout.isTTY && !process.env.NO_COLOR ? `\x1b[1m${text}\x1b[0m` : text);

/** Git hooks in a throw-away repository with a bare remote: the pre-push gate blocks, then is skipped. */
function demoHooks() {
  const git = (cwd, ...args) =>
    spawnSync('git', ['-c', 'user.name=kv1nt demo', '-c', 'user.email=demo@example.com', ...args], {
      cwd,
      env: { ...env, GIT_CONFIG_NOSYSTEM: '1' },
      encoding: 'utf8',
    });
  if (git(home, '--version').status !== 0) {
    console.log('\n(git is not installed: the hooks part of the demo is skipped)');
    return;
  }
  const remote = path.join(home, 'remote.git');
  git(home, 'init', '-q', '--bare', remote);
  git(project, 'init', '-q', '-b', 'main');
  git(project, 'remote', 'add', 'origin', remote);
  // The gate of this repository: every declared agent must have health 90 or more to push.
  const configFile = path.join(project, '.kv1ntrc.json');
  const config = JSON.parse(fs.readFileSync(configFile, 'utf8'));
  config.hooks = {
    'pre-push': { minHealth: 90, blockOn: ['CRITICAL'] },
    'post-commit': { recordTests: false },
  };
  fs.writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);
  step('Git hooks: install the pre-push gate and the post-commit recorder', ['hooks', 'install']);
  step('Which hooks are installed', ['hooks', 'status']);
  git(project, 'add', '-A');
  git(project, 'commit', '-q', '-m', 'demo');
  console.log(
    `\n${bold('── A push while the agent is under minHealth 90 is blocked by the gate')}\n$ git push origin main`,
  );
  const blocked = git(project, 'push', '-q', 'origin', 'main');
  process.stdout.write(blocked.stderr);
  console.log(`(git push exited ${blocked.status})`);
  if (blocked.status === 0) {
    console.error('demo: expected the pre-push gate to block the push');
    process.exit(1);
  }
  console.log(
    `\n${bold("── KV1NT_SKIP_HOOKS=1 skips kv1nt's hooks")}\n$ KV1NT_SKIP_HOOKS=1 git push origin main`,
  );
  const skipped = spawnSync('git', ['push', '-q', 'origin', 'main'], {
    cwd: project,
    env: { ...env, GIT_CONFIG_NOSYSTEM: '1', KV1NT_SKIP_HOOKS: '1' },
    encoding: 'utf8',
  });
  console.log(`(git push exited ${skipped.status})`);
  if (skipped.status !== 0) {
    console.error(skipped.stderr, 'demo: expected KV1NT_SKIP_HOOKS=1 to let the push through');
    process.exit(1);
  }
}

/** The actions of an optimization result, one line each. */
function digest(result) {
  return (
    result.actions
      .map(
        (a) =>
          `  ${a.status.padEnd(12)} ${a.description}${a.candidate === undefined ? '' : ` → kept ${a.candidate}`}`,
      )
      .join('\n') + `\n  status: ${result.status} (result ${result.id})`
  );
}

function showConfig() {
  console.log(
    `  config.json now: ${fs
      .readFileSync(path.join(project, 'summarizer', 'config.json'), 'utf8')
      .replace(/\s+/g, ' ')
      .trim()}`,
  );
}

/** Feedback recorded now, through `kv1nt feedback import -`. */
function record(title, entries) {
  console.log(`\n${bold(`── ${title}`)}\n$ kv1nt feedback import - < (${entries.length} entries)`);
  const run = spawnSync(process.execPath, [bin, 'feedback', 'import', '-'], {
    cwd: project,
    env,
    input: entries.map((e) => JSON.stringify(e)).join('\n') + '\n',
    encoding: 'utf8',
  });
  process.stdout.write(run.stdout);
  if (run.status !== 0) {
    console.error(run.stderr, `\ndemo: expected exit 0, got ${run.status}`);
    process.exit(1);
  }
}

/** A step whose JSON result the demo needs (an id to roll back); prints a one-line digest. */
function capture(title, args, digest) {
  console.log(`\n${bold(`── ${title}`)}\n$ kv1nt ${args.join(' ')}`);
  const run = spawnSync(process.execPath, [bin, ...args, '--json'], { cwd: project, env, encoding: 'utf8' });
  if (run.status !== 0) {
    console.error(run.stdout, run.stderr, `\ndemo: expected exit 0, got ${run.status}`);
    process.exit(1);
  }
  const result = JSON.parse(run.stdout);
  console.log(digest(result));
  return result;
}

function step(title, args, { expectExit = 0 } = {}) {
  console.log(
    `\n${bold(`── ${title}`)}\n$ kv1nt ${args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}`,
  );
  const run = spawnSync(process.execPath, [bin, ...args], { cwd: project, env, stdio: 'inherit' });
  if (run.status !== expectExit) {
    console.error(`\ndemo: expected exit ${expectExit}, got ${run.status}`);
    process.exit(1);
  }
}

/** A week of plausible history for the agent, so the summary has something to say. */
function writeHistory(file) {
  const now = Date.now();
  const lines = [];
  for (let i = 0; i < 300; i++) {
    const timestamp = new Date(now - Math.floor((i / 300) * 6.5 * 86_400_000) - 60_000).toISOString();
    const operationId = `summarize-${1000 + i}`;
    if (i % 9 === 0) {
      lines.push({
        agentId: 'summarizer',
        operationId,
        type: 'failure',
        errorType: 'timeout',
        message: `upstream model timed out after ${2000 + (i % 7) * 100} ms on doc-${i}`,
        durationMs: 2000 + (i % 7) * 100,
        timestamp,
      });
    } else if (i % 13 === 0) {
      lines.push({
        agentId: 'summarizer',
        operationId,
        type: 'user_rating',
        rating: 2 + (i % 4),
        source: 'user',
        timestamp,
      });
    } else if (i % 5 === 0) {
      lines.push({
        agentId: 'summarizer',
        operationId,
        type: 'quality_score',
        score: 0.7 + (i % 3) / 10,
        source: 'guardian',
        timestamp,
      });
    } else {
      lines.push({
        agentId: 'summarizer',
        operationId,
        type: 'success',
        durationMs: 180 + (i % 11) * 35,
        metrics: { memoryMb: 120 + (i % 5) * 10 },
        timestamp,
      });
    }
  }
  fs.writeFileSync(file, lines.map((line) => JSON.stringify(line)).join('\n') + '\n');
  return lines.length;
}

console.log(`kv1nt demo — data dir ${home} (config: examples/.kv1ntrc.json, agent: examples/summarizer)`);
try {
  step('The agents the config declares', ['agents', 'list']);
  step('Run the agent through kv1nt: the outcome and duration are recorded', [
    'run',
    'summarizer',
    '--operation',
    'summarize-article',
    '--',
    'node',
    'summarizer/summarize.js',
    'summarizer/article.txt',
  ]);
  step(
    'A run that fails (the agent times out) is recorded as a failure, and its exit code passed on',
    [
      'run',
      'summarizer',
      '--operation',
      'summarize-long',
      '--type-on-failure',
      'timeout',
      '--',
      'node',
      'summarizer/summarize.js',
      'summarizer/article.txt',
      '--slow',
      '3000',
    ],
    { expectExit: 3 },
  );
  step('A guardian scores the quality of an answer', [
    'feedback',
    'quality',
    'summarizer',
    'summarize-article',
    '0.86',
    '--source',
    'guardian',
    '--dimension',
    'faithfulness=0.9',
    '--dimension',
    'brevity=0.8',
  ]);
  step('A user rates it', [
    'feedback',
    'rate',
    'summarizer',
    'summarize-article',
    '4',
    '--comment',
    'good, a bit long',
  ]);
  step(
    'Bad input is refused with a clear message and exit 2; nothing is written',
    ['feedback', 'success', 'summarizer', 'op-1', '--score', '1.7'],
    { expectExit: 2 },
  );
  const history = path.join(home, 'history.jsonl');
  const count = writeHistory(history);
  step(`Import a week of history (${count} entries, all or nothing)`, ['feedback', 'import', history]);
  step("The agent's summary over the last 7 days (from the aggregates, not a log scan)", [
    'summary',
    'summarizer',
  ]);
  step('Recurring patterns: failures grouped by fingerprint, operation kinds, quality, timing', [
    'patterns',
    'summarizer',
  ]);
  step('Learnings drawn from the patterns, each with what to do', ['learnings', 'summarizer']);
  step('Analyze: health score, trend and the opportunities the detectors find', ['analyze', 'summarizer']);
  step('Health with a chart of its history', ['health', 'summarizer']);
  step('The same figures for Prometheus (node_exporter textfile collector)', [
    'metrics',
    'summarizer',
    '--output',
    path.join(home, 'kv1nt.prom'),
  ]);
  step('A CI gate: exit 1 when health is under 95', ['analyze', 'summarizer', '--fail-under', '95'], {
    expectExit: 1,
  });
  step('The optimization plan, without changing anything', ['optimize', 'summarizer', '--dry-run']);
  const cycle = capture(
    'One turn of the loop: patterns → learnings → analyze → optimize (health is under optimizeBelow 90). ' +
      'aggressive tries every action at once: the timeout the evidence points at (3250 ms) is over the ' +
      "gateway's 3 s cut, so the batch fails the agent's tests; bisection keeps the learnings, and the " +
      'timeout searches alone — nothing passes above its start, so it comes back under the cut',
    ['cycle', 'summarizer', '--strategy', 'aggressive', '--yes'],
    (report) => digest(report.cycles[0].agents[0].optimization),
  );
  showConfig();
  step('Each kept change is now verified against the feedback that follows it', ['verify', 'summarizer']);
  const config = () => JSON.parse(fs.readFileSync(path.join(project, 'summarizer', 'config.json'), 'utf8'));
  const timeoutMs = config().timeoutMs;
  record(
    `40 operations after the change: no timeouts any more (the agent now waits up to ${timeoutMs} ms)`,
    Array.from({ length: 40 }, (_, i) => ({
      agentId: 'summarizer',
      operationId: `summarize-after-${i}`,
      type: 'success',
      durationMs: 200 + (i % 10) * 30,
    })),
  );
  step(
    "The verdicts: Fisher's exact test on the timeouts' share and the success rate, Mann–Whitney U on durations",
    ['verify', 'summarizer'],
  );
  record(
    'Then the upstream model slows down: 100 successful operations take 1.5 s, over the 500 ms SLA',
    Array.from({ length: 100 }, (_, i) => ({
      agentId: 'summarizer',
      operationId: `summarize-slow-${i}`,
      type: 'success',
      durationMs: 1500,
    })),
  );
  const lowered = capture(
    'kv1nt answers the slowness: fewer retries (each one waits out the time limit); the tests pass, so it is kept',
    ['optimize', 'summarizer', '--strategy', 'conservative', '--yes'],
    digest,
  );
  showConfig();
  record(
    'But with fewer retries, half of the next 40 operations fail',
    Array.from({ length: 40 }, (_, i) => ({
      agentId: 'summarizer',
      operationId: `summarize-late-${i}`,
      ...(i % 2 === 0
        ? { type: 'failure', errorType: 'upstream_unavailable' }
        : { type: 'success', durationMs: 400 }),
    })),
  );
  step('The loop sees it: regressed, and rolled back through its journal', ['verify', 'summarizer']);
  showConfig();
  if (config().retries !== 2) {
    console.error('demo: expected the regressed change to be reverted (retries back to 2)');
    process.exit(1);
  }
  step('Per action type: kept, confirmed, no effect, regressed, reverted', [
    'optimization',
    'stats',
    'summarizer',
  ]);
  step('The optimization history of the agent', ['history', 'summarizer']);
  step('One command undoes the changes of a result, byte for byte', [
    'rollback',
    cycle.cycles[0].agents[0].optimization.id,
  ]);
  showConfig();
  void lowered;
  step('A third-party plugin: link the example plugin (examples/kv1nt-plugin-example)', [
    'plugins',
    'link',
    path.join(project, 'kv1nt-plugin-example'),
    '--no-install',
  ]);
  step('Every kv1nt plugin with what it provides', ['plugins']);
  for (const [type, n] of [
    ['success', 1],
    ['failure', 2],
    ['success', 3],
    ['failure', 4],
  ])
    spawnSync(
      process.execPath,
      [
        bin,
        'feedback',
        type,
        'summarizer',
        'nightly-digest',
        ...(type === 'failure' ? ['--error-type', 'rate_limited'] : []),
        '--details',
        JSON.stringify({ run: n }),
      ],
      { cwd: project, env },
    );
  step("The plugin's detector finds what the built-ins do not: nightly-digest is flaky (2 ok, 2 failed)", [
    'analyze',
    'summarizer',
  ]);
  demoHooks();
  step('Both engines at a glance', ['status']);
  step('All-time statistics', ['stats']);
  step(
    'An HTML report: health over time with the changes and verdicts marked, failures, durations against the SLA',
    ['report', 'summarizer', '--days', '10', '--output', report],
  );
  console.log(`\nDemo complete. Open the report in a browser: ${pathToFileURL(report).href}`);
} finally {
  if (keep) console.log(`(kept ${home})`);
  else {
    // Everything goes but the report, which the last line points to.
    for (const name of fs.readdirSync(home))
      if (path.join(home, name) !== report)
        fs.rmSync(path.join(home, name), { recursive: true, force: true });
    if (!fs.existsSync(report)) fs.rmSync(home, { recursive: true, force: true });
  }
}
