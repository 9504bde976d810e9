import { median } from 'simple-statistics';
import type { DetectionEntry } from './canonical-line.js';
import { binQuantile, durationBin } from '../feedback/aggregates.js';
import { operationKind } from '../feedback/operation-kind.js';
import { failureSignature, fingerprint } from './fingerprint.js';
import {
  Correlation,
  EXAMPLES,
  FailureGroup,
  Group,
  addAttempt,
  candidate,
  type Operation,
  type PatternCandidate,
} from './groups.js';
import { qualityPatterns, round } from './quality.js';
import { addSuccess, newSuccessList, successId, type SuccessList } from './success-ids.js';
import { timeOf, utcHour } from './timestamps.js';

export type { PatternCandidate, PatternType } from './groups.js';

export interface PatternOptions {
  minFrequency: number;
  minConfidence: number;
  slaMs: number | null;
}

const DAY = 86_400_000;

/** All five kinds over `entries` (any order), filtered by frequency and confidence, most frequent first. */
export function detectPatterns(
  entries: readonly DetectionEntry[],
  options: PatternOptions,
): PatternCandidate[] {
  const accumulator = new PatternAccumulator(options.slaMs);
  for (const entry of entries) accumulator.add(entry);
  return accumulator.patterns(options);
}

/**
 * Pattern detection folded over the entries one at a time, in any order: a million-entry window
 * is read without holding it (only quality scores are kept, and a small record per operation id
 * for retries). Every group keeps its count, first and last timestamps and its first example ids
 * in time order (ties in the order added), so the result does not depend on the order of the log.
 */
/** One operation kind's outcomes, and its successes listed for the retries. */
export interface Kind {
  successes: Group;
  failures: Group;
  succeeded: SuccessList;
}

export function newKind(): Kind {
  return { successes: new Group(), failures: new Group(), succeeded: newSuccessList() };
}

export class PatternAccumulator {
  readonly failuresBySignature = new Map<string, FailureGroup>();
  /** Durations of successful operations per kind (log-scale bins): what a timeout must allow. */
  readonly successBinsByKind = new Map<string, Record<string, number>>();
  readonly kinds = new Map<string, Kind>();
  readonly failuresByHour = new Map<number, Group>();
  failureCount = 0;
  /** Retries: the operations with a failure, and every success (an id may fail later in the log). */
  readonly failedOperations = new Map<string, Operation>();
  /** Whether an entry had details (`details.task` names the kind instead of the operation id). */
  detailed = false;
  outcomeSeq = 0;
  readonly scores: DetectionEntry[] = [];
  readonly scoreTimes: number[] = [];
  readonly timed = new Group();
  readonly durations: Correlation;
  readonly slaByKind = new Map<string, { over: Group; durations: number[] }>();

  /** `mergeable`: the second of two readers of a window, merged into the first (accumulator-merge.ts). */
  constructor(
    readonly slaMs: number | null,
    readonly mergeable = false,
  ) {
    this.durations = new Correlation(mergeable);
  }

  add(entry: DetectionEntry): void {
    const type = entry.type;
    const time = timeOf(entry.timestamp);
    const outcome = type === 'failure' || type === 'success';
    let kind: string | undefined;
    if (outcome) {
      kind = operationKind(entry);
      let byKind = this.kinds.get(kind);
      if (!byKind) this.kinds.set(kind, (byKind = newKind()));
      (type === 'failure' ? byKind.failures : byKind.successes).add(entry, time);
      if (entry.details !== undefined) this.detailed = true;
      this.addOperation(entry, type === 'failure', byKind, time);
      if (type === 'success' && entry.durationMs !== undefined) {
        let bins = this.successBinsByKind.get(kind);
        if (!bins) this.successBinsByKind.set(kind, (bins = {}));
        const bin = durationBin(entry.durationMs);
        bins[bin] = (bins[bin] ?? 0) + 1;
      }
    }
    if (type === 'failure') this.addFailure(entry, kind!, time);
    else if (type === 'quality_score') {
      this.scores.push(entry);
      this.scoreTimes.push(time);
    }
    if (entry.durationMs !== undefined) this.addDuration(entry, kind, time);
  }

  patterns(options: PatternOptions): PatternCandidate[] {
    const found = [
      ...this.failurePatterns(),
      ...this.capabilityPatterns(),
      ...this.successPatterns(),
      ...qualityPatterns(...this.scoresInTimeOrder()),
      ...this.performancePatterns(),
      ...this.behaviorPatterns(),
    ];
    return found
      .filter((p) => p.frequency >= options.minFrequency && p.confidence >= options.minConfidence)
      .map((p) => ({ ...p, confidence: round(p.confidence) }))
      .sort((a, b) => b.frequency - a.frequency || a.signature.localeCompare(b.signature));
  }

  private addFailure(entry: DetectionEntry, kind: string, time: number): void {
    this.failureCount += 1;
    const signature = failureSignature(entry.errorType, entry.message);
    let group = this.failuresBySignature.get(signature);
    if (!group) this.failuresBySignature.set(signature, (group = new FailureGroup(this.mergeable)));
    // The error type of the group's earliest failure names it.
    if (group.count === 0 || time < group.firstTime) group.errorType = entry.errorType;
    group.add(entry, time);
    group.addEvidence(kind, entry.message);
    const hour = utcHour(entry.timestamp);
    let byHour = this.failuresByHour.get(hour);
    if (!byHour) this.failuresByHour.set(hour, (byHour = new Group()));
    byHour.add(entry, time);
  }

  /** The quality scores oldest first (ties in the order added), and their times. */
  private scoresInTimeOrder(): [DetectionEntry[], number[]] {
    const times = this.scoreTimes;
    const order = times.map((_, i) => i).sort((a, b) => times[a]! - times[b]! || a - b);
    return [order.map((i) => this.scores[i]!), order.map((i) => times[i]!)];
  }

  /**
   * Successes are only listed here, under their kind (three array pushes): a map over every
   * operation id of a million-entry window cost more than the rest of the detection; only failed
   * ids are mapped.
   */
  private addOperation(entry: DetectionEntry, failed: boolean, kind: Kind, time: number): void {
    const seq = this.outcomeSeq++;
    if (!failed) {
      addSuccess(kind.succeeded, entry.operationId, time, seq);
      return;
    }
    const op = this.failedOperations.get(entry.operationId);
    if (op) addAttempt(op, time, seq);
    else
      this.failedOperations.set(entry.operationId, { attempts: 1, first: time, firstSeq: seq, last: time });
  }

  /** The operations retried after failing: a failure among two or more attempts, in order of first attempt. */
  private retriedOperations(): Array<[string, Operation]> {
    // Copies of the failed operations a success adds to; the rest are read as they are.
    const succeeded = new Map<string, Operation>();
    for (const { failures, succeeded: list } of this.kinds.values()) {
      // Without details, an id's kind is its stem: a kind that never failed holds no failed id.
      if (failures.count === 0 && !this.detailed) continue;
      const { times, seqs } = list;
      for (let i = 0; i < times.length; i++) {
        const id = successId(list, i);
        let op = succeeded.get(id);
        if (!op) {
          const failed = this.failedOperations.get(id);
          if (!failed) continue;
          succeeded.set(id, (op = { ...failed }));
        }
        addAttempt(op, times[i]!, seqs[i]!);
      }
    }
    const retried: Array<[string, Operation]> = [];
    for (const [id, failed] of this.failedOperations) {
      const op = succeeded.get(id) ?? failed;
      if (op.attempts > 1) retried.push([id, op]);
    }
    return retried.sort(([, a], [, b]) => a.first - b.first || a.firstSeq - b.firstSeq);
  }

  private addDuration(entry: DetectionEntry, outcomeKind: string | undefined, time: number): void {
    const durationMs = entry.durationMs!;
    this.timed.add(entry, time);
    this.durations.add(time / DAY, durationMs);
    if (this.slaMs === null) return;
    const kind = outcomeKind ?? operationKind(entry);
    let sla = this.slaByKind.get(kind);
    if (!sla) this.slaByKind.set(kind, (sla = { over: new Group(), durations: [] }));
    sla.durations.push(durationMs);
    if (durationMs > this.slaMs) sla.over.add(entry, time);
  }

  /**
   * failure: failures with the same fingerprint (error type + message template).
   * confidence = n / (n + 1): how sure we are that it recurs, growing with every repeat.
   */
  private failurePatterns(): PatternCandidate[] {
    return [...this.failuresBySignature].map(([signature, group]) => {
      const kinds = group.topKinds();
      const bins: Record<string, number> = {};
      for (const kind of kinds)
        for (const [bin, n] of Object.entries(this.successBinsByKind.get(kind) ?? {}))
          bins[bin] = (bins[bin] ?? 0) + n;
      return candidate('failure', signature, signature, group, group.count / (group.count + 1), {
        fingerprint: fingerprint(signature),
        errorType: group.errorType ?? 'unknown',
        operationKinds: kinds,
        // What a time limit for these operations must allow: evidence for param tuning.
        successP99Ms: binQuantile(bins, 0.99),
        messageMaxMs: group.messageMaxMs,
      });
    });
  }

  /**
   * failure (capability gap): an operation kind that fails at least half the time.
   * confidence = the kind's failure rate.
   */
  private capabilityPatterns(): PatternCandidate[] {
    const result: PatternCandidate[] = [];
    for (const [kind, { successes, failures }] of this.kinds) {
      const attempts = successes.count + failures.count;
      const rate = failures.count / attempts;
      if (rate < 0.5 || failures.count === 0) continue;
      result.push(
        candidate(
          'failure',
          `kind:${kind}`,
          `"${kind}" operations fail ${Math.round(rate * 100)} % of the time (${failures.count} of ${attempts})`,
          failures,
          rate,
          { operationKind: kind, failureRate: round(rate), attempts },
        ),
      );
    }
    return result;
  }

  /**
   * success: an operation kind that keeps succeeding.
   * confidence = (successes + 1) / (attempts + 2): its success rate, smoothed for small counts.
   */
  private successPatterns(): PatternCandidate[] {
    const result: PatternCandidate[] = [];
    for (const [kind, { successes, failures }] of this.kinds) {
      if (successes.count === 0) continue;
      const attempts = successes.count + failures.count;
      result.push(
        candidate(
          'success',
          `kind:${kind}`,
          `"${kind}" operations succeed (${successes.count} of ${attempts})`,
          successes,
          (successes.count + 1) / (attempts + 2),
          { operationKind: kind, failureRate: round(failures.count / attempts), attempts },
        ),
      );
    }
    return result;
  }

  /**
   * performance: durations drifting up (confidence = correlation of duration with time, when
   * positive), or an operation kind usually over the SLA (confidence = share of its runs over it).
   */
  private performancePatterns(): PatternCandidate[] {
    const result: PatternCandidate[] = [];
    const r = this.timed.count >= 3 ? this.durations.value() : null;
    if (r !== null && r > 0)
      result.push(
        candidate(
          'performance',
          'duration:rising',
          `Operations are getting slower (correlation of duration with time ${round(r)})`,
          this.timed,
          r,
          { correlation: round(r) },
        ),
      );
    for (const [kind, { over, durations }] of this.slaByKind) {
      if (over.count === 0) continue;
      result.push(
        candidate(
          'performance',
          `sla:${kind}`,
          `"${kind}" operations run over the ${this.slaMs} ms SLA (${over.count} of ${durations.length})`,
          over,
          over.count / durations.length,
          { operationKind: kind, slaMs: this.slaMs, medianMs: median(durations) },
        ),
      );
    }
    return result;
  }

  /**
   * behavior: failures concentrated in one hour of the day (confidence = that hour's share of all
   * failures), and operations retried after failing (confidence = n / (n + 1)).
   */
  private behaviorPatterns(): PatternCandidate[] {
    const result: PatternCandidate[] = [];
    for (const [hour, group] of this.failuresByHour) {
      const share = group.count / this.failureCount;
      // Only worth telling when failures are not spread evenly: at least half in one hour.
      if (share < 0.5 || this.failureCount < 2) continue;
      const label = `${String(hour).padStart(2, '0')}:00–${String(hour).padStart(2, '0')}:59 UTC`;
      result.push(
        candidate(
          'behavior',
          `hour:${hour}`,
          `${Math.round(share * 100)} % of failures happen between ${label}`,
          group,
          share,
          { hourUtc: hour, share: round(share) },
        ),
      );
    }
    const retried = this.retriedOperations();
    if (retried.length > 0) {
      let attempts = 0;
      let firstSeen = retried[0]![1].first;
      let lastSeen = retried[0]![1].last;
      for (const [, op] of retried) {
        attempts += op.attempts;
        if (op.last > lastSeen) lastSeen = op.last;
        if (op.first < firstSeen) firstSeen = op.first;
      }
      result.push({
        patternType: 'behavior',
        signature: 'retries',
        description: `${retried.length} operation(s) were retried after failing (${attempts} attempts)`,
        // frequency counts operations retried, not attempts.
        frequency: retried.length,
        confidence: retried.length / (retried.length + 1),
        firstSeen: new Date(firstSeen).toISOString(),
        lastSeen: new Date(lastSeen).toISOString(),
        examples: retried.slice(0, EXAMPLES).map(([id]) => id),
        extra: { operations: retried.length, attempts },
      });
    }
    return result;
  }
}
