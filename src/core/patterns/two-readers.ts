import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { bundledScript } from '../bundled-script.js';
import type { FeedbackLog } from '../store/feedback-log.js';
import { addSucceeded, mergeAccumulator } from './accumulator-merge.js';
import { PatternAccumulator } from './detect.js';
import {
  folder,
  type SecondReaderInput,
  type SecondReaderResult,
  type SucceededReply,
  type SucceededRequest,
} from './reader-protocol.js';
import {
  finishWindow,
  planWindow,
  readPiece,
  type Piece,
  type PieceTimes,
  type SegmentRead,
} from './window.js';

/**
 * Below this many bytes to read, one thread detects alone: a worker thread costs tens of
 * milliseconds to start, about what one thread reads of 4 MB.
 */
export const TWO_READERS_FROM_BYTES = 16 * 1024 * 1024;

/**
 * Whether a core can be spared: the last minute's load average (this process's own runs
 * included) less than one above the core count. On a machine busier than that a second thread
 * does not finish sooner, it only adds work. Measured over 1 M entries on 2 cores, interleaved:
 * at load average 4, two threads 3.7–5.9 s with 10–40 % more CPU time, one thread 3.3–4.2 s;
 * at 2.2, two threads 2.4–3.5 s, one 2.9–3.2 s (a plain read and parse 2.3–2.7 s).
 */
export function spareCore(): boolean {
  return os.loadavg()[0]! < os.availableParallelism() + 1;
}

export interface TwoReaderOptions {
  /** Read by one thread below this many bytes to read (default: 16 MB if a core can be spared, else never two). */
  twoReadersFromBytes?: number;
  /** The first reader's share of the bytes (the second starts later: it has a thread to start). */
  firstShare?: number;
}

/**
 * Each agent's detection over the window [fromIso, toIso], agents in the order the log first
 * names them. A big window is read by two threads, each over half of its bytes, and the second
 * half's detection merged into the first's (accumulator-merge.ts): the same result as one
 * thread's, in about half the time on two cores, when one can be spared. Should the second thread fail, one thread
 * detects alone (and meets whatever the second met: a damaged line is reported as ever).
 * `readers`: how many threads did.
 */
export async function detectWindow(
  log: FeedbackLog,
  agentIds: ReadonlySet<string> | undefined,
  fromIso: string,
  toIso: string,
  slaByAgent: ReadonlyMap<string, number | null>,
  {
    twoReadersFromBytes = spareCore() ? TWO_READERS_FROM_BYTES : Infinity,
    firstShare = 0.5,
  }: TwoReaderOptions = {},
): Promise<{ accumulators: Map<string, PatternAccumulator>; readers: 1 | 2 }> {
  const plan = planWindow(log, fromIso, toIso);
  const filter = { agentIds, fromIso, toIso, detectionOnly: true };
  const accumulators = new Map<string, PatternAccumulator>();
  const fold = folder(accumulators, slaByAgent, false);
  const [mine, theirs] = splitReads(log, plan.reads, twoReadersFromBytes, firstShare);
  const second =
    theirs.length === 0
      ? undefined
      : startSecondReader({
          dataDir: path.dirname(path.dirname(log.dir)),
          pieces: theirs,
          agentIds: agentIds && [...agentIds],
          fromIso,
          toIso,
          slaByAgent: [...slaByAgent],
        });
  const times = new Map<number, PieceTimes>();
  let merged = true;
  try {
    for (const piece of mine)
      joinTimes(times, piece.segment, readPiece(log, piece, piece.inside, filter, fold));
    if (second)
      merged = await mergeSecond(second, accumulators, slaByAgent, times).then(
        () => true,
        () => false,
      );
  } finally {
    await second?.stop();
  }
  if (!merged)
    return detectWindow(log, agentIds, fromIso, toIso, slaByAgent, { twoReadersFromBytes: Infinity });
  finishWindow(log, plan, times, true);
  return { accumulators, readers: second ? 2 : 1 };
}

type Read = Piece & { inside: boolean };

/**
 * The reads of the window in two halves of about equal bytes, the split at a line start inside
 * a segment if need be: all in the first when the window is small.
 */
function splitReads(
  log: FeedbackLog,
  reads: readonly SegmentRead[],
  fromBytes: number,
  firstShare: number,
): [Read[], Read[]] {
  const whole = reads.map(({ segment, known, inside }) => ({
    segment,
    from: 0,
    to: Infinity,
    known: known !== undefined,
    inside,
  }));
  const total = reads.reduce((sum, read) => sum + read.stat.size, 0);
  if (total < fromBytes || total === 0) return [whole, []];
  const split = total * firstShare;
  let before = 0;
  for (let i = 0; i < reads.length; i++) {
    const size = reads[i]!.stat.size;
    if (before + size <= split) {
      before += size;
      continue;
    }
    const at = lineStartFrom(log.segmentPath(reads[i]!.segment), split - before);
    if (at === undefined) return [whole.slice(0, i + 1), whole.slice(i + 1)];
    return [
      [...whole.slice(0, i), { ...whole[i]!, to: at }],
      [{ ...whole[i]!, from: at }, ...whole.slice(i + 1)],
    ];
  }
  return [whole, []];
}

/** The offset of the first line that starts at or after `offset` in the file, if any. */
function lineStartFrom(file: string, offset: number): number | undefined {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    for (let at = Math.floor(offset); ; at += buffer.length) {
      const read = fs.readSync(fd, buffer, 0, buffer.length, at);
      if (read === 0) return undefined;
      const nl = buffer.subarray(0, read).indexOf(0x0a);
      if (nl !== -1) return at + nl + 1;
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** A segment's times from its pieces, in log order. */
function joinTimes(times: Map<number, PieceTimes>, segment: number, piece: PieceTimes): void {
  const before = times.get(segment);
  if (!before) {
    times.set(segment, piece);
    return;
  }
  const first = before.first === null || (piece.first !== null && piece.first < before.first);
  const last = before.last === null || (piece.last !== null && piece.last > before.last);
  times.set(segment, {
    first: first ? piece.first : before.first,
    last: last ? piece.last : before.last,
    readable: piece.readable,
  });
}

interface SecondReader {
  result: Promise<SecondReaderResult>;
  request(kinds: SucceededRequest): Promise<SucceededReply>;
  stop(): Promise<void>;
}

function startSecondReader(input: SecondReaderInput): SecondReader {
  let worker: Worker;
  try {
    worker = new Worker(bundledScript('patterns-reader.cjs'), { workerData: input });
  } catch (error) {
    // No script to run (a checkout not built): one thread detects alone.
    const failed = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    failed.catch(() => undefined);
    return {
      result: failed,
      request: () => Promise.reject(new Error('no second reader')),
      stop: () => Promise.resolve(),
    };
  }
  const result = nextMessage<SecondReaderResult>(worker);
  result.catch(() => undefined);
  return {
    result,
    request(kinds) {
      const reply = nextMessage<SucceededReply>(worker);
      worker.postMessage(kinds);
      return reply;
    },
    stop: async () => void (await worker.terminate()),
  };
}

/** The worker's next message; rejected if it fails or exits first. */
function nextMessage<T>(worker: Worker): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const off = (): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (message: T): void => {
      off();
      resolve(message);
    };
    const onError = (error: Error): void => {
      off();
      reject(error);
    };
    const onExit = (code: number): void => {
      off();
      reject(new Error(`the second reader exited with code ${code}`));
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}

async function mergeSecond(
  second: SecondReader,
  accumulators: Map<string, PatternAccumulator>,
  slaByAgent: ReadonlyMap<string, number | null>,
  times: Map<number, PieceTimes>,
): Promise<void> {
  const { states, times: theirTimes } = await second.result;
  const offsets = new Map<string, number>();
  const wanted: SucceededRequest = [];
  for (const [agentId, state] of states) {
    let accumulator = accumulators.get(agentId);
    if (!accumulator) {
      accumulator = new PatternAccumulator(slaByAgent.get(agentId) ?? null);
      accumulators.set(agentId, accumulator);
    }
    const { kinds, seqOffset } = mergeAccumulator(accumulator, state, agentId);
    offsets.set(agentId, seqOffset);
    if (kinds.length > 0) wanted.push([agentId, kinds]);
  }
  for (const [segment, piece] of theirTimes) joinTimes(times, segment, piece);
  if (wanted.length === 0) return;
  for (const [agentId, lists] of await second.request(wanted)) {
    for (const [kind, succeeded] of lists)
      addSucceeded(accumulators.get(agentId)!, kind, succeeded, offsets.get(agentId)!);
  }
}
