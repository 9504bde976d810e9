/**
 * Strategy and apply contexts for unit-testing strategies without the engine: the default
 * thresholds, deep-frozen like the host's, `warnings` to see what the strategy reported, and an
 * apply context whose `run` really runs the tool (runTool, cwd = the sandbox unless given).
 */
import { runTool } from '../../src/core/runner/run-tool.js';
import {
  DEFAULT_THRESHOLDS,
  type AgentInfo,
  type ApplyContext,
  type LearningInfo,
  type OpportunityInfo,
  type PlannedAction,
  type Policy,
  type Strategy,
  type StrategyContext,
  type Thresholds,
} from '../../src/core/sdk/types.js';
import { deepFreeze } from '../../src/core/deep-freeze.js';

export const NOW = new Date('2026-11-24T12:00:00.000Z');

export interface StrategyContextOverrides {
  agent?: Partial<AgentInfo>;
  policy?: Policy;
  learnings?: LearningInfo[];
  thresholds?: Partial<Thresholds>;
  /** Config keys besides `thresholds` (e.g. `actions`). */
  config?: Record<string, unknown>;
}

export interface TestStrategyContext extends StrategyContext {
  readonly warnings: string[];
}

export interface TestApplyContext extends ApplyContext {
  readonly warnings: string[];
}

export function makeStrategyContext(overrides: StrategyContextOverrides = {}): TestStrategyContext {
  const warnings: string[] = [];
  const context: StrategyContext = {
    agent: deepFreeze({ id: 'agent-1', ...overrides.agent }),
    config: deepFreeze({
      ...overrides.config,
      thresholds: { ...DEFAULT_THRESHOLDS, ...overrides.thresholds },
    }),
    options: deepFreeze({}),
    policy: overrides.policy ?? 'comprehensive',
    patterns: deepFreeze([]),
    learnings: deepFreeze(overrides.learnings ?? []),
    now: NOW,
    warn(message) {
      warnings.push(message);
    },
  };
  Object.defineProperty(context, 'warnings', { value: warnings, enumerable: true });
  return Object.freeze(context) as TestStrategyContext;
}

/** An apply context on a real sandbox folder; `candidate` as the engine sets it for one try. */
export function makeApplyContext(
  sandboxDir: string,
  overrides: StrategyContextOverrides & { candidate?: unknown } = {},
): TestApplyContext {
  const base = makeStrategyContext(overrides);
  const context: ApplyContext = {
    agent: base.agent,
    config: base.config,
    options: base.options,
    policy: base.policy,
    patterns: base.patterns,
    learnings: base.learnings,
    now: base.now,
    warn: (message) => base.warn(message),
    sandboxDir,
    candidate: overrides.candidate,
    run: (command, args, options) =>
      runTool(
        command,
        args,
        options?.cwd ?? sandboxDir,
        options?.timeoutMs ?? base.config.thresholds.toolTimeoutMs,
      ),
  };
  Object.defineProperty(context, 'warnings', { value: base.warnings, enumerable: true });
  return Object.freeze(context) as TestApplyContext;
}

let opportunityCount = 0;
/** An open opportunity of `type`; title, evidence… as given. */
export function opportunity(
  type: OpportunityInfo['type'],
  partial: Partial<OpportunityInfo> = {},
): OpportunityInfo {
  opportunityCount++;
  return deepFreeze({
    id: `opp_${opportunityCount}`,
    agentId: 'agent-1',
    type,
    severity: 'MEDIUM',
    title: `opportunity ${opportunityCount}`,
    description: `what opportunity ${opportunityCount} is about`,
    evidence: {},
    detector: 'test',
    subject: `subject-${opportunityCount}`,
    ...partial,
  });
}

/** Runs plan (sync or async). */
export async function plan(
  strategy: Strategy,
  opp: OpportunityInfo,
  context: StrategyContext,
): Promise<PlannedAction[]> {
  return strategy.plan(opp, context);
}

/** Runs apply (sync or async) on the context's sandbox; a throw becomes a rejection. */
export async function apply(strategy: Strategy, action: PlannedAction, context: ApplyContext): Promise<void> {
  await strategy.apply(action, context.sandboxDir, context);
}
