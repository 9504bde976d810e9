import type { FeedbackLog } from '../store/feedback-log.js';

interface Pending {
  lines: readonly string[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: entries recorded in the same turn of the event loop share one append and one
 * fdatasync. Each caller's promise still resolves only once its own entries are durable, so an
 * agent that awaits every record gets per-record durability, and one that fires many at once gets
 * the throughput of a bulk write.
 */
export class Recorder {
  private queue: Pending[] = [];
  private flushing = false;

  constructor(private readonly log: FeedbackLog) {}

  /**
   * Appends serialized entries (one JSON line each, no newline). The array is kept until the
   * flush, not copied: callers hand over a fresh one and do not change it afterwards.
   */
  write(lines: readonly string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ lines, resolve, reject });
      if (!this.flushing) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    if (this.flushing || this.queue.length === 0) return;
    this.flushing = true;
    const batch = this.queue;
    this.queue = [];
    try {
      await this.log.append(batch.flatMap((pending) => pending.lines));
      for (const pending of batch) pending.resolve();
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    } finally {
      this.flushing = false;
      if (this.queue.length > 0) setImmediate(() => void this.flush());
    }
  }
}
