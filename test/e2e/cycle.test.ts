import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cliEnv, snapshot } from '../helpers/cli.js';
import { project, readConfig, testWhen, type ResultJson } from '../helpers/agent-project.js';

describe('kv1nt cycle', () => {
  it('runs patterns → learnings → analyze → optimize when health is under optimizeBelow', () => {
    const { bot, cli } = project(testWhen('t >= 1000'), { learningsFile: 'LEARNINGS.md' });
    const run = cli(['cycle', 'bot', '--yes', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const report = run.json<{
      cycles: Array<{
        agents: Array<{
          agentId: string;
          patterns: number;
          learnings: number;
          healthScore: number;
          optimized: boolean;
          optimization: ResultJson;
        }>;
      }>;
    }>();
    const [step] = report.cycles[0]!.agents;
    expect(step).toMatchObject({ agentId: 'bot', optimized: true });
    expect(step!.patterns).toBeGreaterThan(0);
    expect(step!.learnings).toBeGreaterThan(0);
    expect(step!.healthScore).toBeLessThan(80);
    expect(step!.optimization.status).toBe('applied');
    expect(readConfig(bot).timeoutMs).toBeGreaterThan(2000);
    expect(fs.readFileSync(path.join(bot, 'LEARNINGS.md'), 'utf8')).toMatch(/kv1nt:learnings:start/);
  });

  it('does not optimize a healthy agent, and refuses neither/both of agent and --all', () => {
    const { bot, cli } = project(testWhen('true'), {}, { optimizeBelow: 0 });
    const before = snapshot(bot);
    const report = cli(['cycle', '--all', '--json']).json<{
      cycles: Array<{ agents: Array<{ optimized: boolean; reason: string }> }>;
    }>();
    expect(report.cycles[0]!.agents[0]).toMatchObject({
      optimized: false,
      reason: expect.stringMatching(/not under optimizeBelow 0/) as unknown,
    });
    expect(snapshot(bot)).toEqual(before);
    expect(cli(['cycle']).code).toBe(2);
    expect(cli(['cycle', 'bot', '--all']).code).toBe(2);
    expect(cli(['cycle', 'bot', '--interval', 'soon']).code).toBe(2);
  });

  it('--interval repeats until SIGTERM, finishing the step in flight', async () => {
    const { data, dir } = project(testWhen('true'), {}, { optimizeBelow: 0 });
    const child = spawn(process.execPath, [BIN, 'cycle', 'bot', '--interval', '1s', '--json'], {
      cwd: dir,
      env: cliEnv(data),
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const report = JSON.parse(stdout) as { cycles: unknown[]; stoppedBy: string };
    expect(report.stoppedBy).toBe('SIGTERM');
    expect(report.cycles.length).toBeGreaterThanOrEqual(2);
  }, 20_000);
});

/** Runs the CLI on a pseudo-terminal (util-linux `script`), typing `keys` after `delayMs`. */
function onTerminal(cwd: string, data: string, args: string[], keys: string, delayMs = 1500) {
  const command = [process.execPath, BIN, ...args].map((a) => `'${a}'`).join(' ');
  return spawnSync(
    'sh',
    ['-c', `(sleep ${delayMs / 1000}; printf '${keys}'; sleep 5) | script -qec "${command}" /dev/null`],
    {
      cwd,
      env: cliEnv(data),
      encoding: 'utf8',
      timeout: 30_000,
    },
  );
}

const hasScript = spawnSync('script', ['--version']).status === 0;

describe.skipIf(!hasScript)('kv1nt optimize on a terminal', () => {
  it('asks before a HIGH action, and shows which step runs', () => {
    const { dir, data, bot } = project(testWhen('t >= 1000'));
    const declined = onTerminal(dir, data, ['optimize', 'bot', '--strategy', 'conservative'], 'n\\r');
    expect(declined.stdout).toMatch(/These actions need approval/);
    expect(declined.stdout).toMatch(/declined at the prompt/);
    expect(declined.stdout).toMatch(/Status: pending_approval/);
    expect(readConfig(bot).timeoutMs).toBe(2000);

    const approved = onTerminal(dir, data, ['optimize', 'bot', '--strategy', 'conservative'], 'y\\r');
    expect(approved.stdout).toMatch(/approved at the prompt/);
    expect(approved.stdout).toMatch(/running the tests/);
    expect(approved.stdout).toMatch(/Status: applied/);
    expect(readConfig(bot).timeoutMs).toBeGreaterThan(2000);
  }, 60_000);
});
