/**
 * The script of the worker thread that runs one component (a detector, learning generator or
 * strategy) of a third-party plugin (see plugin-worker.ts). It is a string run with
 * `new Worker(source, { eval: true })` rather than a file, because the CLI is one esbuild bundle
 * (dist/cli.cjs) and the library is tsc's dist/**: a string needs no path that holds in both, nor
 * in vitest running the TypeScript sources. Plain CommonJS, Node built-ins only.
 *
 * Protocol, every message tagged with the call's `callId`:
 * host → worker: {kind:'call', callId, ref:{modulePath, kind, id}, method, args, context, lazy,
 *   hasRun}, and {kind:'runResult', callId, runId, result} answering a tool run;
 * worker → host: {kind:'run', callId, runId, command, args, options} asks the host to run a tool;
 *   {kind:'fetch', callId, key, port, signal} asks for a `lazy` context field (such as the window's
 *   feedback, costly to read) the first time the plugin reads it: the worker blocks on `signal`
 *   until the host has put the value on `port`, so the field stays a plain synchronous property;
 *   {kind:'warn', callId, message}; {kind:'output', text} for what the plugin prints; then exactly
 *   one of {kind:'done', callId, value} or {kind:'error', callId, message}.
 * What the plugin prints travels on the same port as its result, so it arrives first and in order,
 * and the worker's own stdio streams (which would keep kv1nt's process alive) are never used.
 */
export const PLUGIN_WORKER_SOURCE = String.raw`
'use strict';
const { MessageChannel, parentPort, receiveMessageOnPort } = require('node:worker_threads');
const { pathToFileURL } = require('node:url');

for (const stream of [process.stdout, process.stderr]) {
  stream.write = (chunk, encoding, callback) => {
    parentPort.postMessage({ kind: 'output', text: String(chunk) });
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') done();
    return true;
  };
}

const modules = new Map();
const pendingRuns = new Map();
let nextRun = 0;

// Getters are left alone (not called): a lazy field is fetched only when the plugin reads it.
function deepFreeze(value) {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) {
      const descriptor = Object.getOwnPropertyDescriptor(value, key);
      if (descriptor && 'value' in descriptor) deepFreeze(descriptor.value);
    }
  }
  return value;
}

function fetchSync(callId, key) {
  const { port1, port2 } = new MessageChannel();
  const signal = new Int32Array(new SharedArrayBuffer(4));
  parentPort.postMessage({ kind: 'fetch', callId, key, port: port2, signal }, [port2]);
  Atomics.wait(signal, 0, 0);
  const reply = receiveMessageOnPort(port1);
  port1.close();
  if (!reply) throw new Error('kv1nt did not answer for ctx.' + key);
  if (reply.message.error !== undefined) throw new Error('ctx.' + key + ': ' + reply.message.error);
  return reply.message.value;
}

function errorMessage(error) {
  return error instanceof Error ? error.message : String(error);
}

function load(modulePath) {
  if (!modules.has(modulePath)) modules.set(modulePath, import(pathToFileURL(modulePath).href));
  return modules.get(modulePath);
}

async function component(ref) {
  const module = await load(ref.modulePath);
  const plugin = module.default;
  const list = plugin && Array.isArray(plugin[ref.kind]) ? plugin[ref.kind] : [];
  const found = list.find((c) => c && c.id === ref.id);
  if (!found) throw new Error(ref.id + ' is gone when ' + ref.modulePath + ' is loaded again');
  return found;
}

function contextOf(message) {
  const { callId, context, lazy, hasRun } = message;
  const ctx = {
    ...context,
    now: new Date(context.now),
    warn(text) {
      parentPort.postMessage({ kind: 'warn', callId, message: String(text) });
    },
  };
  for (const key of lazy) {
    let fetched;
    Object.defineProperty(ctx, key, {
      enumerable: true,
      get() {
        if (fetched === undefined) fetched = { value: deepFreeze(fetchSync(callId, key)) };
        return fetched.value;
      },
    });
  }
  if (hasRun) {
    ctx.run = (command, args, options) =>
      new Promise((resolve) => {
        const runId = nextRun++;
        pendingRuns.set(runId, resolve);
        const wanted = {};
        if (options && options.timeoutMs !== undefined) wanted.timeoutMs = Number(options.timeoutMs);
        if (options && options.cwd !== undefined) wanted.cwd = String(options.cwd);
        parentPort.postMessage({
          kind: 'run',
          callId,
          runId,
          command: String(command),
          args: Array.from(args || [], String),
          options: wanted,
        });
      });
  }
  return deepFreeze(ctx);
}

async function call(message) {
  const { callId, ref, method, args } = message;
  try {
    const target = await component(ref);
    if (typeof target[method] !== 'function') throw new Error(ref.id + ' has no ' + method + '() function');
    const value = await target[method](...deepFreeze(args), contextOf(message));
    try {
      parentPort.postMessage({ kind: 'done', callId, value });
    } catch (error) {
      throw new Error(method + '() returned a value that cannot be passed on (' + errorMessage(error) + ')');
    }
  } catch (error) {
    parentPort.postMessage({ kind: 'error', callId, message: errorMessage(error) });
  }
}

parentPort.on('message', (message) => {
  if (!message) return;
  if (message.kind === 'call') void call(message);
  else if (message.kind === 'runResult' && pendingRuns.has(message.runId)) {
    const resolve = pendingRuns.get(message.runId);
    pendingRuns.delete(message.runId);
    resolve(message.result);
  }
});
`;
