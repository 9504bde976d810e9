import type { PlanAction } from '../core/index.js';
import { visible } from '../core/index.js';

/**
 * `optimize -i`: the plan's open actions as a checklist on stderr (stdout stays the result). Ticked
 * at first: what would run without -i (LOW and MEDIUM); HIGH and CRITICAL ones need a tick, which
 * is their approval. Ctrl-C or Esc: nothing runs, the plan waits for approval.
 */
export async function chooseActions(actions: PlanAction[]): Promise<string[]> {
  const { default: checkbox } = await import('@inquirer/checkbox');
  try {
    return await checkbox(
      {
        message: `Which actions should be tried? (${actions.length} planned; each is kept only if the agent's tests pass)`,
        choices: actions.map((action) => ({
          value: action.id,
          name: choiceLine(action),
          description: visible(action.description),
          checked: !action.needsApproval,
        })),
        loop: false,
        required: false,
      },
      { output: process.stderr },
    );
  } catch (error) {
    if ((error as Error).name !== 'ExitPromptError') throw error;
    process.stderr.write('Nothing chosen: the plan waits for approval.\n');
    return [];
  }
}

/**
 * One line per action, cut to the terminal's width (the action under the cursor is shown whole
 * below the list): severity and approval, risk, the budget of test runs, what it changes.
 */
export function choiceLine(action: PlanAction, columns = process.stderr.columns || 80): string {
  const runs = action.search
    ? `≤ ${action.maxTestRuns} test runs`
    : `${action.maxTestRuns} test run${action.maxTestRuns === 1 ? '' : 's'}`;
  const approval = action.needsApproval ? (action.approved ? ', approved' : ', needs approval') : '';
  const line = visible(
    `[${action.severity}${approval}] risk ${action.risk}, ${runs}, changes ${action.target}: ${action.description}`,
  );
  // The checkbox and the cursor take three columns; the last one would wrap on some terminals.
  const room = Math.max(20, columns - 4);
  return [...line].length <= room ? line : `${[...line].slice(0, room - 1).join('')}…`;
}
