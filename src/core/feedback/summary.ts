import { FEEDBACK_SOURCES, FEEDBACK_TYPES, type FeedbackSource, type FeedbackType } from './types.js';
import type { Bucket } from './aggregates.js';

/** `kv1nt summary --json`: an agent's feedback counts and scores over a window. */
export interface FeedbackSummary {
  agentId: string;
  days: number;
  total: number;
  byType: Record<FeedbackType, number>;
  bySource: Record<FeedbackSource, number>;
  /** Mean score per type that has entries. */
  averageScoreByType: Partial<Record<FeedbackType, number>>;
  /** successes / (successes + failures); null without either. */
  successRate: number | null;
  /** Mean raw rating (1–5); null without ratings. */
  averageRating: number | null;
  topErrors: Array<{ errorType: string; count: number }>;
  /** Mean duration (ms) of entries that carry one; null without. */
  averageDurationMs: number | null;
  firstSeen: string | null;
  lastSeen: string | null;
  /** Up to five active patterns of the agent, most frequent first (from the last `kv1nt patterns`). */
  topPatterns?: Array<{
    id: string;
    patternType: string;
    description: string;
    frequency: number;
    confidence: number;
    lastSeen: string;
  }>;
}

const TOP_ERRORS = 10;

export function summarize(agentId: string, days: number, total: Bucket): FeedbackSummary {
  const byType = Object.fromEntries(FEEDBACK_TYPES.map((t) => [t, total.byType[t] ?? 0])) as Record<
    FeedbackType,
    number
  >;
  const bySource = Object.fromEntries(FEEDBACK_SOURCES.map((s) => [s, total.bySource[s] ?? 0])) as Record<
    FeedbackSource,
    number
  >;
  const averageScoreByType: Partial<Record<FeedbackType, number>> = {};
  for (const type of FEEDBACK_TYPES) {
    const count = byType[type];
    if (count > 0) averageScoreByType[type] = round((total.scoreSum[type] ?? 0) / count);
  }
  const decided = byType.success + byType.failure;
  const topErrors = Object.entries(total.errors)
    .map(([errorType, count]) => ({ errorType, count }))
    .sort((a, b) => b.count - a.count || a.errorType.localeCompare(b.errorType))
    .slice(0, TOP_ERRORS);
  return {
    agentId,
    days,
    total: total.n,
    byType,
    bySource,
    averageScoreByType,
    successRate: decided === 0 ? null : round(byType.success / decided),
    averageRating: total.ratingN === 0 ? null : round(total.ratingSum / total.ratingN),
    topErrors,
    averageDurationMs: total.duration.n === 0 ? null : round(total.duration.sum / total.duration.n),
    firstSeen: total.n === 0 ? null : total.first,
    lastSeen: total.n === 0 ? null : total.last,
  };
}

/** Six decimals: stable output without float noise. */
export function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
