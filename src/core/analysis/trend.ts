import { median } from 'simple-statistics';

export type HealthTrend = 'improving' | 'stable' | 'declining' | 'insufficient_data';

export interface TrendPoint {
  /** Time of the point (ms since epoch). */
  at: number;
  /** Health score 0–100. */
  score: number;
}

export interface TrendRule {
  /** Fewer distinct days with a score than this: insufficient_data. */
  minPoints: number;
  /** |slope| at or under this many health points per day counts as stable. */
  deadBandPerDay: number;
}

export const DEFAULT_TREND_RULE: TrendRule = { minPoints: 3, deadBandPerDay: 1 };

/**
 * The trend is the Theil–Sen slope of the health scores over time (the median of the slopes
 * between every pair of days, in points per day): a robust linear regression, so one bad day
 * among good ones does not read as a trend. Above the dead band it is improving, below minus the
 * dead band declining, else stable. Points are first averaged per UTC day, so ten analyses in
 * one afternoon count as one day.
 */
export function healthTrend(
  points: readonly TrendPoint[],
  rule: TrendRule = DEFAULT_TREND_RULE,
): { trend: HealthTrend; slopePerDay: number | null; days: number } {
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
  if (series.length < rule.minPoints)
    return { trend: 'insufficient_data', slopePerDay: null, days: series.length };
  const slopePerDay = Math.round(theilSen(series) * 1000) / 1000;
  const trend =
    slopePerDay > rule.deadBandPerDay
      ? 'improving'
      : slopePerDay < -rule.deadBandPerDay
        ? 'declining'
        : 'stable';
  return { trend, slopePerDay, days: series.length };
}

function theilSen(series: ReadonlyArray<readonly [number, number]>): number {
  const slopes: number[] = [];
  for (let i = 0; i < series.length; i++) {
    for (let j = i + 1; j < series.length; j++) {
      const [x1, y1] = series[i]!;
      const [x2, y2] = series[j]!;
      slopes.push((y2 - y1) / (x2 - x1));
    }
  }
  return median(slopes);
}
