import { describeInPluginProcess } from './plugin-process.js';
import { revivePlugin } from './plugin-description.js';
import type { PluginCandidate } from './validate-plugin.js';

/**
 * Loads each candidate that names a module file in a plugin process, under the time limit, and
 * gives it the plugin as described there: the module's top-level code (a `process.exit`, an
 * endless loop, a write into the data dir) never runs in kv1nt's process. A module that fails to
 * load, or runs past the limit, keeps the reason as its `error` (reported as a warning).
 */
export async function loadCandidates(
  candidates: readonly PluginCandidate[],
  limitMs: number,
): Promise<PluginCandidate[]> {
  return Promise.all(
    candidates.map(async (candidate) => {
      const { modulePath } = candidate;
      if (modulePath === undefined || candidate.error !== undefined) return candidate;
      try {
        return {
          ...candidate,
          plugin: revivePlugin(await describeInPluginProcess(modulePath, limitMs), modulePath),
        };
      } catch (error) {
        return { ...candidate, error: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
}
