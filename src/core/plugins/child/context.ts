import { deepFreeze } from '../../deep-freeze.js';
import { readFeedbackWindow } from '../../feedback/window.js';
import type { ToolResult } from '../../sdk/types.js';
import type { LineChannel } from '../line-channel.js';
import type { CallRequest, HostMessage, PluginMessage } from '../protocol.js';

type Channel = LineChannel<HostMessage, PluginMessage>;
type AwaitRun = (runId: number, resolve: (result: ToolResult) => void) => void;

/**
 * The component's `ctx`, deep-frozen: the context's data, `now` as a Date, `warn` and `run` sent to
 * kv1nt as messages, and `feedback` read from the log here, read-only, the first time the plugin
 * reads it (so a detector that does not read it costs nothing however big the window).
 */
export function contextOf(
  message: CallRequest,
  channel: Channel,
  awaitRun: AwaitRun,
): Record<string, unknown> {
  const { callId, context, feedbackWindow, hasRun } = message;
  const ctx: Record<string, unknown> = {
    ...context,
    now: new Date(String(context.now)),
    warn(text: unknown) {
      channel.send({ kind: 'warn', callId, message: String(text) });
    },
  };
  if (feedbackWindow) {
    let read: { entries: unknown } | undefined;
    Object.defineProperty(ctx, 'feedback', {
      enumerable: true,
      get() {
        if (!read) channel.send({ kind: 'feedbackRead', callId });
        read ??= { entries: deepFreeze(readFeedbackWindow(feedbackWindow)) };
        return read.entries;
      },
    });
  }
  if (hasRun) ctx.run = runner(callId, channel, awaitRun);
  return deepFreeze(ctx);
}

let nextRun = 0;

/** `ctx.run`: kv1nt runs the tool (this process may not start one) and sends back its result. */
function runner(
  callId: number,
  channel: Channel,
  awaitRun: AwaitRun,
): (
  command: unknown,
  args?: unknown,
  options?: { timeoutMs?: unknown; cwd?: unknown },
) => Promise<ToolResult> {
  return (command, args, options) =>
    new Promise((resolve) => {
      const runId = nextRun++;
      awaitRun(runId, resolve);
      const wanted: { timeoutMs?: number; cwd?: string } = {};
      if (typeof options?.timeoutMs === 'number') wanted.timeoutMs = options.timeoutMs;
      if (typeof options?.cwd === 'string') wanted.cwd = options.cwd;
      channel.send({
        kind: 'run',
        callId,
        runId,
        command: String(command),
        args: Array.from((args ?? []) as Iterable<unknown>, String),
        options: wanted,
      });
    });
}
