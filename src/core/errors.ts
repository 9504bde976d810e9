/** Exit codes: 1 runtime failure, 2 bad usage or invalid input (nothing written). */
export const EXIT_RUNTIME = 1;
export const EXIT_USAGE = 2;

/**
 * Every code the core throws, with its exit code and the docs section that explains it. The
 * code is stable and machine-readable: it is what `--json` reports.
 */
const CATALOGUE = {
  INVALID_INPUT: { exit: EXIT_USAGE },
  AGENT_NOT_FOUND: { exit: EXIT_USAGE, ref: 'docs/configuration.md#agents' },
  AGENT_EXISTS: { exit: EXIT_USAGE, ref: 'docs/configuration.md#agents' },
  AGENT_PATH_MISSING: { exit: EXIT_USAGE, ref: 'docs/configuration.md#agents' },
  AGENT_PATH_UNSAFE: { exit: EXIT_USAGE, ref: 'docs/configuration.md#agents' },
  CONFIG_NOT_FOUND: { exit: EXIT_USAGE, ref: 'docs/configuration.md' },
  CONFIG_INVALID: { exit: EXIT_USAGE, ref: 'docs/configuration.md' },
  DATA_DIR_INVALID: { exit: EXIT_RUNTIME, ref: 'docs/storage.md#data-dir' },
  DATA_DIR_UNWRITABLE: { exit: EXIT_RUNTIME, ref: 'docs/storage.md#data-dir' },
  DATA_DIR_ESCAPE: { exit: EXIT_RUNTIME, ref: 'docs/storage.md#data-dir' },
  PATH_ESCAPE: { exit: EXIT_USAGE, ref: 'docs/storage.md#data-dir' },
  STORE_CORRUPT: { exit: EXIT_RUNTIME, ref: 'docs/storage.md#corrupt-store' },
  STORE_TOO_NEW: { exit: EXIT_RUNTIME, ref: 'docs/storage.md#corrupt-store' },
  LOCK_TIMEOUT: { exit: EXIT_RUNTIME, ref: 'docs/optimization.md#locks' },
  OPTIMIZATION_RUNNING: { exit: EXIT_RUNTIME, ref: 'docs/optimization.md#locks' },
  PLAN_NOT_FOUND: { exit: EXIT_USAGE, ref: 'docs/optimization.md#approval' },
  PLAN_NOT_PENDING: { exit: EXIT_USAGE, ref: 'docs/optimization.md#approval' },
  RESULT_NOT_FOUND: { exit: EXIT_USAGE, ref: 'docs/optimization.md#rollback' },
  OPPORTUNITY_NOT_FOUND: { exit: EXIT_USAGE, ref: 'docs/analysis.md#dismissing-an-opportunity' },
  ID_NOT_FOUND: { exit: EXIT_USAGE, ref: 'docs/optimization.md#ids-by-prefix' },
  ID_AMBIGUOUS: { exit: EXIT_USAGE, ref: 'docs/optimization.md#ids-by-prefix' },
  TXN_EXISTS: { exit: EXIT_RUNTIME, ref: 'docs/optimization.md#rollback' },
  TXN_BAD_JOURNAL: { exit: EXIT_RUNTIME, ref: 'docs/optimization.md#rollback' },
  TXN_BAD_BLOB: { exit: EXIT_RUNTIME, ref: 'docs/optimization.md#rollback' },
  TXN_BLOB_MISSING: { exit: EXIT_RUNTIME, ref: 'docs/optimization.md#rollback' },
  TXN_MISSING_PARENT: { exit: EXIT_RUNTIME, ref: 'docs/optimization.md#rollback' },
  TXN_UNSAFE_PATH: { exit: EXIT_RUNTIME, ref: 'docs/optimization.md#rollback' },
  GIT_NOT_FOUND: { exit: EXIT_USAGE, ref: 'docs/hooks.md' },
  NOT_A_GIT_REPOSITORY: { exit: EXIT_USAGE, ref: 'docs/hooks.md' },
  HOOK_CONFLICT: { exit: EXIT_RUNTIME, ref: 'docs/hooks.md' },
  HOOKS_MANAGED_BY_HUSKY: { exit: EXIT_USAGE, ref: 'docs/hooks.md' },
  HOOKS_MANAGED_BY_LEFTHOOK: { exit: EXIT_USAGE, ref: 'docs/hooks.md' },
  STATS_BAD_ARGUMENT: { exit: EXIT_RUNTIME, ref: 'docs/how-kv1nt-decides.md' },
} as const satisfies Record<string, { exit: number; ref?: string }>;

export type Kv1ntErrorCode = keyof typeof CATALOGUE;

export interface Kv1ntErrorOptions {
  /** What the user can do next, one sentence each. */
  suggestions?: string[];
  /** The docs section that explains the error; defaults to the code's. */
  ref?: string;
  /** The input (a parameter name, e.g. `minFrequency`) whose value was refused. */
  input?: string;
  cause?: unknown;
}

/**
 * The one error type the core throws. Commands render it; the core never prints or exits. Made
 * only by the factories below, so each code keeps one exit code and one docs reference.
 */
export class Kv1ntError extends Error {
  readonly code: Kv1ntErrorCode;
  readonly suggestions: string[];
  readonly exit: number;
  declare readonly ref?: string;
  declare readonly input?: string;

  constructor(code: Kv1ntErrorCode, message: string, options: Kv1ntErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'Kv1ntError';
    this.code = code;
    this.suggestions = options.suggestions ?? [];
    this.exit = CATALOGUE[code].exit;
    // Only when known: `--json` reports every own field of the error.
    const ref = options.ref ?? (CATALOGUE[code] as { ref?: string }).ref;
    if (ref !== undefined) Object.defineProperty(this, 'ref', { value: ref, enumerable: true });
    // Not reported as such: the command names the flag or argument the input came from.
    if (options.input !== undefined) Object.defineProperty(this, 'input', { value: options.input });
  }
}

/** Invalid input: exit 2, and nothing has been written. */
export function invalidInput(message: string, suggestions: string[] = [], input?: string): Kv1ntError {
  return new Kv1ntError('INVALID_INPUT', message, { suggestions, ...(input === undefined ? {} : { input }) });
}

/** A refused value of the input `input` (a parameter name): `<input> must be <rule> (got <value>).` */
export function invalidValue(input: string, rule: string, value: unknown): Kv1ntError {
  return invalidInput(`${input} must be ${rule} (got ${String(value)}).`, [], input);
}

export function agentNotFound(message: string, suggestions: string[]): Kv1ntError {
  return new Kv1ntError('AGENT_NOT_FOUND', message, { suggestions });
}

export function agentExists(id: string, path: string): Kv1ntError {
  return new Kv1ntError('AGENT_EXISTS', `Agent ${id} is already registered (${path}).`, {
    suggestions: ['Pass --force to replace it, or remove it first with `kv1nt agents remove`.'],
  });
}

export function agentPathMissing(agentId: string, folder: string): Kv1ntError {
  return new Kv1ntError('AGENT_PATH_MISSING', `The folder of agent ${agentId} does not exist: ${folder}`);
}

export function agentPathUnsafe(message: string, suggestions: string[] = []): Kv1ntError {
  return new Kv1ntError('AGENT_PATH_UNSAFE', message, { suggestions });
}

export function configNotFound(file: string): Kv1ntError {
  return new Kv1ntError('CONFIG_NOT_FOUND', `Config file ${file} does not exist.`);
}

export function configInvalid(message: string, suggestions: string[] = [], cause?: unknown): Kv1ntError {
  return new Kv1ntError('CONFIG_INVALID', message, { suggestions, cause });
}

export function storeCorrupt(message: string, suggestions: string[]): Kv1ntError {
  return new Kv1ntError('STORE_CORRUPT', message, { suggestions });
}

/** A damaged segment of the feedback log: the rest of the log is intact. */
export function logCorrupt(message: string, suggestions: string[]): Kv1ntError {
  return new Kv1ntError('STORE_CORRUPT', message, { suggestions, ref: 'docs/storage.md#feedback-log' });
}

export function storeTooNew(message: string, suggestions: string[], ref?: string): Kv1ntError {
  return new Kv1ntError('STORE_TOO_NEW', message, { suggestions, ...(ref === undefined ? {} : { ref }) });
}

/** `what` is missing: a plan, an optimization result, an opportunity or another stored row (exit 2). */
export function notFound(
  code: 'PLAN_NOT_FOUND' | 'RESULT_NOT_FOUND' | 'OPPORTUNITY_NOT_FOUND' | 'ID_NOT_FOUND',
  message: string,
  suggestions: string[],
): Kv1ntError {
  return new Kv1ntError(code, message, { suggestions });
}

/** An id prefix that fits several ids: `candidates` (reported with --json) are the ids it fits. */
export function ambiguousId(message: string, candidates: string[], suggestions: string[]): Kv1ntError {
  const error = new Kv1ntError('ID_AMBIGUOUS', message, { suggestions });
  Object.defineProperty(error, 'candidates', { value: candidates, enumerable: true });
  return error;
}

export function planNotPending(message: string): Kv1ntError {
  return new Kv1ntError('PLAN_NOT_PENDING', message);
}

/** A broken or reused transaction folder of the copy-on-write apply. */
export function transactionError(
  code:
    | 'TXN_EXISTS'
    | 'TXN_BAD_JOURNAL'
    | 'TXN_BAD_BLOB'
    | 'TXN_BLOB_MISSING'
    | 'TXN_MISSING_PARENT'
    | 'TXN_UNSAFE_PATH',
  message: string,
): Kv1ntError {
  return new Kv1ntError(code, message);
}

/** A data dir that cannot be used as one. */
export function dataDirError(
  code: 'DATA_DIR_INVALID' | 'DATA_DIR_UNWRITABLE' | 'DATA_DIR_ESCAPE' | 'PATH_ESCAPE',
  message: string,
  suggestions: string[] = [],
  cause?: unknown,
): Kv1ntError {
  return new Kv1ntError(code, message, { suggestions, cause });
}

/** Someone else holds what this command needs (a lock, an agent being optimized). */
export function busy(
  code: 'LOCK_TIMEOUT' | 'OPTIMIZATION_RUNNING',
  message: string,
  suggestions: string[] = [],
): Kv1ntError {
  return new Kv1ntError(code, message, { suggestions });
}

/** Git hooks that kv1nt cannot install where they are asked for. */
export function hooksError(
  code:
    | 'GIT_NOT_FOUND'
    | 'NOT_A_GIT_REPOSITORY'
    | 'HOOK_CONFLICT'
    | 'HOOKS_MANAGED_BY_HUSKY'
    | 'HOOKS_MANAGED_BY_LEFTHOOK',
  message: string,
  suggestions: string[] = [],
  cause?: unknown,
): Kv1ntError {
  return new Kv1ntError(code, message, { suggestions, cause });
}

/** A statistics function called with arguments it cannot use: a bug of its caller. */
export function statsBadArgument(message: string): Kv1ntError {
  return new Kv1ntError('STATS_BAD_ARGUMENT', message);
}

export function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}

export function hasErrno(error: unknown, ...codes: string[]): boolean {
  return isErrnoException(error) && codes.includes(error.code ?? '');
}
