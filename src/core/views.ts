import { collectMetrics, type MetricsRequest } from './metrics/collect.js';
import type { MetricFamily } from './metrics/exposition.js';
import { collectReport, type ReportData } from './report/collect.js';
import type { Stores } from './store/stores.js';

/** What a read-only view covers: one agent (checked) or every agent kv1nt knows, over the last `days`. */
export type ViewScope = MetricsRequest;

/** Reads what it needs from the stores once for every agent of the scope. */
export type ViewCollector<T> = (stores: Stores, scope: ViewScope) => Promise<T>;

/** `kv1nt metrics`: Prometheus metric families (metrics/collect.ts). */
export const metricsView: ViewCollector<MetricFamily[]> = collectMetrics;
/** `kv1nt report`: the HTML report's figures (report/collect.ts). */
export const reportView: ViewCollector<ReportData> = collectReport;
