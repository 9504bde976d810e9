import { SEVERITIES, type Detector, type DetectorContext, type Finding } from '../sdk/types.js';
import { invokeComponent, type ComponentSite } from './invoke.js';

export type { PluginWarning } from '../model/optimization.js';
import type { PluginWarning } from '../model/optimization.js';

export interface DetectedFinding {
  detector: string;
  type: Detector['type'];
  finding: Finding;
}

export interface DetectorRun {
  findings: DetectedFinding[];
  warnings: PluginWarning[];
  /** Detectors that completed: only their earlier findings may be marked resolved. */
  completed: Set<string>;
}

export interface LoadedDetector extends ComponentSite {
  detector: Detector;
}

/**
 * Runs every detector on its own: a throw, a bad return value or a time-out becomes a warning
 * naming the plugin, and the others still run (in the spirit of oclif's runHook). See
 * invokeComponent for where each runs, and for the limits on what it returns.
 */
export async function runDetectors(
  detectors: readonly LoadedDetector[],
  makeContext: (plugin: string, warnings: PluginWarning[], detector: string) => DetectorContext,
  timeoutMs: number | ((plugin: string) => number),
): Promise<DetectorRun> {
  const run: DetectorRun = { findings: [], warnings: [], completed: new Set() };
  const limitOf = typeof timeoutMs === 'number' ? () => timeoutMs : timeoutMs;
  await Promise.all(
    detectors.map(async (loaded) => {
      const { plugin, detector } = loaded;
      const limit = limitOf(plugin);
      // A result cut to the limits is not the detector's whole answer: resolve nothing on it.
      let limited = false;
      try {
        const ctx = makeContext(plugin, run.warnings, detector.id);
        const result = await invokeComponent(
          loaded,
          { kind: 'detectors', id: detector.id },
          {
            method: 'detect',
            args: [],
            ctx,
            local: () => detector.detect(ctx),
            limited: () => (limited = true),
          },
          limit,
        );
        for (const finding of checkFindings(result))
          run.findings.push({ detector: detector.id, type: detector.type, finding });
        if (!limited) run.completed.add(detector.id);
      } catch (error) {
        run.warnings.push({
          plugin,
          component: detector.id,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }),
  );
  return run;
}

/** Checks what detect() returned, as the host does (exported for kv1nt/testing). */
export function checkFindings(value: unknown): Finding[] {
  if (!Array.isArray(value))
    throw new Error(`detect() returned ${value === null ? 'null' : typeof value}, not an array of findings`);
  return value.map((item: unknown, index) => {
    const finding = item as Partial<Finding> | null;
    if (finding === null || typeof finding !== 'object') throw new Error(`finding ${index} is not an object`);
    if (typeof finding.title !== 'string' || finding.title === '')
      throw new Error(`finding ${index} has no title`);
    if (typeof finding.description !== 'string') throw new Error(`finding ${index} has no description`);
    if (finding.severity !== undefined && !(SEVERITIES as readonly string[]).includes(finding.severity)) {
      throw new Error(
        `finding ${index} has severity ${JSON.stringify(finding.severity)}; expected one of ${SEVERITIES.join(', ')}`,
      );
    }
    if (finding.evidence !== undefined && (finding.evidence === null || typeof finding.evidence !== 'object'))
      throw new Error(`finding ${index} has evidence that is not an object`);
    if (finding.subject !== undefined && typeof finding.subject !== 'string')
      throw new Error(`finding ${index} has a subject that is not a string`);
    return finding as Finding;
  });
}
