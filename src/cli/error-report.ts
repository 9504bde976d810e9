/**
 * How a failed command reports: `{"error": {code, message, suggestions}}` with --json, a short
 * message on stderr otherwise (a stack trace only with DEBUG set), and exit 1 for a failure, 2 for
 * bad input. Used by every oclif command (base-command.ts) and by the record fast path alike.
 */
import { Kv1ntError, EXIT_RUNTIME, EXIT_USAGE } from '../core/errors.js';
import { visible } from '../core/recording.js';

export type CommandError = Error & { oclif?: { exit?: number }; parse?: unknown };

/** A warning of the stores (what they repaired on their own), on stderr: stdout stays one JSON document. */
export function warnOnStderr(message: string): void {
  process.stderr.write(`Warning: ${visible(message)}\n`);
}

/** What to report for `error`; `flags` are the command's flag names (a core input is named as its flag). */
export function errorReport(error: CommandError, flags: readonly string[]): ErrorReport {
  // Messages quote user input: an invisible character in it is shown as an escape.
  return visibleStrings(describe(error, flags));
}

/** The --json document (logged as oclif logs JSON). */
export function errorDocument(report: ErrorReport): { error: Record<string, unknown> } {
  const { exit: _exit, details, ...body } = report;
  return { error: { ...body, ...details } };
}

/** The text for stderr, as oclif prints an error: the message, what to try, where the docs explain it. */
export function errorText(report: ErrorReport, error: unknown): string {
  const lines = [`Error: ${report.message}`, ...report.suggestions.map((hint) => `  → ${hint}`)];
  if (typeof report.details.ref === 'string') lines.push(`  Reference: ${report.details.ref}`);
  if (process.env.DEBUG) lines.push(...causeChain(error));
  return `${lines.join('\n')}\n`;
}

/** `value` with every string in it passed through `visible`. */
function visibleStrings<T>(value: T): T {
  if (typeof value === 'string') return visible(value) as T;
  if (Array.isArray(value)) return value.map(visibleStrings) as T;
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, visibleStrings(item)])) as T;
  return value;
}

export interface ErrorReport {
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

function describe(error: CommandError, flags: readonly string[]): ErrorReport {
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
