import { ownOrCreate, ownValue, safeRecord, setOwn } from '../safe-record.js';
import { hourKey, mergeBucket, type Bucket, type ScoreAggregates } from './aggregates.js';
import { HourSums } from './hour-sums.js';
import type { TallyColumns } from './import-block.js';
import type { FeedbackEntry } from './types.js';

interface AgentHours {
  count: number;
  byHour: Map<string, HourSums>;
  lastHour: string;
  last: HourSums | undefined;
}

/** Per-agent counts, the time range and the hourly sums of the entries an import takes. */
export class ImportTally {
  from: string | null = null;
  to: string | null = null;
  /** agentId → hour key → sums (Maps and HourSums: no keyed lookups in records per entry). */
  private readonly hours = new Map<string, AgentHours>();

  /** Entries taken per agent. */
  get agents(): Record<string, number> {
    const agents = safeRecord<number>();
    for (const [agentId, { count }] of this.hours) setOwn(agents, agentId, count);
    return agents;
  }

  add(entry: FeedbackEntry): void {
    this.sumsOf(entry.agentId, entry.timestamp).add(entry);
  }

  /** The entries of a block's columns, in order, but those `skip` holds (duplicates). */
  addColumns(columns: TallyColumns, skip?: ReadonlySet<number>): void {
    const count = columns.agent.length;
    const { timestamps: bytes, timestampEnds: ends } = columns;
    const timestamps = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let metric = 0;
    for (let i = 0; i < count; i++) {
      const metrics = columns.metricCount[i]!;
      if (skip?.has(i)) {
        metric += metrics;
        continue;
      }
      // A string of its own (decoding copies): the sums may keep it for the whole import.
      const timestamp = timestamps.toString('latin1', i === 0 ? 0 : ends[i - 1]!, ends[i]);
      const sums = this.sumsOf(columns.agents[columns.agent[i]!]!, timestamp);
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
        timestamp,
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
      for (const [hour, sums] of byHour) {
        const bucket = sums.toBucket();
        const existing = ownValue(into, hour);
        if (existing) mergeBucket(existing, bucket);
        else setOwn(into, hour, bucket);
      }
    }
  }

  /** The sums of the entry's agent and hour, counting the entry and its time. */
  private sumsOf(agentId: string, timestamp: string): HourSums {
    if (this.from === null || timestamp < this.from) this.from = timestamp;
    if (this.to === null || timestamp > this.to) this.to = timestamp;
    let agent = this.hours.get(agentId);
    if (agent === undefined) {
      agent = { count: 0, byHour: new Map(), lastHour: '', last: undefined };
      this.hours.set(agentId, agent);
    }
    agent.count++;
    // An agent's entries mostly come hour by hour: the last hour's sums are at hand without a key.
    if (agent.last === undefined || !timestamp.startsWith(agent.lastHour)) {
      const hour = hourKey(timestamp);
      let sums = agent.byHour.get(hour);
      if (sums === undefined) agent.byHour.set(hour, (sums = new HourSums(timestamp)));
      agent.lastHour = hour;
      agent.last = sums;
    }
    return agent.last;
  }
}
