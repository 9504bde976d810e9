import { createSandbox, markSandbox, type Sandbox } from '../sandbox/api.js';

/** A sandbox with markSandbox() of it as made: what the baseline compares its copy with after the tests. */
export interface MarkedSandbox {
  sandbox: Sandbox;
  mark: Awaited<ReturnType<typeof markSandbox>>;
}

/**
 * The baseline's copy of the agent folder, started when `optimize` starts rather than once the
 * plan is made: the analysis (`npm outdated` and the like, mostly waiting on npm) and the copy (a
 * whole node_modules) then overlap, and so does its first mark. `sandbox` is what runBaseline
 * awaits; `discard` stops a copy nobody needed (nothing to try) and removes the sandbox unless a
 * trial already did.
 */
export interface EarlySandbox {
  sandbox: Promise<MarkedSandbox>;
  discard(): Promise<void>;
}

export function startEarlySandbox(sandboxesRoot: string, agentDir: string): EarlySandbox {
  const controller = new AbortController();
  const made = createSandbox(sandboxesRoot, agentDir, { signal: controller.signal });
  const sandbox = made.then(async (copy) => ({ sandbox: copy, mark: await markSandbox(copy.dir) }));
  // Its failure is the baseline's to report (it awaits it); unawaited, it must not crash the process.
  sandbox.catch(() => undefined);
  made.catch(() => undefined);
  return {
    sandbox,
    discard: async () => {
      controller.abort();
      await sandbox.catch(() => undefined);
      await made.then(
        (copy) => copy.dispose(),
        () => undefined,
      );
    },
  };
}
