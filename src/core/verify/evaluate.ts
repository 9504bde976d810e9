import { binQuantile, type Bucket } from '../feedback/aggregates.js';
import { round } from '../feedback/summary.js';
import type { OpportunityInfo } from '../sdk/types.js';
import { fisherExact, holmAdjust, mannWhitneyBinned, type Histogram } from '../stats/index.js';
import type { SideSummary, VerificationTest } from './types.js';

/**
 * The verdict on one kept change, from the feedback before it and after it (the statistics are
 * described in docs/how-kv1nt-decides.md):
 *
 * - guarded metrics — the success rate (Fisher's exact test), the durations of successful
 *   operations and the quality scores (Mann–Whitney U) — are tested with Holm's adjustment over
 *   the guards that had data, at alpha: one significantly worse makes the change `regressed`;
 * - the metric the opportunity named (the targeted error's share, the success rate, the
 *   durations, the quality, a resource) is tested at alpha: significantly better makes it
 *   `confirmed`; an opportunity that names no feedback metric (an upgrade, a code smell) is
 *   confirmed when no guard got worse;
 * - anything else is `no_effect`.
 */
export type NamedMetric =
  | { kind: 'successRate' }
  | { kind: 'errorShare'; errorType: string }
  | { kind: 'durations' }
  | { kind: 'quality' }
  | { kind: 'resource'; metric: string }
  | { kind: 'none' };

export type Verdict = 'confirmed' | 'no_effect' | 'regressed';

/** A side needs this many values for its test to run: fewer and the p-value means little. */
export const MIN_PER_SIDE = 5;

/** Which feedback metric an opportunity is about (what its change should improve). */
export function namedMetricOf(
  opportunity: Pick<OpportunityInfo, 'type' | 'subject' | 'evidence'>,
): NamedMetric {
  switch (opportunity.type) {
    case 'error_pattern': {
      const errorType =
        typeof opportunity.evidence.errorType === 'string'
          ? opportunity.evidence.errorType
          : opportunity.subject.startsWith('errorType:')
            ? opportunity.subject.slice('errorType:'.length)
            : null;
      return errorType === null ? { kind: 'successRate' } : { kind: 'errorShare', errorType };
    }
    case 'success_rate_decline':
    case 'capability_gap':
    case 'training_needed':
      return { kind: 'successRate' };
    case 'performance_degradation':
      return { kind: 'durations' };
    case 'quality_issues':
      return { kind: 'quality' };
    case 'resource_inefficiency':
      return { kind: 'resource', metric: opportunity.subject || 'memoryMb' };
    default:
      return { kind: 'none' };
  }
}

export function evaluate(
  before: Bucket,
  after: Bucket,
  named: NamedMetric,
  alpha: number,
): { tests: VerificationTest[]; verdict: Verdict; reason: string } {
  const guards = [successRate(before, after), durations(before, after), quality(before, after)];
  const ran = guards.filter((test) => test.pValue !== null);
  // Holm's step-down adjustment over the guards that ran: a false "worse" stays under alpha.
  const adjusted = new Map(holmAdjust(ran.map((t) => t.pValue!)).map((p, i) => [ran[i]!, p]));
  const namedKey = namedTestKey(named);
  const tests: VerificationTest[] = guards.map((test) => {
    const role = test.metric === namedKey ? 'named+guard' : 'guard';
    const holm = adjusted.get(test);
    // Better on its own metric is judged at alpha; worse, as a guard, after Holm's adjustment.
    const significant =
      test.pValue !== null && (role === 'named+guard' && test.better ? test.pValue : holm!) < alpha;
    return {
      ...test,
      ...(holm === undefined ? {} : { adjustedPValue: significant3(holm) }),
      role,
      significant,
    };
  });
  if (named.kind === 'errorShare' || named.kind === 'resource') {
    const test =
      named.kind === 'errorShare'
        ? errorShare(before, after, named.errorType)
        : resource(before, after, named.metric);
    tests.unshift({ ...test, role: 'named', significant: test.pValue !== null && test.pValue < alpha });
  }
  const worse = tests.filter((test) => test.role !== 'named' && test.significant && test.better === false);
  if (worse.length > 0)
    return {
      tests,
      verdict: 'regressed',
      reason: `worse after the change: ${worse.map(describe).join('; ')} (Holm-adjusted over ${ran.length} guarded metric(s), alpha ${alpha})`,
    };
  if (named.kind === 'none')
    return ran.length > 0
      ? {
          tests,
          verdict: 'confirmed',
          reason: `no guarded metric got worse (${ran.map((t) => t.metric).join(', ')})`,
        }
      : {
          tests,
          verdict: 'no_effect',
          reason: 'too few outcomes, durations or quality scores on either side to test',
        };
  const target = tests.find((test) => test.role !== 'guard');
  if (target && target.significant && target.better)
    return { tests, verdict: 'confirmed', reason: `${describe(target)}; no guarded metric worse` };
  return {
    tests,
    verdict: 'no_effect',
    reason: target
      ? target.pValue === null
        ? `${target.metric}: too little data on one side to test`
        : `${describe(target)}: not a significant improvement at alpha ${alpha}`
      : 'nothing to test',
  };
}

type Test = Omit<VerificationTest, 'role' | 'significant'>;

function namedTestKey(named: NamedMetric): string | null {
  if (named.kind === 'successRate') return 'successRate';
  if (named.kind === 'durations') return 'successDurationMs';
  if (named.kind === 'quality') return 'qualityScore';
  return null;
}

function outcomes(bucket: Bucket): { successes: number; failures: number } {
  return { successes: bucket.byType.success ?? 0, failures: bucket.byType.failure ?? 0 };
}

/** A proportion compared by Fisher's exact test: `hits` of `n` before and after. */
function proportion(
  metric: string,
  before: { hits: number; n: number },
  after: { hits: number; n: number },
  higherIsBetter: boolean,
): Test {
  const rate = (side: { hits: number; n: number }) => (side.n === 0 ? null : round(side.hits / side.n));
  const enough = before.n >= MIN_PER_SIDE && after.n >= MIN_PER_SIDE;
  const p = enough
    ? fisherExact(before.hits, before.n - before.hits, after.hits, after.n - after.hits).twoSided
    : null;
  const b = rate(before);
  const a = rate(after);
  return {
    metric,
    method: "Fisher's exact test",
    before: b,
    after: a,
    pValue: p === null ? null : significant3(p),
    better: a === null || b === null || a === b ? null : higherIsBetter ? a > b : a < b,
  };
}

function successRate(before: Bucket, after: Bucket): Test {
  const side = (bucket: Bucket) => {
    const { successes, failures } = outcomes(bucket);
    return { hits: successes, n: successes + failures };
  };
  return proportion('successRate', side(before), side(after), true);
}

function errorShare(before: Bucket, after: Bucket, errorType: string): Test {
  const side = (bucket: Bucket) => {
    const { successes, failures } = outcomes(bucket);
    return {
      hits: Object.hasOwn(bucket.errors, errorType) ? bucket.errors[errorType]! : 0,
      n: successes + failures,
    };
  };
  return proportion(`errorShare:${errorType}`, side(before), side(after), false);
}

/** Two histograms compared by the Mann–Whitney U test; `shown` turns a side into its figure. */
function ranks(
  metric: string,
  before: Histogram,
  after: Histogram,
  shown: (histogram: Histogram) => number | null,
  lowerIsBetter: boolean,
): Test {
  const test = mannWhitneyBinned(before, after);
  const enough = test.nBefore >= MIN_PER_SIDE && test.nAfter >= MIN_PER_SIDE;
  const p = enough ? test.pValue : null;
  return {
    metric,
    method: 'Mann–Whitney U',
    before: shown(before),
    after: shown(after),
    pValue: p === null ? null : significant3(p),
    better:
      test.direction === null || test.direction === 'none'
        ? null
        : lowerIsBetter
          ? test.direction === 'less'
          : test.direction === 'greater',
  };
}

const p50 = (histogram: Histogram) => binQuantile(histogram as Record<string, number>, 0.5);

function durations(before: Bucket, after: Bucket): Test {
  return ranks('successDurationMs', before.okDurationBins, after.okDurationBins, p50, true);
}

function quality(before: Bucket, after: Bucket): Test {
  const mean = (histogram: Histogram) => {
    let n = 0;
    let sum = 0;
    for (const [bin, count] of Object.entries(histogram as Record<string, number>)) {
      n += count;
      sum += (Number(bin) / 100) * count;
    }
    return n === 0 ? null : round(sum / n);
  };
  return ranks('qualityScore', before.qualityBins, after.qualityBins, mean, false);
}

function resource(before: Bucket, after: Bucket, metric: string): Test {
  const bins = (bucket: Bucket) =>
    Object.hasOwn(bucket.metricBins, metric) ? bucket.metricBins[metric]! : {};
  const p95 = (histogram: Histogram) => binQuantile(histogram as Record<string, number>, 0.95);
  return ranks(`metric:${metric}`, bins(before), bins(after), p95, true);
}

/** The side's figures as users see them. */
export function summarizeSide(bucket: Bucket, from: string, to: string, named: NamedMetric): SideSummary {
  const { successes, failures } = outcomes(bucket);
  const decided = successes + failures;
  const qualityN = bucket.byType.quality_score ?? 0;
  const metrics: SideSummary['metrics'] = {
    successes,
    failures,
    successRate: decided === 0 ? null : round(successes / decided),
    p50DurationMs: binQuantile(bucket.okDurationBins, 0.5),
    meanQuality: qualityN === 0 ? null : round((bucket.scoreSum.quality_score ?? 0) / qualityN),
  };
  if (named.kind === 'errorShare')
    metrics.targetShare =
      decided === 0
        ? null
        : round(
            (Object.hasOwn(bucket.errors, named.errorType) ? bucket.errors[named.errorType]! : 0) / decided,
          );
  if (named.kind === 'resource')
    metrics.targetP95 = Object.hasOwn(bucket.metricBins, named.metric)
      ? binQuantile(bucket.metricBins[named.metric]!, 0.95)
      : null;
  return { entries: bucket.n, from, to, metrics };
}

/** Three significant digits: a p-value of 2e-12 stays 2e-12 rather than becoming 0. */
function significant3(value: number): number {
  return Number(value.toPrecision(3));
}

function describe(test: VerificationTest | Test): string {
  return `${test.metric} ${fmt(test.before)} → ${fmt(test.after)} (${test.method}, p = ${fmt(test.pValue)})`;
}

function fmt(value: number | null): string {
  if (value === null) return 'n/a';
  if (value !== 0 && Math.abs(value) < 0.001) return value.toExponential(1);
  return String(Number(value.toFixed(4)));
}
