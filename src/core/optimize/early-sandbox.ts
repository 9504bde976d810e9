import { createSandbox, type Sandbox } from '../sandbox/api.js';

/**
 * The baseline's copy of the agent folder, started when `optimize` starts rather than once the
 * plan is made: the analysis (`npm outdated` and the like, mostly waiting on npm) and the copy (a
 * whole node_modules) then overlap. `sandbox` is what runBaseline awaits; `discard` stops a copy
 * nobody needed (nothing to try) and removes the sandbox unless a trial already did.
 */
export interface EarlySandbox {
  sandbox: Promise<Sandbox>;
  discard(): Promise<void>;
}

export function startEarlySandbox(sandboxesRoot: string, agentDir: string): EarlySandbox {
  const controller = new AbortController();
  const sandbox = createSandbox(sandboxesRoot, agentDir, { signal: controller.signal });
  // Its failure is the baseline's to report (it awaits it); unawaited, it must not crash the process.
  sandbox.catch(() => undefined);
  return {
    sandbox,
    discard: async () => {
      controller.abort();
      await sandbox.then(
        (made) => made.dispose(),
        () => undefined,
      );
    },
  };
}
