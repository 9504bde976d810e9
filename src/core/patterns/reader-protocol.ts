import type { AccumulatorState, SucceededState } from './accumulator-merge.js';
import type { DetectionEntry } from './canonical-line.js';
import { PatternAccumulator } from './detect.js';
import type { Piece, PieceTimes } from './window.js';

/** What the second reader is given (workerData): its pieces of the log, read after the first's. */
export interface SecondReaderInput {
  dataDir: string;
  pieces: Array<Piece & { inside: boolean }>;
  agentIds: string[] | undefined;
  fromIso: string;
  toIso: string;
  slaByAgent: Array<[string, number | null]>;
}

/** The second reader's first answer; then it answers requests for the successes of some kinds. */
export interface SecondReaderResult {
  states: Array<[string, AccumulatorState]>;
  times: Array<[number, PieceTimes]>;
}
export type SucceededRequest = Array<[agentId: string, kinds: string[]]>;
export type SucceededReply = Array<[agentId: string, lists: Map<string, SucceededState>]>;

/** Folds each entry into its agent's accumulator (made on its first entry). */
export function folder(
  accumulators: Map<string, PatternAccumulator>,
  slaByAgent: ReadonlyMap<string, number | null>,
  mergeable: boolean,
): (entry: DetectionEntry) => void {
  return (entry) => {
    let accumulator = accumulators.get(entry.agentId);
    if (!accumulator) {
      accumulator = new PatternAccumulator(slaByAgent.get(entry.agentId) ?? null, mergeable);
      accumulators.set(entry.agentId, accumulator);
    }
    accumulator.add(entry);
  };
}
