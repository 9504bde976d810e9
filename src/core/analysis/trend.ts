import type { Kv1ntConfig } from '../config/schema.js';
import { mannKendall, theilSen } from '../stats/index.js';

export type HealthTrend = 'improving' | 'stable' | 'declining' | 'insufficient_data';

export interface TrendPoint {
  /** Time of the point (ms since epoch). */
  at: number;
  /** Health score 0–100. */
  score: number;
}

export interface TrendRule {
  /** Fewer distinct days with a score than this: insufficient_data. */
  minDays: number;
  /** Significance level of the Mann–Kendall test. */
  alpha: number;
  /** Smallest fitted change over the window, in health points, that counts as a trend. */
  minChange: number;
}

export const DEFAULT_TREND_RULE: TrendRule = { minDays: 3, alpha: 0.05, minChange: 5 };

/** The rule from the config: `trend.*`, else the older `thresholds.trendMinDays`, else the defaults. */
export function trendRuleOf(config: Pick<Kv1ntConfig, 'trend' | 'thresholds'>): TrendRule {
  return {
    minDays: config.trend?.minDays ?? config.thresholds?.trendMinDays ?? DEFAULT_TREND_RULE.minDays,
    alpha: config.trend?.alpha ?? DEFAULT_TREND_RULE.alpha,
    minChange: config.trend?.minChange ?? DEFAULT_TREND_RULE.minChange,
  };
}

export interface TrendResult {
  trend: HealthTrend;
  /** Theil–Sen slope in health points per day (3 decimals); null with too few days. */
  slopePerDay: number | null;
  /** Two-sided p-value of the Mann–Kendall test; null with too few days. */
  pValue: number | null;
  /** Fitted change over the window: slope × days from the first to the last day (1 decimal). */
  change: number | null;
  /** Distinct UTC days with a score. */
  days: number;
}

/** The trend fields of `analyze --json` and `health --json`. */
export interface TrendFields {
  healthTrend: HealthTrend;
  trendSlopePerDay: number | null;
  trendPValue: number | null;
  trendChange: number | null;
}

export function trendFields(result: TrendResult): TrendFields {
  return {
    healthTrend: result.trend,
    trendSlopePerDay: result.slopePerDay,
    trendPValue: result.pValue,
    trendChange: result.change,
  };
}

/**
 * Is the health going somewhere, and how far? Points are first averaged per UTC day (ten analyses
 * in one afternoon are one day). Whether there is a monotonic trend is the Mann–Kendall test's
 * call (p < alpha), so noise is not read as a trend however steep its last days look; how big it
 * is comes from the Theil–Sen slope, so one bad day cannot tip it. A significant trend smaller
 * than minChange over the window (a steady 0.1 point a day) is still `stable`: worth nothing.
 */
export function healthTrend(
  points: readonly TrendPoint[],
  rule: TrendRule = DEFAULT_TREND_RULE,
): TrendResult {
  const byDay = new Map<number, { sum: number; n: number }>();
  for (const point of points) {
    const day = Math.floor(point.at / 86_400_000);
    const slot = byDay.get(day) ?? { sum: 0, n: 0 };
    slot.sum += point.score;
    slot.n += 1;
    byDay.set(day, slot);
  }
  const series = [...byDay.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([day, { sum, n }]): [number, number] => [day, sum / n]);
  if (series.length < Math.max(2, rule.minDays))
    return { trend: 'insufficient_data', slopePerDay: null, pValue: null, change: null, days: series.length };

  const { slope } = theilSen(series);
  const { pValue } = mannKendall(series.map(([, score]) => score));
  // Decide on the change as reported (1 decimal): a change shown as −5.0 with minChange 5 declines.
  const change = round(slope * (series.at(-1)![0] - series[0]![0]), 1);
  const significant = pValue !== null && pValue < rule.alpha;
  const trend =
    significant && change < 0 && -change >= rule.minChange
      ? 'declining'
      : significant && change > 0 && change >= rule.minChange
        ? 'improving'
        : 'stable';
  return { trend, slopePerDay: round(slope, 3), pValue, change, days: series.length };
}

function round(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  // + 0 turns −0 into 0: a flat series has no sign.
  return Math.round(value * scale) / scale + 0;
}
