/** A strategy: plans changes for opportunities and applies them in a sandbox. */
import type {
  AgentInfo,
  LearningInfo,
  PatternInfo,
  PluginConfig,
  PluginOptions,
  ToolResult,
} from './context.js';
import type { OpportunityType, Severity } from './detector.js';

/** How hard an optimization run pushes; `auto` is resolved to one of these first. */
export type Policy = 'conservative' | 'aggressive' | 'minimal' | 'comprehensive';

/** An open opportunity as a strategy sees it (see `kv1nt opportunities --json`). */
export interface OpportunityInfo {
  id: string;
  agentId: string;
  type: OpportunityType;
  severity: Severity;
  title: string;
  description: string;
  evidence: Record<string, unknown>;
  detector: string;
  subject: string;
  /**
   * Actions kept for it before and the closed loop's verdict on each (`no_effect`, `regressed`,
   * `inconclusive`, `confirmed`): a strategy proposes the next candidate, not one that failed.
   */
  tried?: ReadonlyArray<{
    strategy: string;
    type: string;
    target: string;
    signature: string;
    verdict: 'confirmed' | 'no_effect' | 'regressed' | 'inconclusive';
    at: string;
  }>;
}

/** What `plan` receives. Read-only, like the detector context. */
export interface StrategyContext {
  readonly agent: Readonly<AgentInfo>;
  readonly config: PluginConfig;
  /** This plugin's options (`pluginOptions[<plugin name>]`). */
  readonly options: PluginOptions;
  /** Under `aggressive` strategies take larger steps; under `conservative` only low-risk actions are kept. */
  readonly policy: Policy;
  readonly patterns: readonly PatternInfo[];
  readonly learnings: readonly LearningInfo[];
  readonly now: Date;
  /** Reports a problem that did not stop the strategy: shown in `warnings`. */
  warn(message: string): void;
}

/** What `apply` receives: the plan context plus a way to run tools inside the sandbox. */
export interface ApplyContext extends StrategyContext {
  /** The sandbox: a private copy of the agent folder. `apply` changes files here and nowhere else. */
  readonly sandboxDir: string;
  /** The candidate being tried, for an action that declares `candidates`. */
  readonly candidate?: unknown;
  /** Runs a command in the sandbox (cwd = sandboxDir unless given inside it), with a time limit. */
  run(
    command: string,
    args: readonly string[],
    options?: { timeoutMs?: number; cwd?: string },
  ): Promise<ToolResult>;
}

/** An action a strategy proposes for an opportunity: the fields kv1nt reads, plus the strategy's own. */
export interface PlannedAction {
  /** The kind of change, e.g. `param_tuning`, `write_learnings`, `dependency_upgrade`, `command`. */
  type: string;
  description: string;
  /** `conservative` keeps only `low`; defaults to `medium`. */
  risk?: 'low' | 'medium' | 'high';
  /** What the action should change, for the plan shown before anything runs. */
  expectedChange?: string;
  /**
   * Values tried in order, each in a fresh sandbox and validated by the tests; the first that
   * passes is kept. `apply` sees the one being tried as `ctx.candidate`.
   */
  candidates?: unknown[];
  /**
   * A number to search for instead of a list (see `ValueSearch`); `apply` sees each value tried as
   * `ctx.candidate`. Takes precedence over `candidates`.
   */
  search?: ValueSearch;
  /**
   * What the action changes — `param:timeoutMs`, `dependency:lodash`,
   * `file:LEARNINGS.md#kv1nt-learnings` — so that the closed loop proposes nothing else for it
   * while a change to it is being verified, and one action serves every opportunity that asks
   * for the same change. Defaults to `<strategy id>:<type>:<opportunity subject>`.
   */
  target?: string;
  /**
   * The strategy's own fields (e.g. param_tuning's `param`), JSON values, kept with the plan and
   * handed back to its `apply`. This open record is the SDK boundary: kv1nt reads only the
   * fields above.
   */
  [own: string]: unknown;
}

/**
 * The engine's search for the smallest value that passes the agent's tests, assuming the tests
 * pass from some threshold up (a time limit long enough, a token budget large enough):
 * try `start`; while it fails, step out geometrically (×2) toward `bound` (raising: `bound` above
 * `from`) or back toward `from` (lowering: `bound` below `from`, the values tried stay above
 * `start`… below `from`); once one passes, bisect between the last failing and the first passing
 * value down to `step`. At most `maxTestRuns` test runs (config `maxTestRuns`, default 6).
 */
export interface ValueSearch {
  /** The value the agent has now. */
  from: number;
  /** The first value tried: where the evidence points. */
  start: number;
  /** The declared bound in the direction of the change (max when raising, min when lowering). */
  bound: number;
  /** Values are multiples of this (else whole numbers when `from` is whole, or 6 significant digits). */
  step?: number;
}

/** Proposes and applies changes for the opportunity types it handles. */
export interface Strategy {
  id: string;
  handles: readonly OpportunityType[];
  plan(
    opportunity: Readonly<OpportunityInfo>,
    ctx: StrategyContext,
  ): PlannedAction[] | Promise<PlannedAction[]>;
  /** Changes files under `sandboxDir` only. A throw fails the action (the agent is untouched). */
  apply(action: Readonly<PlannedAction>, sandboxDir: string, ctx: ApplyContext): void | Promise<void>;
  /**
   * Optional: applies several of this strategy's actions in one go, when the engine tries them
   * together (an aggressive batch and its bisection) — e.g. one `npm install` for every upgrade
   * instead of one per package. Same rules as `apply`; a throw fails every action of the call.
   * Without it, `apply` is called for each action in turn.
   */
  applyBatch?(
    actions: ReadonlyArray<Readonly<PlannedAction>>,
    sandboxDir: string,
    ctx: ApplyContext,
  ): void | Promise<void>;
}
