import type { FeedbackEntry, FeedbackInput } from './feedback/types.js';
import { toFeedbackEntry } from './feedback/validate.js';
import { runAndMeasure } from './runner/run-command.js';

export interface RunRequest {
  agentId: string;
  /** The command and its arguments, verbatim. */
  command: readonly string[];
  /** Operation id to record (default: the command line, cut to 256 characters). */
  operationId?: string | undefined;
  /** Error type to record when the command fails (default: exit_<code> or the signal name). */
  typeOnFailure?: string | undefined;
  /** The command's stdout goes to stderr (so that stdout carries only a JSON document). */
  stdoutToStderr?: boolean;
}

export type RunRecord = FeedbackEntry & { exitCode: number };

/**
 * Runs a command as one operation of an agent, in the foreground, and records a success or a
 * failure with its duration. The entry is validated before the command runs: a typo in the agent
 * id must not run the command unrecorded.
 */
export async function runAndRecord(
  request: RunRequest,
  core: { now: () => Date; record: (input: FeedbackInput) => Promise<FeedbackEntry> },
): Promise<RunRecord> {
  const { agentId, command } = request;
  const operationId = (request.operationId ?? command.join(' ')).slice(0, 256);
  toFeedbackEntry({ agentId, operationId, type: 'success' }, core.now());
  const outcome = await runAndMeasure(command, { stdoutToStderr: request.stdoutToStderr ?? false });
  const failed = outcome.exitCode !== 0;
  const entry = await core.record({
    agentId,
    operationId,
    type: failed ? 'failure' : 'success',
    durationMs: outcome.durationMs,
    details: {
      command: command.join(' ').slice(0, 1000),
      exitCode: outcome.exitCode,
      ...(outcome.signal ? { signal: outcome.signal } : {}),
    },
    ...(failed
      ? {
          errorType: request.typeOnFailure ?? outcome.errorType,
          ...(outcome.message ? { message: outcome.message } : {}),
        }
      : {}),
  });
  return { ...entry, exitCode: outcome.exitCode };
}
