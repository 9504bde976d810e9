import type { Duplex } from 'node:stream';
import type { FeedbackWindow } from '../feedback/window.js';
import type { ToolResult } from '../sdk/types.js';
import { spawnChild, type ChildProcess } from '../runner/spawn.js';
import { LineChannel, type AnyMessage } from './line-channel.js';
import { bundledScript } from '../bundled-script.js';
import { PluginTimeoutError } from './plugin-timeout.js';
import {
  readPluginMessage,
  type ComponentKind,
  type DoneMessage,
  type FeedbackReadMessage,
  type HostMessage,
  type HostRequest,
  type PluginMessage,
  type RunMessage,
  type RunResultMessage,
  type WarnMessage,
} from './protocol.js';
import { RESULT_LIMITS } from './result-limits.js';

export type { ComponentKind };

/** A component of a plugin module, found again by id in the plugin process. */
export interface ComponentRef {
  modulePath: string;
  kind: ComponentKind;
  id: string;
}

/** Where `ctx.feedback` of a host context is read from (the plugin process reads it itself). */
export const FEEDBACK_WINDOW: unique symbol = Symbol('kv1nt.feedbackWindow');

/** Told when a plugin process has read `ctx.feedback` of a host context. */
export const FEEDBACK_READ: unique symbol = Symbol('kv1nt.feedbackRead');

/** The host's side of a context: its data crosses as JSON, `warn` and `run` are relayed. */
export interface HostContext {
  warn(message: string): void;
  run?(
    command: string,
    args: readonly string[],
    options?: { timeoutMs?: number; cwd?: string },
  ): Promise<ToolResult>;
  [FEEDBACK_WINDOW]?: FeedbackWindow;
  [FEEDBACK_READ]?: () => void;
}

/** What a call answered: the value (bounded items for a list), and what the bounding left out. */
export interface PluginAnswer {
  value: unknown;
  notes: string[];
}

/** The largest message kv1nt reads from a plugin process: a whole bounded result, and room around it. */
const MAX_MESSAGE_BYTES = RESULT_LIMITS.callBytes + 1024 * 1024;
/** How long an idle plugin process is kept for the next call (a learnings run calls a generator per pattern). */
const IDLE_MS = 5000;
/**
 * The plugin process's young generation, fixed at 64 MiB a semi-space (Node's default starts at
 * 1 MiB and grows to 16 MiB): the entries of a big window (333 k, ≈ 30 MB) are made without a
 * scavenge copying them again and again — a third of the read's time, measured. The memory is
 * taken only as it is used.
 */
const YOUNG_GENERATION = ['--min-semi-space-size=64', '--max-semi-space-size=64'];
/** `ctx.warn` calls kept per call, and characters per warning. */
const WARNINGS_PER_CALL = 100;
const WARNING_CHARS = 2000;

/**
 * Loads a plugin module in a plugin process and returns its description (plugin-description.ts):
 * its top-level code never runs in kv1nt's process. The process is kept for the plugin's first call.
 */
export async function describeInPluginProcess(modulePath: string, limitMs: number): Promise<unknown> {
  loadLimits.set(modulePath, limitMs);
  const child = PluginProcess.start(modulePath);
  const plugin = await loaded(child, limitMs);
  release(child);
  return plugin;
}

/** The module's description once a process has loaded it, under the load limit; else the process is stopped. */
async function loaded(child: PluginProcess, limitMs: number): Promise<unknown> {
  try {
    return (await child.request({ kind: 'describe' }, limitMs, 'the module was loaded', () => undefined))
      .plugin;
  } catch (error) {
    child.stop();
    throw error;
  }
}

/**
 * Calls `method` of a plugin component in a plugin process (see child/main.ts): arguments and the
 * context's data cross as JSON, `ctx.run` and `ctx.warn` come back as messages, and at the time
 * limit the process is killed — which also stops a component stuck in a synchronous loop. A process
 * that answered (a result, or the plugin's own error) is kept a moment for the next call of the
 * same module; one that timed out, died or sent garbage is gone. `writeDir` (a strategy's sandbox,
 * for `apply`) is the only folder the call may write to; such a process is used once.
 */
export async function callInPluginProcess(
  ref: ComponentRef,
  call: { method: string; args: readonly unknown[]; ctx: HostContext; itemNoun?: string | undefined },
  limitMs: number,
  writeDir?: string,
): Promise<PluginAnswer> {
  const { child, fresh } = acquire(ref.modulePath, writeDir);
  // A new process loads the module first, under the limit its first load had: the call's own
  // limit is for the call, not for starting Node and running the module's top level.
  if (fresh) await loaded(child, loadLimits.get(ref.modulePath) ?? limitMs);
  const { ctx } = call;
  let warned = 0;
  let answer: DoneMessage;
  try {
    answer = await child.request(
      {
        kind: 'call',
        component: { kind: ref.kind, id: ref.id },
        method: call.method,
        args: call.args,
        ...contextData(ctx),
        hasRun: typeof ctx.run === 'function',
        ...(call.itemNoun === undefined ? {} : { itemNoun: call.itemNoun }),
      },
      limitMs,
      `${call.method}() returned`,
      (message, reply) => {
        if (message.kind === 'warn') {
          warned += 1;
          if (warned <= WARNINGS_PER_CALL) ctx.warn(message.message.slice(0, WARNING_CHARS));
        } else if (message.kind === 'feedbackRead') {
          ctx[FEEDBACK_READ]?.();
        } else if (message.kind === 'run') {
          void relayRun(ctx, message).then((result) =>
            reply({ kind: 'runResult', runId: message.runId, result }),
          );
        }
      },
    );
  } finally {
    if (warned > WARNINGS_PER_CALL)
      ctx.warn(
        `${warned - WARNINGS_PER_CALL} more warnings were left out (limit: ${WARNINGS_PER_CALL} per call)`,
      );
    // A process that answered, even with the plugin's own error, is kept; a sandbox's is not.
    if (writeDir === undefined) release(child);
    else child.stop();
  }
  if (answer.items) {
    const notes = answer.notes ?? [];
    return { value: answer.items, notes: notes.map((note) => note.slice(0, WARNING_CHARS)) };
  }
  return { value: answer.undefined === true ? undefined : answer.value, notes: [] };
}

type Reply = (message: Omit<RunResultMessage, 'callId'>) => void;
type Listener = (event: { message?: PluginMessage; ended?: string }) => void;

/** One plugin process, answering one request at a time. */
class PluginProcess {
  private listener: Listener | undefined;
  private ended: string | undefined;
  private nextCall = 0;

  private readonly channel: LineChannel<AnyMessage, HostMessage>;

  private constructor(
    readonly modulePath: string,
    private readonly child: ChildProcess,
  ) {
    this.channel = new LineChannel(child.stdio[3] as Duplex, MAX_MESSAGE_BYTES, {
      message: (raw) => {
        const message = readPluginMessage(raw);
        if (message) this.listener?.({ message });
      },
      invalid: (reason) => {
        this.end(`its process sent ${reason}`);
        this.stop();
      },
      closed: () => undefined,
    });
    child.on('error', (error) => this.end(`its process could not start: ${error.message}`));
    child.on('exit', (code, signal) => {
      live.delete(child);
      this.end(`its process ended (${signal ?? `exit code ${code}`})`);
    });
    // Idle, it never keeps kv1nt alive; a request in flight does, through its timer.
    child.unref();
    (child.stdio[3] as Duplex & { unref?: () => void }).unref?.();
  }

  static start(modulePath: string, writeDir?: string): PluginProcess {
    const env = { ...process.env };
    // The user's NODE_OPTIONS (an --inspect port, a --require) are for kv1nt, not for its plugins.
    delete env.NODE_OPTIONS;
    const child = spawnChild(
      process.execPath,
      [...permissionFlags(writeDir), ...YOUNG_GENERATION, bundledScript('plugin-process.cjs'), modulePath],
      {
        stdio: ['ignore', 2, 2, 'pipe'],
        env,
      },
    );
    live.add(child);
    return new PluginProcess(modulePath, child);
  }

  get alive(): boolean {
    return this.ended === undefined;
  }

  /**
   * Sends a request and settles with its `done` message, or rejects with the plugin's error, a
   * time-out (the process is killed), or the process's end. `during` names what was awaited.
   */
  request(
    body: HostRequest,
    limitMs: number,
    during: string,
    handle: (message: RunMessage | WarnMessage | FeedbackReadMessage, reply: Reply) => void,
  ): Promise<DoneMessage> {
    const callId = this.nextCall++;
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (error: Error | undefined, answer?: DoneMessage) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.listener = undefined;
        if (error) reject(error);
        else resolve(answer!);
      };
      const timer = setTimeout(() => {
        this.stop();
        finish(new PluginTimeoutError(limitMs));
      }, limitMs);
      this.listener = ({ message, ended }) => {
        if (ended !== undefined) return finish(new Error(`${ended} before ${during}`));
        if (!message || message.callId !== callId) return;
        if (message.kind === 'done') finish(undefined, message);
        else if (message.kind === 'error') finish(new Error(message.message.slice(0, WARNING_CHARS)));
        else
          handle(message, (reply) => {
            if (!settled) this.channel.send({ ...reply, callId });
          });
      };
      if (this.ended !== undefined) return finish(new Error(`${this.ended} before ${during}`));
      this.channel.send({ ...body, callId });
    });
  }

  /** Kills the process (a time-out, an idle one, a sandbox's after its call). */
  stop(): void {
    this.ended ??= 'its process was stopped';
    this.child.kill('SIGKILL');
    this.channel.close();
  }

  private end(reason: string): void {
    if (this.ended !== undefined) return;
    this.ended = reason;
    this.listener?.({ ended: reason });
  }
}

/** Node's permission model: read anything, write nowhere but `writeDir`, start no process or thread. */
function permissionFlags(writeDir: string | undefined): string[] {
  const known = process.allowedNodeEnvironmentFlags;
  if (writeDir?.includes(','))
    // Node reads a comma as a separator of paths: `/a,b` would grant `/a`.
    throw new Error(`cannot give write access to ${writeDir}: its path has a comma`);
  return [
    known.has('--permission') ? '--permission' : '--experimental-permission',
    '--allow-fs-read=*',
    ...(writeDir === undefined ? [] : [`--allow-fs-write=${writeDir}`]),
    known.has('--disable-warning') ? '--disable-warning=ExperimentalWarning' : '--no-warnings',
  ];
}

const idle = new Map<string, Array<{ process: PluginProcess; timer: NodeJS.Timeout }>>();
/** The time limit each module was first loaded with (pluginTimeoutMs), for loading it again. */
const loadLimits = new Map<string, number>();
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** An idle process that has loaded the module, else a new one (`fresh`). */
function acquire(modulePath: string, writeDir: string | undefined): { child: PluginProcess; fresh: boolean } {
  if (writeDir !== undefined) return { child: PluginProcess.start(modulePath, writeDir), fresh: true };
  const list = idle.get(modulePath) ?? [];
  for (let kept = list.pop(); kept; kept = list.pop()) {
    clearTimeout(kept.timer);
    if (kept.process.alive) return { child: kept.process, fresh: false };
  }
  return { child: PluginProcess.start(modulePath), fresh: true };
}

function release(plugin: PluginProcess): void {
  if (!plugin.alive) return;
  const list = idle.get(plugin.modulePath) ?? [];
  idle.set(plugin.modulePath, list);
  const entry = {
    process: plugin,
    timer: setTimeout(() => {
      list.splice(list.indexOf(entry), 1);
      plugin.stop();
    }, IDLE_MS).unref(),
  };
  list.push(entry);
}

async function relayRun(ctx: HostContext, message: RunMessage): Promise<ToolResult> {
  try {
    if (!ctx.run) throw new Error('this context cannot run tools');
    return await ctx.run(message.command, message.args, message.options);
  } catch (error) {
    return {
      exitCode: null,
      stdout: '',
      stderr: '',
      timedOut: false,
      error: error instanceof Error ? error.message : String(error),
    };
  }
}

/**
 * The context's data as JSON (functions dropped: a config from kv1nt.config.js may hold some; a
 * getter read now), and where `feedback` is read from: the plugin process reads the window itself,
 * and only if the plugin reads `ctx.feedback`.
 */
function contextData(ctx: HostContext): {
  context: Record<string, unknown>;
  feedbackWindow?: FeedbackWindow;
} {
  const window = ctx[FEEDBACK_WINDOW];
  const context: Record<string, unknown> = {};
  for (const [key, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(ctx))) {
    if (descriptor.get) {
      if (!(key === 'feedback' && window)) context[key] = Reflect.get(ctx, key) as unknown;
    } else if (typeof descriptor.value !== 'function') context[key] = descriptor.value;
  }
  return {
    context: JSON.parse(JSON.stringify(context)) as Record<string, unknown>,
    ...(window ? { feedbackWindow: window } : {}),
  };
}
