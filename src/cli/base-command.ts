import { Command, Flags, type Interfaces } from '@oclif/core';
import { Kv1ntError, EXIT_RUNTIME, EXIT_USAGE } from '../core/errors.js';
import { Kv1ntCore, visible } from '../core/index.js';

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<
  (typeof Kv1ntCommand)['baseFlags'] & T['flags']
>;

/**
 * Every kv1nt command: `--json`, `--data-dir`, `--config`, and one way of reporting errors —
 * `{"error": {code, message, suggestions}}` on stdout with `--json`, a short message on stderr
 * otherwise (a stack trace only with DEBUG set), and the contract's exit codes.
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
  };

  /** The engines, after finishing or undoing whatever a crashed optimization left (contract §6). */
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

  /** Human output only: nothing but the JSON document may reach stdout with --json. */
  protected say(text: string): void {
    if (!this.jsonEnabled()) this.log(text);
  }

  /** Every human line: an invisible character in it (user input, quoted) is shown as an escape. */
  override log(message = '', ...args: unknown[]): void {
    super.log(visible(message), ...args);
  }

  protected override catch(error: Error & { oclif?: { exit?: number }; parse?: unknown }): Promise<void> {
    // Messages quote user input: an invisible character in it is shown as an escape.
    const report = visibleStrings(describe(error));
    process.exitCode = report.exit;
    if (this.jsonEnabled()) {
      const { exit: _exit, ...body } = report;
      this.logJson({ error: body });
    } else {
      const lines = [`Error: ${report.message}`, ...report.suggestions.map((hint) => `  → ${hint}`)];
      if (process.env.DEBUG && error.stack) lines.push(error.stack);
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
  [extra: string]: unknown;
}

function describe(error: Error & { oclif?: { exit?: number }; parse?: unknown }): ErrorReport {
  if (error instanceof Kv1ntError) {
    const { code, message, suggestions, exit } = error;
    const extra = Object.fromEntries(
      Object.entries(error).filter(([key]) => !['code', 'suggestions', 'exit', 'name'].includes(key)),
    );
    return { code, message, suggestions, exit, ...extra };
  }
  if (error.parse !== undefined || error.oclif?.exit === EXIT_USAGE) {
    return {
      code: 'INVALID_USAGE',
      message: error.message.replace(/\nSee more help with --help$/, ''),
      suggestions: ['Run the command with --help to see its arguments and flags.'],
      exit: EXIT_USAGE,
    };
  }
  const exit = error.oclif?.exit ?? EXIT_RUNTIME;
  return {
    code: 'INTERNAL',
    message: error.message || String(error),
    suggestions:
      exit === EXIT_RUNTIME ? ['Run again with DEBUG=* for details, and report it if it persists.'] : [],
    exit,
  };
}
