import { SEVERITIES, type Detector, type DetectorContext, type Finding } from '../sdk/types.js';

export interface PluginWarning {
  plugin: string;
  /** The detector, generator or strategy concerned; absent for a load failure. */
  component?: string;
  error: string;
}

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

export interface LoadedDetector {
  plugin: string;
  detector: Detector;
}

/**
 * Runs every detector on its own: a throw, a bad return value or a time-out becomes a warning
 * naming the plugin, and the others still run (in the spirit of oclif's runHook).
 */
export async function runDetectors(
  detectors: readonly LoadedDetector[],
  makeContext: (plugin: string, warnings: PluginWarning[], detector: string) => DetectorContext,
  timeoutMs: number,
): Promise<DetectorRun> {
  const run: DetectorRun = { findings: [], warnings: [], completed: new Set() };
  await Promise.all(
    detectors.map(async ({ plugin, detector }) => {
      try {
        const result = await withTimeout(
          Promise.resolve().then(() => detector.detect(makeContext(plugin, run.warnings, detector.id))),
          timeoutMs,
          `timed out after ${timeoutMs} ms`,
        );
        for (const finding of checkFindings(result))
          run.findings.push({ detector: detector.id, type: detector.type, finding });
        run.completed.add(detector.id);
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

/** Rejects with `message` when `promise` has not settled after `ms`. */
export function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  message = `timed out after ${ms} ms`,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function checkFindings(value: unknown): Finding[] {
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
