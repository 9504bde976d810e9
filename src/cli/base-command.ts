import { Command, Flags, type Interfaces } from '@oclif/core';
import { Kv1ntCore } from '../core/index.js';
import { errorDocument, errorReport, errorText, warnOnStderr, type CommandError } from './error-report.js';
import { withProgress, type Progress } from './progress.js';
import { BASE_FLAGS, type FlagSpec } from './record-commands.js';
import { setWide, visibleExceptColour } from './terminal.js';

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<
  (typeof Kv1ntCommand)['baseFlags'] & T['flags']
>;

/**
 * Every kv1nt command: `--json`, `--data-dir`, `--config`, and one way of reporting errors —
 * `{"error": {code, message, suggestions}}` on stdout with `--json`, a short message on stderr
 * otherwise (a stack trace only with DEBUG set), and exit 1 for a failure, 2 for bad input.
 */
export abstract class Kv1ntCommand extends Command {
  static override enableJsonFlag = true;

  // Described in record-commands.ts, which the record path's fast path reads too.
  static override baseFlags = {
    'data-dir': Flags.string(described(BASE_FLAGS['data-dir'])),
    config: Flags.string(described(BASE_FLAGS.config)),
    wide: Flags.boolean(described(BASE_FLAGS.wide)),
  };

  override async init(): Promise<void> {
    await super.init();
    // Read before parsing: every renderer sizes its output to the terminal through terminal.ts.
    setWide(this.argv.includes('--wide'));
  }

  /** The engines, after finishing or undoing whatever a crashed optimization left. */
  protected async openCore(flags: {
    'data-dir'?: string | undefined;
    config?: string | undefined;
  }): Promise<Kv1ntCore> {
    const core = await Kv1ntCore.open({
      dataDir: flags['data-dir'],
      config: flags.config,
      // kv1nt plugins installed or linked through oclif's plugin manager, besides the config's.
      plugins: { oclif: () => this.config.getPluginsList() },
      // stderr, so that stdout stays one JSON document with --json.
      onWarning: warnOnStderr,
    });
    await core.recover();
    return core;
  }

  /** Progress of `work` on stderr (none with --json: a machine reads the document only). */
  protected withProgress<T>(work: (progress: Progress) => Promise<T>): Promise<T> {
    return withProgress(!this.jsonEnabled(), work);
  }

  /** Human output only: nothing but the JSON document may reach stdout with --json. */
  protected say(text: string): void {
    if (!this.jsonEnabled()) this.log(text);
  }

  /**
   * Every human line: an invisible character in it (user input, quoted) is shown as an escape —
   * all but the colours kv1nt painted on a colour terminal.
   */
  override log(message = '', ...args: unknown[]): void {
    super.log(visibleExceptColour(message), ...args);
  }

  protected override catch(error: CommandError): Promise<void> {
    const report = errorReport(error, Object.keys(this.ctor.flags ?? {}));
    process.exitCode = report.exit;
    if (this.jsonEnabled()) this.logJson(errorDocument(report));
    else process.stderr.write(errorText(report, error));
    return Promise.resolve();
  }
}

/** A flag spec's texts, as oclif takes them. */
function described(spec: FlagSpec): { description: string; helpGroup?: string } {
  return spec.helpGroup === undefined
    ? { description: spec.description }
    : { description: spec.description, helpGroup: spec.helpGroup };
}
