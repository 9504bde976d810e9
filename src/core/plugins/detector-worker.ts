import { Worker } from 'node:worker_threads';
import type { DetectorContext } from '../sdk/types.js';
import { DETECTOR_WORKER_SOURCE } from './detector-worker-source.js';

/**
 * Runs one detector of a plugin module in its own worker thread: the module is loaded again there,
 * the context crosses as a structured clone (its data only; `run` and `warn` are relayed as
 * messages), and at the time limit the thread is terminated — which also stops a detector stuck in
 * a synchronous loop, something a promise race cannot do. The detector never sees kv1nt's store
 * objects. Its console output goes to stderr, so `--json` keeps stdout to one document.
 */
export function detectInWorker(
  modulePath: string,
  detectorId: string,
  ctx: DetectorContext,
  timeoutMs: number,
): Promise<unknown> {
  const context = contextData(ctx);
  return new Promise((resolve, reject) => {
    const worker = new Worker(DETECTOR_WORKER_SOURCE, {
      eval: true,
      workerData: { modulePath, detectorId, context },
      stdout: true,
      stderr: true,
    });
    worker.stdout.pipe(process.stderr, { end: false });
    worker.stderr.pipe(process.stderr, { end: false });
    let settled = false;
    const finish = (error: Error | null, value?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      if (error) reject(error);
      else resolve(value);
    };
    const timer = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    worker.on('message', (message: WorkerMessage) => {
      switch (message.kind) {
        case 'run':
          void Promise.resolve()
            .then(() => ctx.run(message.command, message.args, message.options))
            .catch((error: unknown) => ({
              exitCode: null,
              stdout: '',
              stderr: '',
              timedOut: false,
              error: error instanceof Error ? error.message : String(error),
            }))
            .then((result) => {
              if (!settled) worker.postMessage({ kind: 'runResult', id: message.id, result });
            });
          break;
        case 'warn':
          if (!settled) ctx.warn(message.message);
          break;
        case 'done':
          finish(null, message.findings);
          break;
        case 'error':
          finish(new Error(message.message));
          break;
      }
    });
    worker.on('error', (error) => finish(error));
    worker.on('exit', (code) =>
      finish(new Error(`its worker stopped (exit code ${code}) before returning findings`)),
    );
  });
}

type WorkerMessage =
  | { kind: 'run'; id: number; command: string; args: string[]; options?: { timeoutMs?: number } }
  | { kind: 'warn'; message: string }
  | { kind: 'done'; findings: unknown }
  | { kind: 'error'; message: string };

/** The context's data, as plain JSON (a config from kv1nt.config.js may hold functions). */
function contextData(ctx: DetectorContext): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify({
      agent: ctx.agent,
      feedback: ctx.feedback,
      components: ctx.components,
      metrics: ctx.metrics,
      patterns: ctx.patterns,
      learnings: ctx.learnings,
      config: ctx.config,
      now: ctx.now.toISOString(),
    }),
  ) as Record<string, unknown>;
}
