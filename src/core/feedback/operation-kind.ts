import type { FeedbackEntry } from './types.js';

/** `summarize-1042` → `summarize`; `details.task` wins when present. */
export function operationKind(entry: FeedbackEntry): string {
  const task = entry.details?.task;
  if (typeof task === 'string' && task !== '') return task;
  const stem = entry.operationId.replace(/(?:[-_.:/#]?(?:\d+|[0-9a-f]{8,}))+$/i, '');
  return stem === '' ? entry.operationId : stem;
}
