// The second reader of a big pattern window, in a worker thread of its own (two-readers.ts):
// it folds its pieces of the log into mergeable accumulators, sends their state, then answers
// requests for the successes of some kinds until it is stopped.
import { parentPort, workerData } from 'node:worker_threads';
import { DataDir } from '../store/data-dir.js';
import { FeedbackLog } from '../store/feedback-log.js';
import { accumulatorState, stateBuffers, succeededBuffers, succeededState } from './accumulator-merge.js';
import type { PatternAccumulator } from './detect.js';
import {
  folder,
  type SecondReaderInput,
  type SecondReaderResult,
  type SucceededReply,
  type SucceededRequest,
} from './reader-protocol.js';
import { readPiece } from './window.js';

const input = workerData as SecondReaderInput;
const log = new FeedbackLog(new DataDir(input.dataDir));
const accumulators = new Map<string, PatternAccumulator>();
const fold = folder(accumulators, new Map(input.slaByAgent), true);
const filter = {
  agentIds: input.agentIds && new Set(input.agentIds),
  fromIso: input.fromIso,
  toIso: input.toIso,
  detectionOnly: true,
};
const times = input.pieces.map((piece): [number, ReturnType<typeof readPiece>] => [
  piece.segment,
  readPiece(log, piece, piece.inside, filter, fold),
]);
const states = [...accumulators].map(
  ([agentId, accumulator]) => [agentId, accumulatorState(accumulator)] as const,
);
const result: SecondReaderResult = { states: states.map(([a, s]) => [a, s]), times };
parentPort!.postMessage(
  result,
  states.flatMap(([, state]) => stateBuffers(state)),
);
parentPort!.on('message', (request: SucceededRequest) => {
  const reply: SucceededReply = request.map(([agentId, kinds]) => [
    agentId,
    succeededState(accumulators.get(agentId)!, kinds),
  ]);
  parentPort!.postMessage(
    reply,
    reply.flatMap(([, lists]) => succeededBuffers(lists)),
  );
});
