/**
 * What kv1nt undoes when it is about to end mid-work: on `exit`, and on SIGINT / SIGTERM / SIGHUP
 * when nothing else handles the signal. Steps run synchronously in a fixed order — the running
 * tests are killed before their sandboxes are removed, so nothing writes into a folder being
 * deleted — and then the process dies of the signal, as it would have without us.
 *
 * A command that handles a signal itself (`cycle --interval` finishes the step in flight; `kv1nt
 * run` passes it to its command) decides: the steps then run only when the process exits.
 */
const ORDER = ['process-trees', 'sandboxes'] as const;
export type FatalExitStep = (typeof ORDER)[number];

const steps = new Map<FatalExitStep, () => void>();
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const handlers = new Set<(signal: NodeJS.Signals) => void>();
let installed = false;

/** Registers (once per name) a synchronous step to run if the process ends while work is in flight. */
export function onFatalExit(name: FatalExitStep, step: () => void): void {
  steps.set(name, step);
  if (installed) return;
  installed = true;
  process.on('exit', runSteps);
  for (const signal of SIGNALS) {
    const handler = (received: NodeJS.Signals): void => {
      const others = process.listeners(signal).filter((l) => !handlers.has(l as never));
      if (others.length > 0) return;
      runSteps();
      process.removeListener(signal, handler);
      process.kill(process.pid, received);
    };
    handlers.add(handler);
    process.on(signal, handler);
  }
}

function runSteps(): void {
  for (const name of ORDER) {
    try {
      steps.get(name)?.();
    } catch {
      // Best effort while exiting: the next kv1nt command cleans up what is left.
    }
  }
}
