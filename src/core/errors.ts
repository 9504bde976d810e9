/** Exit codes of the contract: 1 runtime failure, 2 bad usage or invalid input (nothing written). */
export const EXIT_RUNTIME = 1;
export const EXIT_USAGE = 2;

export interface Kv1ntErrorOptions {
  /** What the user can do next, one sentence each. */
  suggestions?: string[];
  exit?: number;
  cause?: unknown;
}

/**
 * The one error type the core throws. Commands render it; the core never prints or exits.
 * `code` is stable and machine-readable (it is what `--json` reports).
 */
export class Kv1ntError extends Error {
  readonly code: string;
  readonly suggestions: string[];
  readonly exit: number;

  constructor(code: string, message: string, options: Kv1ntErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'Kv1ntError';
    this.code = code;
    this.suggestions = options.suggestions ?? [];
    this.exit = options.exit ?? EXIT_RUNTIME;
  }
}

/** Invalid input: exit 2, and by contract nothing has been written. */
export function invalidInput(message: string, suggestions: string[] = []): Kv1ntError {
  return new Kv1ntError('INVALID_INPUT', message, { exit: EXIT_USAGE, suggestions });
}

export function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}

export function hasErrno(error: unknown, ...codes: string[]): boolean {
  return isErrnoException(error) && codes.includes(error.code ?? '');
}
