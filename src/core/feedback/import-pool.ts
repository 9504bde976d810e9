import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { bundledScript } from '../bundled-script.js';
import type { BlockResult, ImportBlock } from './import-block.js';

/** More threads than this gain little: the main thread's own share (ids, sums, writing) is the limit. */
const MAX_WORKERS = 4;
/** Blocks a worker holds at once: one in work, one waiting, so it never idles between messages. */
const PER_WORKER = 2;
/**
 * A block's garbage dies young. 24 MB measured best: a smaller young generation scavenges often
 * (+10 % CPU at 8 MB), a larger one adds to the peak memory (48 MB: +25 MB at 2 M lines).
 */
const YOUNG_GENERATION_MB = 24;

/**
 * How many workers this machine is worth besides the main thread, which takes blocks too: none
 * with a single core. KV1NT_IMPORT_WORKERS sets the number (0: none), e.g. to leave cores to agents.
 */
export function importWorkers(): number {
  const set = process.env.KV1NT_IMPORT_WORKERS;
  if (set !== undefined && /^\d+$/.test(set)) return Math.min(MAX_WORKERS, Number(set));
  return Math.min(MAX_WORKERS, os.availableParallelism() - 1);
}

interface Pending {
  worker: number;
  resolve: (result: BlockResult) => void;
  reject: (error: Error) => void;
}

/**
 * Worker threads that validate and encode blocks of a big JSON Lines import (the work that grows
 * with the input: parsing, checking, building each log line) on the machine's other cores.
 */
export class ImportPool {
  private readonly workers: Worker[] = [];
  private readonly load: number[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: Error | undefined;

  /** `script`: the workers' script (kv1nt's own; a test hands in one that fails). */
  constructor(size: number, now: Date, script = bundledScript('import-worker.cjs')) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(script, {
        workerData: { now: now.getTime() },
        resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
      });
      worker.on('message', ({ id, result }: { id: number; result: BlockResult }) => {
        const waiting = this.pending.get(id);
        if (!waiting) return;
        this.pending.delete(id);
        this.load[waiting.worker]!--;
        waiting.resolve(result);
      });
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`an import worker stopped (exit code ${code})`));
      });
      this.workers.push(worker);
      this.load.push(0);
    }
  }

  /** The block's result to come, or undefined when every worker has its hands full (do it here). */
  trySubmit(block: ImportBlock): Promise<BlockResult> | undefined {
    if (this.failure) return Promise.reject(this.failure);
    const worker = this.load.indexOf(Math.min(...this.load));
    if (this.load[worker]! >= PER_WORKER) return undefined;
    const id = this.nextId++;
    // Moved to the worker, in a buffer of its own: never a slice of a shared pool.
    const own =
      block.ownsBuffer === true ||
      (block.bytes.byteOffset === 0 && block.bytes.buffer.byteLength === block.bytes.byteLength);
    const bytes = own ? block.bytes : new Uint8Array(block.bytes);
    this.load[worker]!++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { worker, resolve, reject });
      this.workers[worker]!.postMessage({ id, block: { ...block, bytes } }, [bytes.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    this.failure ??= new Error('the import pool is closed');
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}
