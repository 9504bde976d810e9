import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ImportBlock } from '../../../src/core/feedback/import-block.js';
import { ImportPool } from '../../../src/core/feedback/import-pool.js';
import { tempDir } from '../../helpers/cli.js';

const NOW = new Date('2026-11-20T12:00:00.000Z');

function block(): ImportBlock {
  return {
    bytes: Buffer.from('{"agentId":"a","operationId":"o","type":"success"}'),
    firstLine: 1,
    first: true,
  };
}

/** A worker script doing `onMessage` with the first block it gets. */
function failingWorker(onMessage: string): string {
  const file = path.join(tempDir(), 'worker.cjs');
  fs.writeFileSync(file, `require('node:worker_threads').parentPort.on('message', () => { ${onMessage} });`);
  return file;
}

describe('ImportPool when a worker fails', () => {
  it('gives the blocks under way the error of a worker that throws, and refuses further blocks', async () => {
    const pool = new ImportPool(1, NOW, failingWorker("throw new Error('out of cheese')"));
    try {
      await expect(pool.trySubmit(block())).rejects.toThrow('out of cheese');
      await expect(pool.trySubmit(block())).rejects.toThrow('out of cheese');
    } finally {
      await pool.close();
    }
  });

  it('names the exit code of a worker that stops', async () => {
    const pool = new ImportPool(1, NOW, failingWorker('process.exit(3)'));
    try {
      await expect(pool.trySubmit(block())).rejects.toThrow('an import worker stopped (exit code 3)');
    } finally {
      await pool.close();
    }
  });

  it('validates with kv1nt own worker script', async () => {
    const pool = new ImportPool(1, NOW);
    try {
      const result = await pool.trySubmit(block());
      expect(result).toMatchObject({ lines: 1, count: 1, invalidCount: 0 });
      expect(Buffer.from(result!.bytes).toString()).toMatch(/^\{"id":"fb_.*"agentId":"a".*\}\n$/);
    } finally {
      await pool.close();
    }
  });
});
