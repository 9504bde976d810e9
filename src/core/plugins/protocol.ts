import type { FeedbackWindow } from '../feedback/window.js';
import type { ToolResult } from '../sdk/types.js';

/**
 * The messages between kv1nt (plugin-process.ts) and a plugin process (child/main.ts), one JSON
 * line each over fd 3 (line-channel.ts). kv1nt sends one request at a time; the plugin process
 * answers it with any number of `run` and `warn` messages, then one `done` or `error`.
 */

/** Which list of the plugin object a component is in, as its module exports it. */
export type ComponentKind = 'detectors' | 'learningGenerators' | 'strategies';

/** kv1nt → plugin process: the plugin as data (plugin-description.ts). */
export interface DescribeRequest {
  kind: 'describe';
  callId: number;
}

/** kv1nt → plugin process: call a component's method. */
export interface CallRequest {
  kind: 'call';
  callId: number;
  component: { kind: ComponentKind; id: string };
  method: string;
  args: readonly unknown[];
  /** The context's data as JSON (`now` as an ISO string). */
  context: Record<string, unknown>;
  /** Where `ctx.feedback` is read from, when the context has one. */
  feedbackWindow?: FeedbackWindow;
  hasRun: boolean;
  /** Set for a method that returns a list of items (findings, learnings, actions). */
  itemNoun?: string;
}

/** kv1nt → plugin process: the answer to a `run` message (ctx.run, done by kv1nt). */
export interface RunResultMessage {
  kind: 'runResult';
  callId: number;
  runId: number;
  result: ToolResult;
}

export type HostMessage = DescribeRequest | CallRequest | RunResultMessage;

/** A request as the host builds it: the channel numbers it. */
export type HostRequest = Omit<DescribeRequest, 'callId'> | Omit<CallRequest, 'callId'>;

/** Plugin process → kv1nt: run a tool for the component (a plugin process may not start one). */
export interface RunMessage {
  kind: 'run';
  callId: number;
  runId: number;
  command: string;
  args: string[];
  options: { timeoutMs?: number; cwd?: string };
}

export interface WarnMessage {
  kind: 'warn';
  callId: number;
  message: string;
}

/** Plugin process → kv1nt: the component read `ctx.feedback` (kv1nt then makes column sidecars for next time). */
export interface FeedbackReadMessage {
  kind: 'feedbackRead';
  callId: number;
}

/**
 * Plugin process → kv1nt: the request is answered. `plugin` answers a describe; `items` and `notes`
 * a call of a method that returns a list (bounded, see result-limits.ts); `value` or `undefined` a
 * call of any other method (a stand-in for what it returned).
 */
export interface DoneMessage {
  kind: 'done';
  callId: number;
  plugin?: unknown;
  items?: unknown[];
  notes?: string[];
  value?: unknown;
  undefined?: true;
}

export interface ErrorMessage {
  kind: 'error';
  callId: number;
  message: string;
}

export type PluginMessage = RunMessage | WarnMessage | FeedbackReadMessage | DoneMessage | ErrorMessage;

/**
 * A message from a plugin process, as kv1nt reads it: its fields are checked, not trusted (the
 * plugin's own code runs in that process and could write anything to the pipe). Unknown kinds and
 * messages without a numeric callId are undefined (ignored).
 */
export function readPluginMessage(raw: Record<string, unknown>): PluginMessage | undefined {
  const callId = raw.callId;
  if (typeof callId !== 'number') return undefined;
  switch (raw.kind) {
    case 'warn':
      return { kind: 'warn', callId, message: String(raw.message) };
    case 'error':
      return { kind: 'error', callId, message: String(raw.message) };
    case 'feedbackRead':
      return { kind: 'feedbackRead', callId };
    case 'run':
      return { kind: 'run', callId, runId: Number(raw.runId), ...runOf(raw) };
    case 'done':
      return doneOf(raw, callId);
    default:
      return undefined;
  }
}

function doneOf(raw: Record<string, unknown>, callId: number): DoneMessage {
  return {
    kind: 'done',
    callId,
    ...('plugin' in raw ? { plugin: raw.plugin } : {}),
    ...(Array.isArray(raw.items) ? { items: raw.items } : {}),
    // The plugin process writes a few notes (one per kind of cut); more would not come from kv1nt's side.
    ...(Array.isArray(raw.notes) ? { notes: raw.notes.slice(0, 20).map(String) } : {}),
    ...('value' in raw ? { value: raw.value } : {}),
    ...(raw.undefined === true ? { undefined: true as const } : {}),
  };
}

function runOf(raw: Record<string, unknown>): Pick<RunMessage, 'command' | 'args' | 'options'> {
  const options = (raw.options ?? {}) as { timeoutMs?: unknown; cwd?: unknown };
  return {
    command: String(raw.command),
    args: Array.isArray(raw.args) ? raw.args.map(String) : [],
    options: {
      ...(typeof options.timeoutMs === 'number' ? { timeoutMs: options.timeoutMs } : {}),
      ...(typeof options.cwd === 'string' ? { cwd: options.cwd } : {}),
    },
  };
}
