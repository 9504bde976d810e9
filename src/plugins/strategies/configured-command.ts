import { defineStrategy, OPPORTUNITY_TYPES } from '../../core/sdk/index.js';

/**
 * Runs the command the config gives for an opportunity type (top-level key `actions`, e.g.
 * `"actions": {"code_smell": "npx eslint --fix ."}`) in the sandbox, through `sh -c`. Whatever
 * the command changes is the action's change; the agent's tests then decide whether it is kept.
 */

/** A fixer may take a while: this many times `thresholds.toolTimeoutMs` (default 8 s → 2 min). */
export const COMMAND_TIMEOUT_FACTOR = 15;

/** The configured command for an opportunity type, or undefined. */
export function configuredCommand(
  config: Readonly<Record<string, unknown>>,
  type: string,
): string | undefined {
  const actions = config.actions;
  if (actions === null || typeof actions !== 'object' || !Object.hasOwn(actions, type)) return undefined;
  const command = (actions as Record<string, unknown>)[type];
  return typeof command === 'string' && command.trim() !== '' ? command : undefined;
}

function tail(text: string, chars = 1500): string {
  const trimmed = text.trim();
  return trimmed.length > chars ? `…${trimmed.slice(-chars)}` : trimmed;
}

export default defineStrategy({
  id: 'kv1nt/configured-command',
  handles: OPPORTUNITY_TYPES,
  plan(opportunity, ctx) {
    const command = configuredCommand(ctx.config, opportunity.type);
    if (command === undefined || !ctx.agent.path) return [];
    return [
      {
        type: 'command',
        description: `Run \`${command}\` (configured in actions.${opportunity.type}): ${opportunity.title}`,
        // An arbitrary command can change anything in the folder: never "low".
        risk: 'medium',
        expectedChange: `whatever \`${command}\` changes in the agent folder`,
        target: `command:${opportunity.type}`,
        command,
        opportunityType: opportunity.type,
      },
    ];
  },
  async apply(action, sandboxDir, ctx) {
    const command = action.command;
    if (typeof command !== 'string' || command.trim() === '') {
      throw new Error(`The action has no command to run (${JSON.stringify(command)}).`);
    }
    // Only what the config says now is run: a stored plan is not a way to run something else.
    const configured = configuredCommand(ctx.config, String(action.opportunityType));
    if (configured !== command) {
      throw new Error(
        `actions.${String(action.opportunityType)} is ${configured === undefined ? 'no longer configured' : `now \`${configured}\``}, not \`${command}\`; plan again.`,
      );
    }
    const timeoutMs = ctx.config.thresholds.toolTimeoutMs * COMMAND_TIMEOUT_FACTOR;
    const result = await ctx.run('sh', ['-c', command], { timeoutMs, cwd: sandboxDir });
    if (result.error || result.timedOut || result.exitCode !== 0) {
      const why =
        result.error ?? (result.timedOut ? `timed out after ${timeoutMs} ms` : `exit ${result.exitCode}`);
      const output = tail([result.stdout, result.stderr].filter((s) => s.trim() !== '').join('\n'));
      throw new Error(`\`${command}\` failed (${why})${output ? `: ${output}` : ''}`);
    }
  },
});
