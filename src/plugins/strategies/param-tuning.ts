import fs from 'node:fs';
import {
  defineStrategy,
  type OpportunityInfo,
  type PlannedAction,
  type Policy,
  type StrategyContext,
} from '../../core/sdk/index.js';
import { resolveInside } from './sandbox-file.js';

/**
 * Tunes the agent's declared `params` (a number in a JSON file of the agent folder) inside their
 * bounds:
 * - `error_pattern` that looks like a timeout (title, description, subject or evidence mention
 *   "timeout", "time out", "timed out", ETIMEDOUT or "deadline"): RAISE the params whose name or
 *   key matches TIMEOUT_PARAM (timeout, deadline, wait, ttl);
 * - `performance_degradation` and `resource_inefficiency`: LOWER the params whose name or key
 *   matches COSTLY_PARAM (max tokens, batch, concurrency, workers, threads, parallel, retries,
 *   memory, cache size, limit).
 * Each action is a search (the engine's ValueSearch): it starts where the evidence points — for a
 * timeout, the p99 of the successful durations of the operations that time out, and the longest
 * duration the failure messages name, times MARGIN — and the engine steps out toward the bound
 * and bisects back to the smallest value the agent's tests pass with.
 */

export type Direction = 'raise' | 'lower';

export interface ParamBounds {
  min: number;
  max: number;
  step?: number;
}

/** Params raised for a timeout-like error pattern. */
export const TIMEOUT_PARAM = /timeout|deadline|wait|ttl/i;
/** Params lowered when the agent is slow or uses too much memory / CPU. */
export const COSTLY_PARAM =
  /max.?tokens|batch|concurrency|workers|threads|parallel|retries|memory|cache.?size|limit/i;
/** An error pattern is about timeouts when its text says so. */
export const TIMEOUT_TEXT = /time[\s_-]?out|timed[\s_-]?out|deadline/i;

/** Head room above what the evidence shows an operation needs. */
export const MARGIN = 1.25;

/**
 * The first step when the evidence names no duration: a raise multiplies, a lower divides by it.
 * Conservative moves least, aggressive most.
 */
export const FIRST_STEP: Record<Policy, number> = {
  conservative: 1.25,
  minimal: 1.5,
  comprehensive: 1.5,
  aggressive: 2,
};

/**
 * Where the search for a param now at `current` starts: for a raise, the duration the evidence
 * names (`evidenceMs`) times MARGIN when that is above `current`, else one FIRST_STEP up; for a
 * lower, one FIRST_STEP down. Rounded like the param, inside its bounds; null when there is
 * nowhere to go (at the bound already, or at 0).
 */
export function searchStart(
  current: number,
  bounds: ParamBounds,
  direction: Direction,
  policy: Policy,
  evidenceMs: number | null = null,
): number | null {
  const stepped = direction === 'raise' ? current * FIRST_STEP[policy] : current / FIRST_STEP[policy];
  const wanted =
    direction === 'raise' && evidenceMs !== null && evidenceMs * MARGIN > current
      ? evidenceMs * MARGIN
      : stepped;
  const rounded = roundValue(wanted, current, bounds.step);
  // Rounding to the step may land on the current value: take one whole step then.
  const start = clamp(
    rounded === current && bounds.step
      ? current + (direction === 'raise' ? bounds.step : -bounds.step)
      : rounded,
    bounds,
  );
  const moves = direction === 'raise' ? start > current : start < current;
  return moves && Number.isFinite(start) ? start : null;
}

/** The longest duration the evidence of a timeout names: successful runs' p99, or the messages'. */
export function evidenceDuration(evidence: Readonly<Record<string, unknown>>): number | null {
  const values = [evidence.successP99Ms, evidence.messageMaxMs].filter(
    (v): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0,
  );
  return values.length === 0 ? null : Math.max(...values);
}

function roundValue(value: number, current: number, step: number | undefined): number {
  if (step !== undefined && step > 0) {
    // Fix the float noise of the arithmetic (0.1 * 3 = 0.30000000000000004).
    // toPrecision first, so that 0.45 / 0.1 = 4.4999… still rounds half up.
    const steps = Math.round(Number((value / step).toPrecision(12)));
    return Number((steps * step).toFixed(decimals(step)));
  }
  return Number.isInteger(current) ? Math.round(value) : Number(value.toPrecision(6));
}

function decimals(step: number): number {
  const text = String(step);
  if (text.includes('e-')) return Math.min(20, Number(text.split('e-')[1]) + 10);
  return text.split('.')[1]?.length ?? 0;
}

function clamp(value: number, { min, max }: ParamBounds): number {
  return Math.min(max, Math.max(min, value));
}

/** Which way the params move for this opportunity; null when this strategy has nothing to do. */
export function directionFor(opportunity: Readonly<OpportunityInfo>): Direction | null {
  if (opportunity.type === 'performance_degradation' || opportunity.type === 'resource_inefficiency')
    return 'lower';
  if (opportunity.type !== 'error_pattern') return null;
  const text = [
    opportunity.title,
    opportunity.description,
    opportunity.subject,
    JSON.stringify(opportunity.evidence ?? {}),
  ].join('\n');
  return TIMEOUT_TEXT.test(text) ? 'raise' : null;
}

const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);

function segments(key: string): string[] {
  const parts = key.split('.');
  if (parts.some((part) => part === '' || FORBIDDEN_SEGMENTS.has(part))) {
    throw new Error(`"${key}" is not a usable dotted key.`);
  }
  return parts;
}

/** The value at a dotted key (`model.timeoutMs`, `workers.0.threads`); undefined when absent. */
export function getDotted(root: unknown, key: string): unknown {
  let node = root;
  for (const part of segments(key)) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** Sets an existing dotted key; throws when the path to it does not exist. */
export function setDotted(root: unknown, key: string, value: unknown): void {
  const parts = segments(key);
  const last = parts.pop()!;
  const parent = parts.length === 0 ? root : getDotted(root, parts.join('.'));
  if (parent === null || typeof parent !== 'object' || !Object.hasOwn(parent, last)) {
    throw new Error(`the key "${key}" does not exist.`);
  }
  (parent as Record<string, unknown>)[last] = value;
}

/**
 * Writes `data` back in the style of `original`: its indentation (tabs or n spaces, or one line),
 * its line endings (LF or CRLF), its byte order mark and whatever whitespace ended it.
 */
export function formatJsonLike(original: string, data: unknown): string {
  const bom = original.startsWith('\uFEFF') ? '\uFEFF' : '';
  const body = original.slice(bom.length);
  const indent = /^[{[][^\S\r\n]*\r?\n([ \t]+)\S/.exec(body.trimStart())?.[1] ?? '';
  const trailing = /\s*$/.exec(body)?.[0] ?? '';
  let text = JSON.stringify(data, null, indent === '' ? undefined : indent);
  if (body.includes('\r\n')) text = text.replace(/\n/g, '\r\n');
  return bom + text + trailing;
}

/** Reads a param's current value from a JSON file under `root` (the agent folder or the sandbox). */
function readParam(root: string, file: string, key: string, name: string) {
  const target = resolveInside(root, file, `The file of param ${name}`);
  const text = fs.readFileSync(target, 'utf8');
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new Error(`${file} is not valid JSON (${(error as Error).message}).`);
  }
  return { target, text, data, value: getDotted(data, key) };
}

function planParams(opportunity: Readonly<OpportunityInfo>, ctx: StrategyContext): PlannedAction[] {
  const direction = directionFor(opportunity);
  const { agent } = ctx;
  if (direction === null || !agent.path || !agent.params) return [];
  const wanted = direction === 'raise' ? TIMEOUT_PARAM : COSTLY_PARAM;
  const evidenceMs = direction === 'raise' ? evidenceDuration(opportunity.evidence) : null;
  const actions: PlannedAction[] = [];
  for (const [name, spec] of Object.entries(agent.params).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!wanted.test(name) && !wanted.test(spec.key)) continue;
    let current: unknown;
    try {
      current = readParam(agent.path, spec.file, spec.key, name).value;
    } catch (error) {
      ctx.warn(`param ${name}: cannot read ${spec.file}: ${(error as Error).message}`);
      continue;
    }
    if (typeof current !== 'number' || !Number.isFinite(current)) {
      ctx.warn(
        `param ${name}: ${spec.key} in ${spec.file} is ${current === undefined ? 'missing' : `not a number (${JSON.stringify(current)})`}; it is not tuned.`,
      );
      continue;
    }
    if (current < spec.min || current > spec.max) {
      ctx.warn(
        `param ${name}: ${spec.key} in ${spec.file} is ${current}, outside its bounds [${spec.min}, ${spec.max}].`,
      );
    }
    const start = searchStart(current, spec, direction, ctx.policy, evidenceMs);
    if (start === null) continue;
    const bound = direction === 'raise' ? spec.max : spec.min;
    const where = spec.key === name ? `in ${spec.file}` : `(${spec.key} in ${spec.file})`;
    const why =
      evidenceMs !== null && start === roundValue(evidenceMs * MARGIN, current, spec.step)
        ? ` (the evidence shows operations needing ${Math.round(evidenceMs)} ms, ×${MARGIN})`
        : '';
    const verb = direction === 'raise' ? 'Raise' : 'Lower';
    const search = direction === 'raise' ? `stepping up toward ${bound}` : `back toward ${current}`;
    actions.push({
      type: 'param_tuning',
      description: `${verb} ${name} ${where} from ${current} to ${start}${why}; if the tests fail there, search ${search} for the smallest value they pass with: ${opportunity.title}`,
      risk: 'low',
      expectedChange: `${spec.file}: ${spec.key} ${current} → ${start} or the smallest passing value found (bounds [${spec.min}, ${spec.max}])`,
      target: `param:${name}`,
      param: name,
      file: spec.file,
      key: spec.key,
      from: current,
      direction,
      search: { from: current, start, bound, ...(spec.step === undefined ? {} : { step: spec.step }) },
    });
  }
  return actions;
}

export default defineStrategy({
  id: 'kv1nt/param-tuning',
  handles: ['error_pattern', 'performance_degradation', 'resource_inefficiency'],
  plan: planParams,
  apply(action, sandboxDir, ctx) {
    const name = String(action.param);
    // The declaration is the authority (a stored plan may be stale or edited): its file, key and bounds.
    const spec = ctx.agent.params?.[name];
    if (!spec) throw new Error(`The agent declares no param "${name}".`);
    if (action.file !== spec.file || action.key !== spec.key) {
      throw new Error(
        `The action targets ${String(action.key)} in ${String(action.file)}, but param ${name} is declared as ${spec.key} in ${spec.file}; plan again.`,
      );
    }
    const value = ctx.candidate;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new Error(`Param ${name}: the candidate ${JSON.stringify(value)} is not a number.`);
    }
    if (value < spec.min || value > spec.max) {
      throw new Error(`Param ${name}: ${value} is outside its bounds [${spec.min}, ${spec.max}].`);
    }
    const { target, text, data, value: current } = readParam(sandboxDir, spec.file, spec.key, name);
    if (typeof current !== 'number') {
      throw new Error(`Param ${name}: ${spec.key} in ${spec.file} is not a number in the sandbox.`);
    }
    setDotted(data, spec.key, value);
    fs.writeFileSync(target, formatJsonLike(text, data));
  },
});
