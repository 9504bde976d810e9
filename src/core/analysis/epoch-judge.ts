import { hourKey, type EpochSums, type ScoreAggregates } from '../feedback/aggregates.js';
import { runDetectors, type LoadedDetector, type PluginWarning } from '../plugins/run-detectors.js';
import type { DetectorContext, PatternInfo } from '../sdk/types.js';
import { figuresOf, hoursBetween } from './metrics.js';
import type { EpochJudgement, Opportunity } from './opportunities.js';

const DAY = 86_400_000;

export interface EpochJudgeInput {
  aggregates: ScoreAggregates;
  agentId: string;
  opportunities: readonly Opportunity[];
  detectors: readonly LoadedDetector[];
  days: number;
  now: Date;
  slaMs: number | null;
  /** Feedback after the epoch needed before "not found" resolves an opportunity. */
  minEntries: number;
  /** The stored patterns of the agent (narrowed to the epoch for the detector). */
  patterns: readonly PatternInfo[];
  /** Builds a detector context on a view of the feedback (the analysis's own builder). */
  contextFor: (
    view: EpochView,
  ) => (plugin: string, warnings: PluginWarning[], detector: string) => DetectorContext;
  pluginLimit: (plugin: string) => number;
}

/** The feedback since an epoch, as a detector context shows it. */
export interface EpochView {
  since: string;
  metrics: DetectorContext['metrics'];
  components: DetectorContext['components'];
  patterns: readonly PatternInfo[];
}

/**
 * Re-runs the detector of every opportunity under an epoch (a change was kept or reverted for it
 * inside the window) on the feedback recorded since that instant alone, and returns how each is
 * judged. An opportunity being verified, or whose epoch has fallen out of the window, is not
 * judged here (the window's findings already describe only post-epoch feedback then).
 */
export async function judgeEpochs(input: EpochJudgeInput): Promise<{
  judgements: Map<string, EpochJudgement>;
  warnings: PluginWarning[];
}> {
  const windowStart = input.now.getTime() - input.days * DAY;
  const groups = new Map<
    string,
    { epoch: EpochSums; detector: LoadedDetector; opportunities: Opportunity[] }
  >();
  for (const opportunity of input.opportunities) {
    const epoch = opportunity.epoch;
    if (!epoch || opportunity.status === 'verifying' || Date.parse(epoch.since) <= windowStart) continue;
    const sums = Object.hasOwn(input.aggregates.epochs, epoch.key)
      ? input.aggregates.epochs[epoch.key]!
      : undefined;
    const detector = input.detectors.find((d) => d.detector.id === opportunity.detector);
    if (!sums || !detector) continue;
    const key = `${opportunity.detector}\0${epoch.key}`;
    const group = groups.get(key) ?? { epoch: sums, detector, opportunities: [] };
    group.opportunities.push(opportunity);
    groups.set(key, group);
  }
  const judgements = new Map<string, EpochJudgement>();
  const warnings: PluginWarning[] = [];
  for (const { epoch, detector, opportunities } of groups.values()) {
    const context = epochContext(input, epoch);
    const run = await runDetectors([detector], context, input.pluginLimit);
    warnings.push(...run.warnings);
    if (!run.completed.has(detector.detector.id)) continue;
    for (const opportunity of opportunities)
      judgements.set(opportunity.id, {
        found: run.findings.find((f) => (f.finding.subject ?? '') === opportunity.subject),
        canResolve: epoch.bucket.n >= input.minEntries,
      });
  }
  return { judgements, warnings };
}

/** The analysis context, with everything that describes feedback narrowed to the epoch. */
function epochContext(
  input: EpochJudgeInput,
  epoch: EpochSums,
): (plugin: string, warnings: PluginWarning[], detector: string) => DetectorContext {
  const since = Date.parse(epoch.since);
  const previousFrom = new Date(since - input.days * DAY).toISOString();
  const previous = hoursBetween(input.aggregates, input.agentId, hourKey(previousFrom), hourKey(epoch.since));
  const figures = figuresOf(
    epoch.bucket,
    previous,
    { days: input.days, from: epoch.since, to: input.now.toISOString() },
    input.slaMs,
  );
  return input.contextFor({
    since: epoch.since,
    metrics: figures.metrics,
    components: figures.components,
    patterns: epochPatterns(input.patterns, epoch),
  });
}

/**
 * Stored patterns as of the epoch: a failure pattern counts only the failures of its error type
 * since then, an operation-kind pattern only that kind's outcomes since then; anything last seen
 * before the epoch is inactive.
 */
export function epochPatterns(patterns: readonly PatternInfo[], epoch: EpochSums): PatternInfo[] {
  return patterns.map((pattern) => {
    if (pattern.lastSeen < epoch.since) return { ...pattern, status: 'inactive' as const };
    const kind = pattern.operationKind;
    if (typeof kind === 'string') {
      const counts = Object.hasOwn(epoch.kinds, kind) ? epoch.kinds[kind]! : { successes: 0, failures: 0 };
      const attempts = counts.successes + counts.failures;
      const failureRate = attempts === 0 ? 0 : counts.failures / attempts;
      const frequency = pattern.patternType === 'success' ? counts.successes : counts.failures;
      return {
        ...pattern,
        frequency,
        failureRate,
        attempts,
        ...(frequency === 0 ? { status: 'inactive' as const } : {}),
      };
    }
    if (pattern.patternType === 'failure' && typeof pattern.errorType === 'string') {
      const errors = epoch.bucket.errors;
      const frequency = Object.hasOwn(errors, pattern.errorType) ? errors[pattern.errorType]! : 0;
      return {
        ...pattern,
        frequency: Math.min(frequency, pattern.frequency),
        ...(frequency === 0 ? { status: 'inactive' as const } : {}),
      };
    }
    return pattern;
  });
}
