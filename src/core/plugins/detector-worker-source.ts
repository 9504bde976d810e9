/**
 * The script of the worker thread that runs one third-party detector (see detector-worker.ts).
 * It is a string run with `new Worker(source, { eval: true })` rather than a file, because the CLI is
 * one esbuild bundle (dist/cli.cjs) and the library is tsc's dist/**: a string needs no path that
 * holds in both, nor in vitest running the TypeScript sources. Plain CommonJS, Node built-ins only.
 *
 * Protocol (worker → host): {kind:'run', id, command, args, options} asks the host to run a tool,
 * answered by {kind:'runResult', id, result}; {kind:'warn', message}; then exactly one of
 * {kind:'done', findings} or {kind:'error', message}.
 */
export const DETECTOR_WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { pathToFileURL } = require('node:url');

const pending = new Map();
let nextCall = 0;
parentPort.on('message', (message) => {
  if (message && message.kind === 'runResult' && pending.has(message.id)) {
    const resolve = pending.get(message.id);
    pending.delete(message.id);
    resolve(message.result);
  }
});

function deepFreeze(value) {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze(value[key]);
  }
  return value;
}

function errorMessage(error) {
  return error instanceof Error ? error.message : String(error);
}

(async () => {
  try {
    const { modulePath, detectorId, context } = workerData;
    const module = await import(pathToFileURL(modulePath).href);
    const plugin = module.default;
    const detectors = plugin && Array.isArray(plugin.detectors) ? plugin.detectors : [];
    const detector = detectors.find((d) => d && d.id === detectorId);
    if (!detector || typeof detector.detect !== 'function')
      throw new Error('detector ' + detectorId + ' is gone when ' + modulePath + ' is loaded again');
    const ctx = deepFreeze({
      ...context,
      now: new Date(context.now),
      run(command, args, options) {
        return new Promise((resolve) => {
          const id = nextCall++;
          pending.set(id, resolve);
          parentPort.postMessage({
            kind: 'run',
            id,
            command: String(command),
            args: Array.from(args || [], String),
            options: options && options.timeoutMs !== undefined ? { timeoutMs: Number(options.timeoutMs) } : undefined,
          });
        });
      },
      warn(message) {
        parentPort.postMessage({ kind: 'warn', message: String(message) });
      },
    });
    const findings = await detector.detect(ctx);
    try {
      parentPort.postMessage({ kind: 'done', findings });
    } catch (error) {
      throw new Error('detect() returned a value that cannot be passed on (' + errorMessage(error) + ')');
    }
  } catch (error) {
    parentPort.postMessage({ kind: 'error', message: errorMessage(error) });
  }
})();
`;
