// The script of an import worker thread (bundled to dist/import-worker.cjs): validates blocks of a
// JSON Lines import and builds their log lines, while the main thread reads, checks ids and writes.
import { parentPort, workerData } from 'node:worker_threads';
import { processBlock, transferables, type ImportBlock } from './import-block.js';
import { jsonLine } from './import.js';

const now = new Date((workerData as { now: number }).now);

parentPort!.on('message', ({ id, block }: { id: number; block: ImportBlock }) => {
  const result = processBlock(block, now, jsonLine);
  parentPort!.postMessage({ id, result }, transferables(result));
});
