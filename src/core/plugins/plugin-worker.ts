import { Worker, type MessagePort } from 'node:worker_threads';
import type { ToolResult } from '../sdk/types.js';
import { PluginTimeoutError } from './plugin-timeout.js';
import { PLUGIN_WORKER_SOURCE } from './plugin-worker-source.js';

/** Which list of the plugin object a component is in, as its module exports it. */
export type ComponentKind = 'detectors' | 'learningGenerators' | 'strategies';

/** A component of a plugin module, found again by id when the worker loads the module. */
export interface ComponentRef {
  modulePath: string;
  kind: ComponentKind;
  id: string;
}

/** The host's side of a context: its data crosses as a clone, `warn` and `run` are relayed. */
export interface HostContext {
  warn(message: string): void;
  run?(
    command: string,
    args: readonly string[],
    options?: { timeoutMs?: number; cwd?: string },
  ): Promise<ToolResult>;
}

/** How long an idle worker is kept for the component's next call (a learnings run calls a generator per pattern). */
const IDLE_MS = 2000;

/**
 * Calls `method` of a plugin component in a worker thread of its own: the module is loaded again
 * there, the arguments and the context's data cross as structured clones (`ctx.run` and `ctx.warn`
 * are relayed to the host as messages), and at the time limit the thread is terminated — which
 * also stops a component stuck in a synchronous loop, something a promise race cannot do. The
 * plugin never sees kv1nt's store objects. What it prints goes to stderr, so `--json` keeps stdout
 * to one document. A worker that answered is kept a moment for the component's next call.
 */
export function callInWorker(
  ref: ComponentRef,
  method: string,
  args: readonly unknown[],
  ctx: HostContext,
  timeoutMs: number,
): Promise<unknown> {
  const key = `${ref.modulePath}\0${ref.kind}\0${ref.id}`;
  const worker = acquire(key);
  const callId = nextCall++;
  return new Promise((resolve, reject) => {
    let settled = false;
    // A worker that answered (a result, or the plugin's own error) is kept for the next call; one
    // that timed out, crashed or stopped is terminated.
    const finish = (error: Error | null, value?: unknown, answered = error === null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      if (answered) release(key, worker);
      else void worker.terminate();
      if (error) reject(error);
      else resolve(value);
    };
    const onMessage = (message: WorkerMessage) => {
      if (message.kind === 'output') {
        process.stderr.write(message.text);
        return;
      }
      if (message.callId !== callId) return;
      switch (message.kind) {
        case 'run':
          void relayRun(ctx, message).then((result) => {
            if (!settled) worker.postMessage({ kind: 'runResult', callId, runId: message.runId, result });
          });
          break;
        case 'fetch':
          answerFetch(ctx, message);
          break;
        case 'warn':
          if (!settled) ctx.warn(message.message);
          break;
        case 'done':
          finish(null, message.value);
          break;
        case 'error':
          finish(new Error(message.message), undefined, true);
          break;
      }
    };
    const onError = (error: Error) => finish(error);
    const onExit = (code: number) =>
      finish(new Error(`its worker stopped (exit code ${code}) before ${method}() returned`));
    const timer = setTimeout(() => finish(new PluginTimeoutError(timeoutMs)), timeoutMs);
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    try {
      worker.postMessage({
        kind: 'call',
        callId,
        ref,
        method,
        args,
        ...contextData(ctx),
        hasRun: typeof ctx.run === 'function',
      });
    } catch (error) {
      finish(new Error(`${method}() cannot be given its arguments (${(error as Error).message})`));
    }
  });
}

let nextCall = 0;
const idle = new Map<string, Array<{ worker: Worker; timer: NodeJS.Timeout }>>();

function acquire(key: string): Worker {
  const kept = idle.get(key)?.pop();
  if (kept) {
    clearTimeout(kept.timer);
    return kept.worker;
  }
  const worker = new Worker(PLUGIN_WORKER_SOURCE, { eval: true });
  // An idle worker never keeps kv1nt alive (its listeners are off between calls); a call in flight
  // does, through its timer.
  worker.unref();
  return worker;
}

function release(key: string, worker: Worker): void {
  const list = idle.get(key) ?? [];
  idle.set(key, list);
  const entry = {
    worker,
    timer: setTimeout(() => {
      list.splice(list.indexOf(entry), 1);
      void worker.terminate();
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

interface RunMessage {
  kind: 'run';
  callId: number;
  runId: number;
  command: string;
  args: string[];
  options?: { timeoutMs?: number; cwd?: string };
}

interface FetchMessage {
  kind: 'fetch';
  callId: number;
  key: string;
  port: MessagePort;
  signal: Int32Array;
}

/** Puts the value of a lazy context field on the worker's port, then wakes the waiting worker. */
function answerFetch(ctx: HostContext, { key, port, signal }: FetchMessage): void {
  try {
    port.postMessage({ value: (ctx as unknown as Record<string, unknown>)[key] });
  } catch (error) {
    port.postMessage({ error: error instanceof Error ? error.message : String(error) });
  } finally {
    port.close();
    Atomics.store(signal, 0, 1);
    Atomics.notify(signal, 0);
  }
}

type WorkerMessage =
  | RunMessage
  | FetchMessage
  | { kind: 'output'; text: string }
  | { kind: 'warn'; callId: number; message: string }
  | { kind: 'done'; callId: number; value: unknown }
  | { kind: 'error'; callId: number; message: string };

/**
 * The context's data as plain JSON (functions dropped: a config from kv1nt.config.js may hold
 * some; dates as ISO strings), and the names of its getters, which stay lazy: the window's
 * feedback is read from the log, and copied into the worker, only if the plugin reads it.
 */
function contextData(ctx: HostContext): { context: Record<string, unknown>; lazy: string[] } {
  const context: Record<string, unknown> = {};
  const lazy: string[] = [];
  for (const [key, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(ctx))) {
    if (descriptor.get) lazy.push(key);
    else if (typeof descriptor.value !== 'function') context[key] = descriptor.value;
  }
  return { context: JSON.parse(JSON.stringify(context)) as Record<string, unknown>, lazy };
}
