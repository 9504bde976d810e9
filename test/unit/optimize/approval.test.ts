import { describe, expect, it } from 'vitest';
import { decideApproval } from '../../../src/core/optimize/approval.js';
import type { OptimizationPlan } from '../../../src/core/optimize/plan.js';
import { processRunner, type ProcessRunner, type TestRun } from '../../../src/core/runner/runner.js';
import { tempDir } from '../../helpers/cli.js';

const plan: OptimizationPlan = {
  id: 'plan-1',
  agentId: 'a1',
  strategy: 'auto',
  policy: 'conservative',
  policyReason: 'test',
  status: 'running',
  createdAt: '2026-01-01T00:00:00.000Z',
  healthBefore: null,
  actions: [],
  skipped: [],
  verifying: [],
  approvedAt: null,
  approvedBy: null,
};

/** A runner that answers every test run with `run` and remembers what it was asked. */
function fakeRunner(run: TestRun): ProcessRunner & { asked: Array<{ command: string; input?: string }> } {
  const asked: Array<{ command: string; input?: string }> = [];
  return {
    asked,
    runTests: (command, options) => {
      asked.push({ command, ...(options.input === undefined ? {} : { input: options.input }) });
      return Promise.resolve(run);
    },
    runTool: () => Promise.reject(new Error('no tool runs here')),
  };
}

const options = (runner: ProcessRunner, command: string) => ({
  yes: false,
  preApproved: false,
  command: { command, timeoutMs: 1000 },
  interactive: false,
  cwd: tempDir(),
  runner,
});

describe('decideApproval with an approval command', () => {
  it('does not approve when the command timed out, even if it then exited 0 (one "passed" rule)', async () => {
    const runner = fakeRunner({
      status: 'timed_out',
      exitCode: 0,
      signal: null,
      timedOut: true,
      durationMs: 1000,
      outputTail: '',
      logFile: null,
    });
    const decision = await decideApproval(plan, [], options(runner, 'approve-it'));
    expect(decision).toEqual({
      approved: false,
      source: 'command',
      detail: 'not approved: the approval command timed out after 1000 ms',
    });
    expect(runner.asked.map((a) => a.command)).toEqual(['approve-it']);
    expect(JSON.parse(runner.asked[0]?.input ?? 'null')).toEqual(plan);
  });

  it('approves when the real command reads the plan and exits 0', async () => {
    const command = `node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>process.exit(JSON.parse(s).id==='plan-1'?0:1))"`;
    const decision = await decideApproval(plan, [], {
      ...options(processRunner, command),
      command: { command },
    });
    expect(decision).toEqual({
      approved: true,
      source: 'command',
      detail: `approved by the approval command (${command})`,
    });
  });
});

describe("decideApproval after optimize -i's checklist", () => {
  const refusing = (): ProcessRunner =>
    fakeRunner({
      status: 'failed',
      exitCode: 3,
      signal: null,
      timedOut: false,
      durationMs: 5,
      outputTail: '',
      logFile: null,
    });
  const base = { yes: false, preApproved: false, interactive: true, cwd: tempDir(), runner: refusing() };

  it('takes the tick as the approval at the prompt, without asking again', async () => {
    expect(await decideApproval(plan, [], { ...base, chosen: true })).toEqual({
      approved: true,
      source: 'prompt',
      detail: 'approved by choosing it in the checklist (-i)',
    });
  });

  it('lets --yes, kv1nt approve and the approval command decide first', async () => {
    expect(await decideApproval(plan, [], { ...base, chosen: true, yes: true })).toMatchObject({
      source: 'flag',
    });
    expect(await decideApproval(plan, [], { ...base, chosen: true, preApproved: true })).toMatchObject({
      source: 'approve_command',
    });
    const command = { command: 'refuse', timeoutMs: 1000 };
    expect(await decideApproval(plan, [], { ...base, chosen: true, command })).toMatchObject({
      approved: false,
      source: 'command',
    });
  });
});
