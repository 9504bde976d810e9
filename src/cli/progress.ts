import { ux } from '@oclif/core';

/** What a long command reports as it goes; one implementation per display. */
export interface Progress {
  /** `done` units so far (lines read). */
  update(done: number): void;
  stop(message?: string): void;
}

const SILENT: Progress = { update: () => undefined, stop: () => undefined };

/**
 * A progress line on stderr (`Importing… 1 200 000 lines, 310 000 lines/s`), only on a terminal
 * and never with --json: a pipe or a log file gets nothing. The one place to swap the display.
 */
export function progressLine(label: string, options: { json: boolean }): Progress {
  if (options.json || !process.stderr.isTTY) return SILENT;
  const started = Date.now();
  ux.action.start(label);
  return {
    update(done) {
      const seconds = (Date.now() - started) / 1000;
      const rate = seconds > 0 ? Math.round(done / seconds) : 0;
      ux.action.status = `${done.toLocaleString('en-US')} lines, ${rate.toLocaleString('en-US')} lines/s`;
    },
    stop(message) {
      ux.action.stop(message);
    },
  };
}
