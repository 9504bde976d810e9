/**
 * The record path's front door: what `kv1nt feedback success|failure|quality|rate|record` needs,
 * and nothing that loads the engines. The CLI's fast path (src/cli/fast-record) imports this
 * instead of index.ts; both are allowed to the CLI layer by the same lint rule.
 */
import { DataDir } from './store/data-dir.js';
import { openStores } from './store/stores.js';
import { FeedbackDesk } from './feedback/desk.js';
import type { FeedbackEntry, FeedbackInput } from './feedback/types.js';
import { recoveryPending } from './optimize/recovery-pending.js';
import type { CoreOptions } from './requests.js';
import { resolveSetup } from './setup.js';

export { FEEDBACK_SOURCES, FEEDBACK_TYPES } from './feedback/types.js';
export type { FeedbackEntry, FeedbackInput } from './feedback/types.js';
export { LIMITS, isPlainObject, parseJsonInput } from './feedback/validate.js';
export { safeRecord, setOwn } from './safe-record.js';
export { visible } from './visible-text.js';
export type { CoreOptions } from './requests.js';

/**
 * `(await Kv1ntCore.open(options)).recover()` then `.record(input)`, through the same steps — but
 * when an interrupted optimization is there to recover, it returns undefined, having written
 * nothing, for the caller to go through Kv1ntCore (which loads the recovery).
 */
export async function recordWithoutEngines(
  options: CoreOptions,
  input: FeedbackInput,
): Promise<FeedbackEntry | undefined> {
  const { dataDir } = await resolveSetup(options);
  const stores = openStores(new DataDir(dataDir), undefined, options.onWarning);
  if (recoveryPending(stores.dataDir)) return undefined;
  const desk = new FeedbackDesk(stores, options.clock ?? (() => new Date()));
  const [entry] = await desk.recordMany([input]);
  return entry;
}
