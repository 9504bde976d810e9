import { median, sampleCorrelation } from 'simple-statistics';
import type { DetectionEntry } from './canonical-line.js';
import { Group, candidate, type PatternCandidate } from './groups.js';

const DAY = 86_400_000;

/**
 * quality: a falling quality score (confidence = |correlation| of score with time, shown when
 * the slope is negative), or a dimension that stays low (confidence = share of its scores under
 * 0.6). `scores` in time order, `times` their times (timeOf of each timestamp, already read);
 * they are few, so they are kept whole.
 */
export function qualityPatterns(
  scores: readonly DetectionEntry[],
  times: readonly number[],
): PatternCandidate[] {
  const result: PatternCandidate[] = [];
  if (scores.length >= 3) {
    const days = times.map((time) => time / DAY);
    const values = scores.map((e) => e.score);
    const r = safeCorrelation(days, values);
    if (r !== null && r < 0) {
      result.push(
        candidate(
          'quality',
          'quality:declining',
          `Quality scores are falling (correlation with time ${round(r)})`,
          scoreGroup(scores, times),
          Math.abs(r),
          { correlation: round(r), firstScore: values[0], lastScore: values.at(-1) },
        ),
      );
    }
  }
  const dimensions = new Map<string, { group: Group; values: number[] }>();
  for (const entry of scores) {
    const dims = entry.details?.dimensions;
    if (dims === null || typeof dims !== 'object') continue;
    for (const [name, value] of Object.entries(dims as Record<string, unknown>)) {
      if (typeof value !== 'number') continue;
      let dimension = dimensions.get(name);
      if (!dimension) dimensions.set(name, (dimension = { group: new Group(), values: [] }));
      dimension.group.add(entry);
      dimension.values.push(value);
    }
  }
  for (const [name, { group, values }] of dimensions) {
    const low = values.filter((v) => v < 0.6);
    if (low.length === 0) continue;
    result.push(
      candidate(
        'quality',
        `dimension:${name}`,
        `The quality dimension "${name}" stays low (median ${round(median(values))})`,
        group,
        low.length / values.length,
        { dimension: name, median: round(median(values)) },
      ),
    );
  }
  return result;
}

function scoreGroup(scores: readonly DetectionEntry[], times: readonly number[]): Group {
  const group = new Group();
  scores.forEach((score, i) => group.add(score, times[i]));
  return group;
}

function safeCorrelation(x: number[], y: number[]): number | null {
  const r = sampleCorrelation(x, y);
  return Number.isFinite(r) ? r : null;
}

export function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
