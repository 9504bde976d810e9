/** The optimization store's history of analyses: one row of each kind per `kv1nt analyze`. */
import type { AnalysisMetrics, HealthComponents } from '../sdk/types.js';
import type { HealthTrend } from '../analysis/trend.js';

/** The health score of one analysis (`kv1nt health` shows them beside the daily scores). */
export interface HealthHistoryRow {
  id: string;
  agentId: string;
  timestamp: string;
  healthScore: number | null;
  healthTrend: HealthTrend;
  components: HealthComponents;
}

/** The figures of one analysis's window. */
export interface PerformanceMetricsRow {
  id: string;
  agentId: string;
  timestamp: string;
  windowDays: number;
  sampleSize: number;
  components: HealthComponents;
  metrics: AnalysisMetrics;
}
