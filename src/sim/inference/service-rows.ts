// Output rows of inference services: one summary row per service, and optional per-request rows.
// Column names are stable snake_case with units, like the training summary's.

export interface ServiceRow {
  service: string;
  /** Requests completed. */
  requests: number;
  queueing_delay_mean_s: number;
  queueing_delay_p50_s: number;
  queueing_delay_p95_s: number;
  queueing_delay_p99_s: number;
  ttft_p50_s: number;
  ttft_p99_s: number;
  tpot_p50_s: number;
  tpot_p99_s: number;
  e2e_latency_p50_s: number;
  e2e_latency_p99_s: number;
  /** Fraction of completed requests meeting every SLO given (empty when the service has none). */
  slo_attainment: number;
  /** Output tokens generated per second of the run. */
  tokens_per_s: number;
  /** Useful FLOPs (2 x params per prompt and output token) / peak FLOP-seconds of the replicas' devices. */
  effective_compute_ratio: number;
  /** Replicas holding devices (serving, loading or draining), time-averaged over the run. */
  replicas_mean: number;
  replicas_max: number;
  /** Requests still queued or in a batch at the end of the run. */
  requests_unfinished: number;
  /**
   * Requests refused on arrival: prompt + output exceed a replica's whole KV cache, the prompt leaves
   * no room for an output token in the model's context_length, or (slo.admission) the SLO is out of reach.
   */
  requests_rejected: number;
  /** Completed requests whose output was cut where prompt + output reached the model's context_length (vLLM's max_model_len). */
  requests_capped: number;
  balancer: string;
  /**
   * Disaggregated services: KV-cache transfer time from the prefill replica's last prompt token to
   * the KV at the decode replica (median, 99th percentile) and bytes moved; empty when colocated.
   */
  kv_transfer_p50_s: number;
  kv_transfer_p99_s: number;
  kv_bytes: number;
  /** Completed requests meeting every SLO given, per second of the run (empty without SLOs). */
  goodput_rps: number;
  /**
   * Of the requests carrying a shared prompt prefix that were admitted to a (prefill) replica, the
   * fraction whose prefix KV the replica held (prefix caching); empty when no request carries one.
   */
  prefix_hit_rate: number;
  /** Replicas lost to device or node failures (colocated, prefill and decode alike). */
  replica_failures: number;
  /** Times a request started over because its replica failed under it (counted per start-over). */
  requests_retried: number;
  /**
   * Requests outstanding (admitted, not finished) at the end of the arrival window (the horizon, or
   * where the streams end: their latest `until` or a trace's last row) less those at its middle, per second of its later half: about 0 for
   * a stable service, arrivals - completions for one loaded above what its replicas serve, whose
   * waits then grow with the run's length (backlog-trend.ts). Empty when the window is unbounded.
   */
  backlog_growth_rps: number;
  /**
   * Not a column: the counts backlog_growth_rps comes from, for the terminal's note (backlogGrew).
   * Absent on rows read back from a CSV.
   */
  backlog?: { atMid: number; atEnd: number; admittedLate: number };
}

export const SERVICE_COLUMNS: readonly (keyof ServiceRow)[] = [
  'service',
  'requests',
  'queueing_delay_mean_s',
  'queueing_delay_p50_s',
  'queueing_delay_p95_s',
  'queueing_delay_p99_s',
  'ttft_p50_s',
  'ttft_p99_s',
  'tpot_p50_s',
  'tpot_p99_s',
  'e2e_latency_p50_s',
  'e2e_latency_p99_s',
  'slo_attainment',
  'tokens_per_s',
  'effective_compute_ratio',
  'replicas_mean',
  'replicas_max',
  'requests_unfinished',
  'requests_rejected',
  'requests_capped',
  'balancer',
  'kv_transfer_p50_s',
  'kv_transfer_p99_s',
  'kv_bytes',
  'goodput_rps',
  'prefix_hit_rate',
  'replica_failures',
  'requests_retried',
  'backlog_growth_rps',
];

/**
 * One request. Times are simulated seconds: arrival_s at the client (the balancer decides then),
 * start_s / first_token_s / finish_s at the replica; the latencies the client sees add the
 * one-way network latency to the replica's site both ways (ttft_s, e2e_latency_s).
 * queueing_delay_s is start_s - arrival_s (design.md: start of service at a replica - arrival at the
 * balancer), so it holds the one-way latency to the replica and, for a retried request, the time lost
 * to the failed replica.
 */
export interface RequestRow {
  request_id: number;
  service: string;
  stream: string;
  region: string;
  arrival_s: number;
  start_s: number;
  first_token_s: number;
  finish_s: number;
  queueing_delay_s: number;
  ttft_s: number;
  tpot_s: number;
  e2e_latency_s: number;
  prompt_tokens: number;
  output_tokens: number;
  replica: string;
  datacentre: string;
}

export const REQUEST_COLUMNS: readonly (keyof RequestRow)[] = [
  'request_id',
  'service',
  'stream',
  'region',
  'arrival_s',
  'start_s',
  'first_token_s',
  'finish_s',
  'queueing_delay_s',
  'ttft_s',
  'tpot_s',
  'e2e_latency_s',
  'prompt_tokens',
  'output_tokens',
  'replica',
  'datacentre',
];
