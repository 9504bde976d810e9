import { Command, Flags, type Interfaces } from '@oclif/core';
import { Kv1ntError, EXIT_RUNTIME, EXIT_USAGE } from '../core/errors.js';
import { Kv1ntCore, visible } from '../core/index.js';
import { withProgress, type Progress } from './progress.js';
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

  static override baseFlags = {
    'data-dir': Flags.string({
      description: 'Folder of the stores. Overrides KV1NT_HOME and `dataDir` in the config.',
      helpGroup: 'GLOBAL',
    }),
    config: Flags.string({
      description: 'Config file to use instead of searching for one. Overrides KV1NT_CONFIG.',
      helpGroup: 'GLOBAL',
    }),
    wide: Flags.boolean({
      description: 'Print tables and lines whole instead of fitting them to the terminal width.',
      helpGroup: 'GLOBAL',
    }),
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
      onWarning: (message) => process.stderr.write(`Warning: ${visible(message)}\n`),
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

  protected override catch(error: Error & { oclif?: { exit?: number }; parse?: unknown }): Promise<void> {
    // Messages quote user input: an invisible character in it is shown as an escape.
    const report = visibleStrings(describe(error, Object.keys(this.ctor.flags ?? {})));
    process.exitCode = report.exit;
    if (this.jsonEnabled()) {
      const { exit: _exit, details, ...body } = report;
      this.logJson({ error: { ...body, ...details } });
    } else {
      // As oclif prints an error: the message, what to try, where the docs explain it.
      const lines = [`Error: ${report.message}`, ...report.suggestions.map((hint) => `  → ${hint}`)];
      if (typeof report.details.ref === 'string') lines.push(`  Reference: ${report.details.ref}`);
      if (process.env.DEBUG) lines.push(...causeChain(error));
      process.stderr.write(`${lines.join('\n')}\n`);
    }
    return Promise.resolve();
  }
}

/** `value` with every string in it passed through `visible`. */
function visibleStrings<T>(value: T): T {
  if (typeof value === 'string') return visible(value) as T;
  if (Array.isArray(value)) return value.map(visibleStrings) as T;
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, visibleStrings(item)])) as T;
  return value;
}

interface ErrorReport {
  code: string;
  message: string;
  suggestions: string[];
  exit: number;
  /** The error's own fields (its docs `ref`, the invalid lines of an import…), reported with --json. */
  details: Record<string, unknown>;
}

/** The stack of `error`, then of each error that caused it (DEBUG only). */
function causeChain(error: unknown): string[] {
  const lines: string[] = [];
  for (let at = error, depth = 0; at !== undefined && depth < 10; depth++) {
    const text =
      at instanceof Error ? (at.stack ?? at.message) : typeof at === 'string' ? at : JSON.stringify(at);
    lines.push(depth === 0 ? text : `Caused by: ${text}`);
    at = at instanceof Error ? at.cause : undefined;
  }
  return lines;
}

/**
 * The core names the input it refused (`minFrequency`); the user typed a flag (`--min-frequency`):
 * the message says the flag when the command has one for that input.
 */
function withFlagNamed(error: Kv1ntError, flags: readonly string[]): string {
  if (error.input === undefined) return error.message;
  const flag = error.input.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
  if (!flags.includes(flag) || !error.message.startsWith(error.input)) return error.message;
  return `--${flag}${error.message.slice(error.input.length)}`;
}

function describe(
  error: Error & { oclif?: { exit?: number }; parse?: unknown },
  flags: readonly string[],
): ErrorReport {
  if (error instanceof Kv1ntError) {
    const { code, suggestions, exit } = error;
    const details = Object.fromEntries(
      Object.entries(error).filter(([key]) => !['code', 'suggestions', 'exit', 'name'].includes(key)),
    );
    return { code, message: withFlagNamed(error, flags), suggestions, exit, details };
  }
  if (error.parse !== undefined || error.oclif?.exit === EXIT_USAGE) {
    return {
      code: 'INVALID_USAGE',
      message: error.message.replace(/\nSee more help with --help$/, ''),
      suggestions: ['Run the command with --help to see its arguments and flags.'],
      exit: EXIT_USAGE,
      details: {},
    };
  }
  const exit = error.oclif?.exit ?? EXIT_RUNTIME;
  return {
    code: 'INTERNAL',
    message: error.message || String(error),
    suggestions:
      exit === EXIT_RUNTIME ? ['Run again with DEBUG=* for details, and report it if it persists.'] : [],
    exit,
    details: {},
  };
}
