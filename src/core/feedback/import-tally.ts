import { timeOf } from '../patterns/timestamps.js';
import { ownOrCreate, ownValue, safeRecord, setOwn } from '../safe-record.js';
import { hourKey, mergeBucket, type Bucket, type ScoreAggregates } from './aggregates.js';
import { HourSums } from './hour-sums.js';
import type { TallyColumns } from './import-block.js';
import type { FeedbackEntry } from './types.js';

interface AgentHours {
  count: number;
  /** Hours since the epoch → sums. */
  byHour: Map<number, HourSums>;
  lastHour: number;
  last: HourSums | undefined;
}

const HOUR_MS = 3_600_000;

/**
 * Per-agent counts, the time range and the hourly sums of the entries an import takes. Times,
 * not timestamps: validated timestamps are canonical, so a time gives its text back and orders
 * as the text does — a million-line import makes no string per entry here.
 */
export class ImportTally {
  private first = Infinity;
  private last = -Infinity;
  /** agentId → hour → sums (Maps and HourSums: no keyed lookups in records per entry). */
  private readonly hours = new Map<string, AgentHours>();

  /** The earliest and latest timestamp taken; null when none was. */
  get from(): string | null {
    return this.first === Infinity ? null : new Date(this.first).toISOString();
  }

  get to(): string | null {
    return this.last === -Infinity ? null : new Date(this.last).toISOString();
  }

  /** Entries taken per agent. */
  get agents(): Record<string, number> {
    const agents = safeRecord<number>();
    for (const [agentId, { count }] of this.hours) setOwn(agents, agentId, count);
    return agents;
  }

  add(entry: FeedbackEntry): void {
    const time = timeOf(entry.timestamp);
    this.sumsOf(entry.agentId, time).add(entry, time);
  }

  /** The entries of a block's columns, in order, but those `skip` holds (duplicates). */
  addColumns(columns: TallyColumns, skip?: ReadonlySet<number>): void {
    const count = columns.agent.length;
    let metric = 0;
    for (let i = 0; i < count; i++) {
      const metrics = columns.metricCount[i]!;
      if (skip?.has(i)) {
        metric += metrics;
        continue;
      }
      const time = columns.time[i]!;
      const sums = this.sumsOf(columns.agents[columns.agent[i]!]!, time);
      const rating = columns.rating[i]!;
      const durationMs = columns.durationMs[i]!;
      const errorType = columns.errorType[i]!;
      sums.addFields(
        columns.type[i]!,
        columns.source[i]!,
        columns.score[i]!,
        Number.isNaN(rating) ? undefined : rating,
        errorType === -1 ? undefined : columns.errorTypes[errorType],
        Number.isNaN(durationMs) ? undefined : durationMs,
        time,
      );
      for (const end = metric + metrics; metric < end; metric++)
        sums.addMetric(columns.metricNames[columns.metricName[metric]!]!, columns.metricValue[metric]!);
    }
  }

  /** Epochs are exact instants, not hours: an import touching one is folded from the log instead. */
  touchesEpochs(doc: ScoreAggregates): boolean {
    return Object.values(doc.epochs).some((epoch) => this.hours.has(epoch.agentId));
  }

  mergeInto(doc: ScoreAggregates): void {
    for (const [agentId, { byHour }] of this.hours) {
      const into = ownOrCreate(doc.agents, agentId, safeRecord<Bucket>);
      for (const sums of byHour.values()) {
        const bucket = sums.toBucket();
        const hour = hourKey(bucket.first);
        const existing = ownValue(into, hour);
        if (existing) mergeBucket(existing, bucket);
        else setOwn(into, hour, bucket);
      }
    }
  }

  /** The sums of the entry's agent and hour, counting the entry and its time. */
  private sumsOf(agentId: string, time: number): HourSums {
    if (time < this.first) this.first = time;
    if (time > this.last) this.last = time;
    let agent = this.hours.get(agentId);
    if (agent === undefined) {
      agent = { count: 0, byHour: new Map(), lastHour: NaN, last: undefined };
      this.hours.set(agentId, agent);
    }
    agent.count++;
    // An agent's entries mostly come hour by hour: the last hour's sums are at hand without a key.
    const hour = Math.floor(time / HOUR_MS);
    if (hour !== agent.lastHour) {
      let sums = agent.byHour.get(hour);
      if (sums === undefined) agent.byHour.set(hour, (sums = new HourSums(time)));
      agent.lastHour = hour;
      agent.last = sums;
    }
    return agent.last!;
  }
}
