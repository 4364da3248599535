// A readable block per inference service for the terminal; services.csv holds the exact figures.
import { backlogGrew } from '../sim/inference/backlog-trend.js';
import type { ServiceRow } from '../sim/inference/service-rows.js';
import { formatDuration, formatMeasure, formatPercent } from '../units/units.js';

const pct = formatPercent;
const dur = (x: number): string => (Number.isFinite(x) ? formatDuration(x) : '-');
const num = (x: number, digits = 1): string => (Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: digits }) : '-');

export function formatServices(rows: readonly ServiceRow[]): string {
  return rows
    .map((s) => {
      const inFlight = s.requests_unfinished > 0;
      const lines: [string, string][] = [
        ['service', `${s.service} (balancer ${s.balancer})`],
        ['requests', `${num(s.requests, 0)} completed, ${num(s.requests_unfinished, 0)} unfinished, ${num(s.requests_rejected, 0)} rejected${s.requests_capped > 0 ? `, ${num(s.requests_capped, 0)} cut at the model's context_length` : ''}`],
        ['queueing delay', `mean ${dur(s.queueing_delay_mean_s)}, p50 ${dur(s.queueing_delay_p50_s)}, p95 ${dur(s.queueing_delay_p95_s)}, p99 ${dur(s.queueing_delay_p99_s)}${inFlight ? ' (requests not started at the end at their wait so far: at least these)' : ''}`],
        ['time to first token', `p50 ${dur(s.ttft_p50_s)}, p99 ${dur(s.ttft_p99_s)}${inFlight ? ' (requests in flight without a first token at their wait so far: at least these)' : ''}`],
        ['time per output token', `p50 ${dur(s.tpot_p50_s)}, p99 ${dur(s.tpot_p99_s)}${inFlight ? ' (completed requests only)' : ''}`],
        ['end-to-end latency', `p50 ${dur(s.e2e_latency_p50_s)}, p99 ${dur(s.e2e_latency_p99_s)}${inFlight ? ' (completed requests only)' : ''}`],
        ['SLO attainment', `${pct(s.slo_attainment)}${inFlight || s.requests_rejected > 0 ? ' (rejected requests, and those in flight already past an objective, count as misses)' : ''}`],
        ['throughput', `${formatMeasure(s.tokens_per_s)} output tokens/s, effective compute ratio ${pct(s.effective_compute_ratio)}`],
        ['replicas', `mean ${formatMeasure(s.replicas_mean)}, max ${s.replicas_max}`],
      ];
      const b = s.backlog;
      if (b !== undefined && backlogGrew(b.atMid, b.atEnd, b.admittedLate)) {
        lines.push(['unstable', `requests outstanding grew from ${num(b.atMid, 0)} half-way through the arrivals to ${num(b.atEnd, 0)} at their end (+${formatMeasure(s.backlog_growth_rps)}/s): arrivals outpace what the replicas serve, so at this load the queue grows without bound and the delays above grow with the run's length; they are this run's, not a steady state's`]);
      }
      if (s.replica_failures > 0) lines.push(['failures', `${num(s.replica_failures, 0)} replicas lost to device or node failures, ${num(s.requests_retried, 0)} requests started over`]);
      if (Number.isFinite(s.prefix_hit_rate)) lines.push(['prefix cache', `hit rate ${pct(s.prefix_hit_rate)}`]);
      const width = Math.max(...lines.map((r) => r[0].length));
      return lines.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n') + '\n';
    })
    .join('\n');
}
