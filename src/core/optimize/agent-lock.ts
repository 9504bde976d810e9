import path from 'node:path';
import { busy } from '../errors.js';
import { acquireLock, type LockHandle } from '../store/lock.js';
import type { Stores } from '../store/stores.js';

/**
 * One optimization, rollback or revert per agent at a time: two would copy, test and apply over
 * each other. `timeoutMs` is how long to wait for a running one to finish.
 */
export async function lockAgent(stores: Stores, agentId: string, timeoutMs = 1_000): Promise<LockHandle> {
  const dir = stores.dataDir.ensureDir('optimization', 'locks');
  try {
    return await acquireLock(path.join(dir, `${agentId}.lock`), { timeoutMs });
  } catch {
    throw busy(
      'OPTIMIZATION_RUNNING',
      `Another kv1nt process is optimizing or rolling back agent ${agentId}; try again when it has finished.`,
    );
  }
}
