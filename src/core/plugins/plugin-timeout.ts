/** A plugin call that ran past its time limit (a caller may stop calling that component). */
export class PluginTimeoutError extends Error {
  constructor(ms: number, message = `timed out after ${ms} ms`) {
    super(message);
    this.name = 'PluginTimeoutError';
  }
}
