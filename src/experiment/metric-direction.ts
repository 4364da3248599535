// Which way is better for each result column: what "best policy" means in compare's table, and
// what counts as a regression (only a move in the worse direction) in check's baseline comparison.
import { SUMMARY_COLUMNS, type SummaryRow } from '../sim/metrics.js';

export type Direction = 'higher' | 'lower' | 'neutral';

const HIGHER = new Set(['effective_compute_ratio_pool', 'effective_compute_ratio_allocated', 'utilisation', 'jobs_completed', 'useful_pflop', 'job_effective_compute_ratio', 'job_useful_pflop']);

/** Columns that describe the run rather than measure it. */
export const LABEL_COLUMNS: readonly string[] = ['scenario', 'policy', 'placement', 'seed'];

/** The summary columns that are measurements, in CSV order. */
export const METRIC_COLUMNS: readonly (keyof SummaryRow)[] = SUMMARY_COLUMNS.filter((c) => !LABEL_COLUMNS.includes(c));

/**
 * higher: ratios, utilisation, work done. lower: delays, times, rejections, energy, cost, CO2.
 * neutral: counts that describe the workload (jobs_submitted) or that grow with work done as well as
 * with waste (busy_device_hours).
 */
export function metricDirection(metric: string): Direction {
  if (HIGHER.has(metric)) return 'higher';
  if (metric === 'jobs_submitted' || metric === 'busy_device_hours' || metric === 'job_devices') return 'neutral';
  if (/(_s|_kwh|_kg|_cost)$/.test(metric) || /^(jobs_rejected|jobs_unfinished|preemptions|energy_cost|job_preemptions|job_comm_fraction)$/.test(metric)) return 'lower';
  return 'neutral';
}

/** True when `a` is better than `b` for this metric (never for neutral ones). */
export function isBetter(metric: string, a: number, b: number): boolean {
  const d = metricDirection(metric);
  return d === 'higher' ? a > b : d === 'lower' ? a < b : false;
}
