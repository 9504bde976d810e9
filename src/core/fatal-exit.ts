/**
 * What kv1nt undoes when it is about to end mid-work: on `exit`, and on SIGINT / SIGTERM / SIGHUP
 * when nothing else handles the signal. Steps run synchronously in a fixed order — the running
 * tests are killed before their sandboxes are removed, so nothing writes into a folder being
 * deleted — and then the process dies of the signal, as it would have without us.
 *
 * A command that handles a signal itself (`cycle --interval` finishes the step in flight; `kv1nt
 * run` passes it to its command) holds it (holdFatalSignals): the steps then run only when the
 * process exits. Holding is explicit: other listeners (a library's exit hook) do not stop the
 * cleanup, and after it the signal is raised again so that they run and the process ends.
 */
const ORDER = ['process-trees', 'sandboxes'] as const;
export type FatalExitStep = (typeof ORDER)[number];

const steps = new Map<FatalExitStep, () => void>();
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const holds = new Map<NodeJS.Signals, number>();
let installed = false;

/** The caller handles `signals` itself until it calls the returned release. */
export function holdFatalSignals(signals: readonly NodeJS.Signals[]): () => void {
  for (const signal of signals) holds.set(signal, (holds.get(signal) ?? 0) + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    for (const signal of signals) holds.set(signal, (holds.get(signal) ?? 1) - 1);
  };
}

/** Registers (once per name) a synchronous step to run if the process ends while work is in flight. */
export function onFatalExit(name: FatalExitStep, step: () => void): void {
  steps.set(name, step);
  if (installed) return;
  installed = true;
  process.on('exit', runSteps);
  for (const signal of SIGNALS) {
    const handler = (received: NodeJS.Signals): void => {
      if ((holds.get(signal) ?? 0) > 0) return;
      runSteps();
      process.removeListener(signal, handler);
      process.kill(process.pid, received);
    };
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
