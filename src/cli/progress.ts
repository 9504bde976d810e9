import { ux } from '@oclif/core';
import { cut } from './terminal.js';

/**
 * Progress of long work, on stderr (stdout keeps the result): on a terminal one line redrawn by
 * oclif's spinner (`ux.action`), each step replacing the last; otherwise (a pipe, a CI log, CI
 * set) one plain line per step. The one place every command reports progress through.
 */
export interface Progress {
  /** A new step begins: it replaces the one in flight. */
  step(label: string): void;
  /** The step in flight ends with `outcome` (kept on the screen: `label... outcome`), under `label` if given. */
  done(outcome?: string, label?: string): void;
  /** A running figure of the step in flight (lines so far, rate): on a terminal only — a log gets steps. */
  status(text: string): void;
}

/** Room the spinner adds after the label: `... ⣾ ` and one column the cursor may need. */
const SPINNER_ROOM = 7;

/** Progress shown while `work` runs; stopped however it ends, so no line is left half drawn. */
export async function withProgress<T>(
  enabled: boolean,
  work: (progress: Progress) => Promise<T>,
): Promise<T> {
  if (!enabled) return work(SILENT);
  const progress = ux.action.type === 'spinner' ? new SpinnerProgress() : new PlainProgress();
  try {
    const result = await work(progress);
    progress.done();
    return result;
  } catch (error) {
    progress.done('failed');
    throw error;
  }
}

const SILENT: Progress = { step: () => undefined, done: () => undefined, status: () => undefined };

/**
 * The spinner's line must never wrap: oclif erases it by counting lines at the width it read at
 * start, so a label cut to the width now leaves no stale line at any width.
 */
class SpinnerProgress implements Progress {
  private label: string | null = null;

  step(label: string): void {
    this.label = label;
    ux.action.start(this.fit(label, 0));
  }

  done(outcome = 'done', label = this.label): void {
    if (label === null) return;
    // Drawn again with room for the outcome, which the spinner prints after the label.
    ux.action.start(this.fit(label, outcome.length));
    ux.action.stop(outcome);
    this.label = null;
  }

  status(text: string): void {
    if (this.label === null) return;
    ux.action.status = cut(
      text,
      Math.max(0, this.columns() - SPINNER_ROOM - cut(this.label, null).length - 1),
    );
  }

  private columns(): number {
    return process.stderr.columns > 0 ? process.stderr.columns : 80;
  }

  private fit(label: string, extra: number): string {
    return cut(label, Math.max(10, this.columns() - SPINNER_ROOM - extra));
  }
}

class PlainProgress implements Progress {
  private label: string | null = null;

  step(label: string): void {
    this.label = label;
    process.stderr.write(`${cut(label, null)}...\n`);
  }

  done(outcome?: string, label = this.label): void {
    if (label !== null && outcome !== undefined) process.stderr.write(`${cut(label, null)}... ${outcome}\n`);
    this.label = null;
  }

  status(): void {
    // A log gets one line per step, not a line per tick.
  }
}
