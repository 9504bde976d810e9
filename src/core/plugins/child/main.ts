/**
 * The plugin process: the only place a file plugin's code runs. kv1nt starts it (see
 * plugin-process.ts) as `node <permission flags> plugin-process.cjs <module>`, with read-only file
 * access (write access to a strategy's sandbox for `apply`), no child processes, no workers, no
 * addons, and this pipe on fd 3 as its only link to kv1nt. It imports the module at once, then
 * answers requests, one at a time:
 *
 * kv1nt → here: {kind:'describe', callId}: the plugin as data (plugin-description.ts);
 *   {kind:'call', callId, component:{kind, id}, method, args, context, feedbackWindow?, hasRun,
 *   itemNoun?}: calls the component; {kind:'runResult', runId, result} answers a tool run.
 * here → kv1nt: {kind:'run', callId, runId, command, args, options} (ctx.run, done by kv1nt),
 *   {kind:'warn', callId, message}, then one {kind:'done', callId, …} or {kind:'error', callId,
 *   message}. A result of items (`itemNoun` set) is bounded here before it is sent
 *   (result-limits.ts), as `items` and `notes`.
 *
 * What the plugin prints goes to kv1nt's stderr (fd 1 and 2 are kv1nt's fd 2). The process ends
 * when kv1nt closes the pipe.
 */
import net from 'node:net';
import { pathToFileURL } from 'node:url';
import { deepFreeze } from '../../deep-freeze.js';
import { LineChannel } from '../line-channel.js';
import { describePlugin } from '../plugin-description.js';
import { boundItems } from '../result-limits.js';
import { contextOf, type CallMessage } from './context.js';

// No signals to other processes (kv1nt's own included): the permission model does not cover them.
for (const name of ['kill', '_kill'] as const) {
  Object.defineProperty(process, name, {
    value: () => {
      throw Object.assign(new Error('a kv1nt plugin may not send signals'), { code: 'ERR_ACCESS_DENIED' });
    },
    writable: false,
    configurable: false,
  });
}

const modulePath = process.argv[2] ?? '';
const loading: Promise<unknown> = import(pathToFileURL(modulePath).href).then(
  (module: { default?: unknown }) => module.default,
);
// Reported when a request asks; never an unhandled rejection before that.
loading.catch(() => undefined);

const pendingRuns = new Map<number, (result: unknown) => void>();
const channel = new LineChannel(new net.Socket({ fd: 3, readable: true, writable: true }), Infinity, {
  message(message) {
    if (message.kind === 'describe') void describe(Number(message.callId));
    else if (isCallMessage(message)) void call(message);
    else if (message.kind === 'runResult') {
      const resolve = pendingRuns.get(Number(message.runId));
      pendingRuns.delete(Number(message.runId));
      resolve?.(message.result);
    }
  },
  invalid: () => process.exit(1),
  closed: () => process.exit(0),
});

async function describe(callId: number): Promise<void> {
  try {
    channel.send({ kind: 'done', callId, plugin: describePlugin(await loading) });
  } catch (error) {
    channel.send({ kind: 'error', callId, message: explain(error) });
  }
}

/** A call from kv1nt's host: checked, since the line came through a socket. */
function isCallMessage(message: Record<string, unknown>): message is Record<string, unknown> & CallMessage {
  return (
    message.kind === 'call' &&
    typeof message.callId === 'number' &&
    typeof message.method === 'string' &&
    Array.isArray(message.args)
  );
}

async function call(message: CallMessage): Promise<void> {
  const { callId, component, method, args, itemNoun } = message;
  try {
    const target = await find(component.kind, component.id);
    const fn = target[method];
    if (typeof fn !== 'function') throw new Error(`${component.id} has no ${method}() function`);
    const ctx = contextOf(message, channel, (runId, resolve) => pendingRuns.set(runId, resolve));
    const value: unknown = await (fn as (...a: unknown[]) => unknown).call(target, ...deepFreeze(args), ctx);
    if (itemNoun === undefined) channel.send({ kind: 'done', callId });
    else if (Array.isArray(value)) {
      const { json, notes } = boundItems(value, itemNoun);
      channel.sendJson(`{"kind":"done","callId":${callId},"notes":${JSON.stringify(notes)},"items":${json}}`);
    } else channel.send({ kind: 'done', callId, ...standInFor(value) });
  } catch (error) {
    channel.send({ kind: 'error', callId, message: explain(error) });
  }
}

async function find(kind: string, id: string): Promise<Record<string, unknown>> {
  const plugin = (await loading) as Record<string, unknown> | null | undefined;
  const list = plugin && Array.isArray(plugin[kind]) ? (plugin[kind] as unknown[]) : [];
  const found = list.find((c) => c !== null && typeof c === 'object' && (c as { id?: unknown }).id === id);
  if (!found) throw new Error(`${id} is gone when ${modulePath} is loaded again`);
  return found as Record<string, unknown>;
}

/** What kv1nt's checks need of a result that is not a list: its kind, not its (maybe huge) data. */
function standInFor(value: unknown): { value?: unknown; undefined?: true } {
  if (value === undefined) return { undefined: true };
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return { value };
  if (typeof value === 'string') return { value: value.slice(0, 100) };
  return { value: {} };
}

/** The error's message; a denied file access says what kv1nt allows. */
function explain(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const denied = error as Error & { code?: unknown; permission?: unknown; resource?: unknown };
  if (denied.code !== 'ERR_ACCESS_DENIED') return error.message;
  const what =
    typeof denied.resource === 'string' ? ` (${String(denied.permission)} ${denied.resource})` : '';
  return `${error.message}${what}: kv1nt runs plugins with read-only file access; only a strategy's apply() may write, inside its sandbox folder`;
}
