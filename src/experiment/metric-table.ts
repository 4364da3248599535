// The one table of result metrics: every measured column an experiment writes (a run's summary, a
// named job's row with --job, each inference service's row), with its unit, which way is better, the
// values it can take and what it means. "Best" in compare, regressions and threshold checks in
// check, the confidence interval's bounds and the metric list in docs/experiments.md derive from it.
import { NEAR_TIE_PERCENT } from '../model/near-tie-share.js';
import type { ServiceRow } from '../sim/inference/service-rows.js';
import type { JobRow, SummaryRow } from '../sim/metrics.js';

export type Direction = 'higher' | 'lower' | 'neutral';

/** The values a metric can take: a fraction lies in [0, 1]; a growth rate ('real') any number; everything else poolsim measures is >= 0. */
export type MetricRange = 'fraction' | 'non-negative' | 'real';

export interface MetricDef {
  /** The column in runs.csv (and the `metric` of summary.csv). */
  column: string;
  /** s, fraction, count, PFLOP, device-hours, kWh, cost, kg, tokens/s, replicas. */
  unit: string;
  direction: Direction;
  range: MetricRange;
  description: string;
}

type Entry = [unit: string, direction: Direction, range: MetricRange, description: string];

/** Columns of a summary row that label the run rather than measure it. */
export const LABEL_COLUMNS = ['scenario', 'policy', 'placement', 'seed'] as const;

type SummaryMetric = Exclude<keyof SummaryRow, (typeof LABEL_COLUMNS)[number]>;

// Typed as a record over SummaryRow's keys: a summary column without an entry does not compile.
const SUMMARY: Record<SummaryMetric, Entry> = {
  jobs_submitted: ['count', 'neutral', 'non-negative', 'training jobs submitted (the workload; a change means the workload changed)'],
  jobs_completed: ['count', 'higher', 'non-negative', 'training jobs that finished'],
  jobs_rejected: ['count', 'lower', 'non-negative', 'jobs refused (could never fit the pool)'],
  jobs_unfinished: ['count', 'lower', 'non-negative', 'jobs still queued or running at the horizon'],
  preemptions: ['count', 'lower', 'non-negative', 'times a running job was suspended for another'],
  makespan_s: ['s', 'lower', 'non-negative', 'time of the last job completion (empty when none completed)'],
  effective_compute_ratio_pool: ['fraction', 'higher', 'fraction', 'useful model FLOPs / peak FLOP-seconds of every device in the pool over the run (MFU of the pool; a device held by an FP8 job at its FP8 peak meanwhile)'],
  effective_compute_ratio_allocated: ['fraction', 'higher', 'fraction', 'useful model FLOPs / peak FLOP-seconds of the devices while allocated (peak at each job\'s precision)'],
  utilisation: ['fraction', 'higher', 'fraction', 'allocated device-time / total device-time'],
  queueing_delay_mean_s: ['s', 'lower', 'non-negative', 'mean of first start - submission (plus time re-queued), over jobs that started; a job still waiting at the end counts its wait so far (a lower bound)'],
  queueing_delay_p50_s: ['s', 'lower', 'non-negative', 'median queueing delay'],
  queueing_delay_p95_s: ['s', 'lower', 'non-negative', '95th percentile of queueing delay'],
  queueing_delay_p99_s: ['s', 'lower', 'non-negative', '99th percentile of queueing delay'],
  queueing_delay_max_s: ['s', 'lower', 'non-negative', 'longest queueing delay'],
  jct_mean_s: ['s', 'lower', 'non-negative', 'mean job completion time (finish - submission), over completed jobs'],
  jct_p95_s: ['s', 'lower', 'non-negative', '95th percentile of job completion time'],
  useful_pflop: ['PFLOP', 'higher', 'non-negative', 'useful model work completed (work lost to failures not counted)'],
  busy_device_hours: ['device-hours', 'neutral', 'non-negative', 'allocated device-time (grows with work done and with waste alike)'],
  energy_kwh: ['kWh', 'lower', 'non-negative', 'energy drawn by the devices (busy and idle power) and the hosts, times each site\'s PUE; not the fabric (fabric_energy_kwh)'],
  energy_cost: ["electricity_price's currency", 'lower', 'non-negative', "energy (kWh) x each site's electricity_price (per kWh, in the scenario's currency: poolsim knows none, so every site's price must be in the same one); empty unless every site that drew energy gives its electricity_price"],
  co2_kg: ['kg', 'lower', 'non-negative', 'energy x carbon intensity of the site; empty unless every site that drew energy gives its carbon_intensity'],
  failures: ['count', 'lower', 'non-negative', 'hardware failure events (devices, nodes, links)'],
  lost_pflop: ['PFLOP', 'lower', 'non-negative', 'work lost to failures and redone'],
  checkpoint_overhead_s: ['s', 'lower', 'non-negative', "time spent writing checkpoints, summed over jobs: periodic ones, those written when preempted and each job's final one (devices held, no progress)"],
  ftf_rho_max: ['ratio', 'lower', 'non-negative', "finish-time fairness (Themis): largest over completed jobs of JCT / run time alone on a 1/N share of the pool (at the rate the run times it alone: the step model's, or peak x efficiency), N the jobs contending over the job's lifetime (<= 1: no job worse off than on its own share)"],
  ftf_rho_mean: ['ratio', 'lower', 'non-negative', 'finish-time fairness: mean over completed jobs of JCT / run time on a 1/N share of the pool'],
  gpu_fragmentation_mean: ['share', 'lower', 'non-negative', "time-weighted mean share of the GPUs fragmented (FGD, Weng et al. ATC'23: free GPU the run's requests cannot use where it is); empty for generated or multi-node jobs"],
  fabric_capex: ['USD', 'lower', 'non-negative', "what the data centres' switch fabrics cost: switches, transceivers and cables their topology needs, at the fabric's equipment prices (docs/network.md); empty with network: ideal or a fabric without equipment figures"],
  fabric_kw: ['kW', 'lower', 'non-negative', 'rated power of those switches and transceivers; empty likewise'],
  fabric_energy_kwh: ['kWh', 'lower', 'non-negative', "energy those switches and transceivers draw over the run (rated power, always on, times the site's PUE); not in energy_kwh; empty likewise"],
  layout_near_tie_jobs: ['count', 'neutral', 'non-negative', `training jobs whose automatic layout was a near-tie: the runner-up layout within the model's mean error (${NEAR_TIE_PERCENT}) of its step, so that either could be the faster (\`poolsim explain\` names it); results resting on those jobs rest on a choice the model cannot make for certain`],
};

/** Summary columns of scenarios with tenants only (after the others, so that other scenarios keep their bytes). */
export const TENANT_SUMMARY_METRICS: readonly MetricDef[] = [
  { column: 'jain_index', unit: 'fraction', direction: 'higher', range: 'fraction', description: "Jain's fairness index over tenants of mean_share / entitled_share (1: each got the same fraction of its quota; scenarios with tenants)" },
];
export const TENANT_SUMMARY_COLUMNS: readonly string[] = TENANT_SUMMARY_METRICS.map((m) => m.column);

/** Text columns of a job row: not metrics. */
const JOB_TEXT = ['job_id', 'kind', 'device_kind', 'datacentre', 'placement_span', 'status', 'reason', 'layout'] as const;
type JobMetric = Exclude<keyof JobRow, (typeof JOB_TEXT)[number]>;

const JOB: Record<JobMetric, Entry> = {
  submit_s: ['s', 'neutral', 'non-negative', 'when the named job (--job) was submitted'],
  start_s: ['s', 'neutral', 'non-negative', 'when it first started'],
  finish_s: ['s', 'neutral', 'non-negative', 'when it finished'],
  queueing_delay_s: ['s', 'lower', 'non-negative', 'its queueing delay (still waiting at the end: its wait so far, a lower bound)'],
  requeued_s: ['s', 'lower', 'non-negative', 'part of its queueing delay spent re-queued after preemptions'],
  preemptions: ['count', 'lower', 'non-negative', 'times it was preempted'],
  devices: ['count', 'neutral', 'non-negative', 'devices it held'],
  device_share: ['fraction', 'neutral', 'fraction', 'the share of each of those devices it held: 1 for whole devices, 0.5 for half of one GPU (a GPU-sharing job); its device-time is devices x device_share'],
  useful_pflop: ['PFLOP', 'higher', 'non-negative', 'useful work it completed'],
  effective_compute_ratio: ['fraction', 'higher', 'fraction', 'its useful FLOPs / peak FLOP-seconds of its devices (at its precision: an FP8 job\'s FP8 peak)'],
  step_time_s: ['s', 'lower', 'non-negative', 'its mean step time (network model)'],
  comm_fraction: ['fraction', 'lower', 'fraction', 'fraction of its step time spent in exposed communication'],
  compute_s: ['s', 'lower', 'non-negative', 'its mean kernel time per step (network model)'],
  exposed_comm_s: ['s', 'lower', 'non-negative', 'its mean exposed communication per step (network model)'],
  bubble_s: ['s', 'lower', 'non-negative', 'its mean pipeline bubble per step (network model)'],
  memory_gib: ['GiB', 'lower', 'non-negative', 'memory per device of its layout (network model)'],
  failures: ['count', 'lower', 'non-negative', 'times a failure stopped it'],
  lost_pflop: ['PFLOP', 'lower', 'non-negative', 'its work lost to failures'],
  checkpoint_overhead_s: ['s', 'lower', 'non-negative', 'its time spent writing checkpoints, periodic, on preemption and its final one'],
  effective_training_fraction: ['fraction', 'higher', 'fraction', 'productive share of its time since first start'],
};

const SERVICE_TEXT = ['service', 'balancer'] as const;
type ServiceMetric = Exclude<keyof ServiceRow, (typeof SERVICE_TEXT)[number] | 'backlog'>;

const SERVICE: Record<ServiceMetric, Entry> = {
  requests: ['count', 'higher', 'non-negative', 'requests completed'],
  queueing_delay_mean_s: ['s', 'lower', 'non-negative', "mean of start of service at a replica - arrival at the balancer (the one-way latency to the replica included), of completed requests and of those not started at the end at their wait so far (a lower bound, as for TTFT)"],
  queueing_delay_p50_s: ['s', 'lower', 'non-negative', "median of start of service - arrival at the balancer (requests not started at the end at their wait so far, as for the mean)"],
  queueing_delay_p95_s: ['s', 'lower', 'non-negative', "95th percentile of start of service - arrival at the balancer (requests not started at the end at their wait so far, as for the mean)"],
  queueing_delay_p99_s: ['s', 'lower', 'non-negative', "99th percentile of start of service - arrival at the balancer (requests not started at the end at their wait so far, as for the mean)"],
  ttft_p50_s: ['s', 'lower', 'non-negative', 'median time to first token, as the client sees it; a request in flight at the end without a first token counts at its wait so far (a lower bound)'],
  ttft_p99_s: ['s', 'lower', 'non-negative', '99th percentile of time to first token (requests in flight without one at their wait so far, as for the median)'],
  tpot_p50_s: ['s', 'lower', 'non-negative', 'median time per output token, of completed requests'],
  tpot_p99_s: ['s', 'lower', 'non-negative', '99th percentile of time per output token, of completed requests'],
  e2e_latency_p50_s: ['s', 'lower', 'non-negative', 'median end-to-end latency, of completed requests'],
  e2e_latency_p99_s: ['s', 'lower', 'non-negative', '99th percentile of end-to-end latency, of completed requests'],
  slo_attainment: ['fraction', 'higher', 'fraction', 'fraction of requests meeting every SLO given, of those whose outcome is known: completed ones, rejected ones (misses) and unfinished ones already past an objective at the end (misses); unfinished ones still within every objective are left out'],
  tokens_per_s: ['tokens/s', 'higher', 'non-negative', 'output tokens generated per second of the run'],
  effective_compute_ratio: ['fraction', 'higher', 'fraction', "useful FLOPs / peak FLOP-seconds of the service's replicas"],
  replicas_mean: ['replicas', 'neutral', 'non-negative', 'replicas holding devices, time-averaged'],
  replicas_max: ['replicas', 'neutral', 'non-negative', 'most replicas at once'],
  requests_unfinished: ['count', 'lower', 'non-negative', 'requests still queued or in a batch at the end'],
  requests_rejected: ['count', 'lower', 'non-negative', "requests larger than a replica's whole KV cache, prompts that leave no room for an output token in the model's context_length, and with slo.admission those its replica could not serve within the SLO"],
  requests_capped: ['count', 'neutral', 'non-negative', "completed requests whose output was cut where prompt + output reached the model's context_length"],
  kv_transfer_p50_s: ['s', 'lower', 'non-negative', 'median KV-cache transfer time from prefill to decode replica (disaggregated services)'],
  kv_transfer_p99_s: ['s', 'lower', 'non-negative', '99th percentile of the KV-cache transfer time (disaggregated services)'],
  kv_bytes: ['bytes', 'neutral', 'non-negative', 'KV-cache bytes moved from prefill to decode replicas (disaggregated services)'],
  goodput_rps: ['requests/s', 'higher', 'non-negative', 'completed requests meeting every SLO given, per second of the run'],
  prefix_hit_rate: ['fraction', 'higher', 'fraction', "requests whose shared prompt prefix their replica's prefix cache held, of those carrying one"],
  replica_failures: ['count', 'lower', 'non-negative', 'replicas lost to device or node failures (colocated, prefill and decode alike; each replaced after its restart delay)'],
  requests_retried: ['count', 'lower', 'non-negative', 'times a request started over on another replica because its replica failed under it'],
  backlog_growth_rps: ['requests/s', 'lower', 'real', "requests outstanding at the end of the arrival window (the horizon, or where the streams end: their latest until or a trace's last row) less those at its middle, per second of its later half: about 0 for a stable service, arrivals - completions for one loaded above what its replicas serve (its waits then grow with the run's length); empty when the window is unbounded (no horizon, a stream ending on its count)"],
};

/** A tenant's tenants.csv columns (scenarios with tenants), as runs.csv's `tenants.<tenant>.<metric>`. */
const TENANT: Record<string, Entry> = {
  mean_share: ['fraction', 'neutral', 'fraction', "devices its jobs held, time-averaged, over the pool's devices"],
  borrowed_device_hours: ['device-hours', 'neutral', 'non-negative', 'quota it used beyond its nominal quota, over time, as Kueue counts quota: from admission, so it includes jobs admitted and not yet placed and jobs writing a preemption checkpoint (the devices it held are in tenant_shares.csv)'],
  lent_device_hours: ['device-hours', 'neutral', 'non-negative', 'its unused nominal quota that other queues of its cohort tree used, over time (what they borrow is credited to the queues of the tree in proportion to their idle lendable quota; the quota of a cohort itself lends to the credit of no queue)'],
  preempted_jobs: ['count', 'lower', 'non-negative', 'its jobs preempted at least once'],
  queueing_delay_p95_s: ['s', 'lower', 'non-negative', "95th percentile of its jobs' queueing delay"],
  jct_mean_s: ['s', 'lower', 'non-negative', 'mean completion time of its jobs'],
  max_slowdown: ['ratio', 'lower', 'non-negative', 'largest JCT / run time alone on the fastest allowed kind (as the run times it, checkpoints included) among its jobs'],
  ftf_rho_max: ['ratio', 'lower', 'non-negative', 'largest finish-time fairness rho among its completed jobs (JCT / run time on a 1/N share of the pool)'],
  ftf_rho_mean: ['ratio', 'lower', 'non-negative', 'mean finish-time fairness rho of its completed jobs'],
};

const def = (column: string, [unit, direction, range, description]: Entry): MetricDef => ({ column, unit, direction, range, description });

/** A tenant's metrics by their tenants.csv column (no prefix). */
export const TENANT_METRICS: readonly MetricDef[] = Object.entries(TENANT).map(([c, e]) => def(c, e));
const TENANT_BY_NAME = new Map<string, MetricDef>(TENANT_METRICS.map((m) => [m.column, m]));

/** runs.csv's column for a tenant's metric: `tenants.<tenant>.<metric>`. */
export function tenantColumn(tenant: string, metric: string): string {
  return `tenants.${tenant}.${metric}`;
}

function parseTenantColumn(column: string): { tenant: string; metric: string } | undefined {
  if (!column.startsWith('tenants.')) return undefined;
  const dot = column.lastIndexOf('.');
  if (dot <= 'tenants.'.length) return undefined;
  return { tenant: column.slice('tenants.'.length, dot), metric: column.slice(dot + 1) };
}

/** Summary metrics, in summary.csv's column order. */
export const SUMMARY_METRICS: readonly MetricDef[] = Object.entries(SUMMARY).map(([c, e]) => def(c, e));
export const SUMMARY_METRIC_COLUMNS: readonly string[] = SUMMARY_METRICS.map((m) => m.column);

/** The named job's metrics (`--job`), as runs.csv columns (`job_` + the jobs.csv column). */
export const JOB_METRICS: readonly MetricDef[] = Object.entries(JOB).map(([c, e]) => def(`job_${c}`, e));

/** A service's metrics by their services.csv column (no prefix). */
export const SERVICE_METRICS: readonly MetricDef[] = Object.entries(SERVICE).map(([c, e]) => def(c, e));

const BY_COLUMN = new Map<string, MetricDef>([...SUMMARY_METRICS, ...TENANT_SUMMARY_METRICS, ...JOB_METRICS].map((m) => [m.column, m]));
const SERVICE_BY_NAME = new Map<string, MetricDef>(SERVICE_METRICS.map((m) => [m.column, m]));

/** runs.csv's column for a service's metric: `services.<service>.<metric>`. */
export function serviceColumn(service: string, metric: string): string {
  return `services.${service}.${metric}`;
}

/** The service and metric of a `services.<service>.<metric>` column (service names may hold dots; metrics do not). */
export function parseServiceColumn(column: string): { service: string; metric: string } | undefined {
  if (!column.startsWith('services.')) return undefined;
  const dot = column.lastIndexOf('.');
  if (dot <= 'services.'.length) return undefined;
  return { service: column.slice('services.'.length, dot), metric: column.slice(dot + 1) };
}

/** The definition of a result column, or undefined when it is not a metric (labels, text, unknown). */
export function metricDef(column: string): MetricDef | undefined {
  const d = BY_COLUMN.get(column);
  if (d) return d;
  const s = parseServiceColumn(column);
  const sd = s && SERVICE_BY_NAME.get(s.metric);
  if (sd) return { ...sd, column };
  const t = parseTenantColumn(column);
  const td = t && TENANT_BY_NAME.get(t.metric);
  return td ? { ...td, column } : undefined;
}

export function metricDirection(column: string): Direction {
  return metricDef(column)?.direction ?? 'neutral';
}

/** True when `a` is better than `b` for this metric (never for neutral ones). */
export function isBetter(column: string, a: number, b: number): boolean {
  const d = metricDirection(column);
  return d === 'higher' ? a > b : d === 'lower' ? a < b : false;
}

/** The closed interval a metric's values (and so its mean) lie in. */
export function rangeBounds(range: MetricRange): { min: number; max: number } {
  return range === 'fraction' ? { min: 0, max: 1 } : range === 'real' ? { min: -Infinity, max: Infinity } : { min: 0, max: Infinity };
}

export function rangeText(range: MetricRange): string {
  return range === 'fraction' ? 'a fraction in [0, 1]' : range === 'real' ? 'any number' : 'non-negative';
}

/**
 * The result columns a name given by a user (`--metrics`, `expect:`) stands for, among `available`:
 * the column itself, or a service metric's bare name (`ttft_p99_s`) when exactly one service has it
 * and no summary column has that name. Undefined when it names nothing.
 */
export function resolveMetricName(name: string, available: readonly string[]): string | undefined {
  if (available.includes(name)) return name;
  if (!SERVICE_BY_NAME.has(name)) return undefined;
  const matches = available.filter((c) => parseServiceColumn(c)?.metric === name);
  return matches.length === 1 ? matches[0] : undefined;
}

/** Why `name` names no metric among `available`, with the known names (and what a bare service metric needs). */
export function unknownMetricMessage(name: string, available: readonly string[]): string {
  const services = [...new Set(available.map((c) => parseServiceColumn(c)?.service).filter((s): s is string => s !== undefined))];
  let why = `unknown metric '${name}'`;
  if (SERVICE_BY_NAME.has(name)) {
    why =
      services.length === 0
        ? `'${name}' is a service metric, but the scenario has no inference services`
        : `'${name}' is a metric of each of ${services.length} services: name one, e.g. '${serviceColumn(services[0]!, name)}'`;
  }
  const plain = available.filter((c) => !parseServiceColumn(c));
  const perService = services.length > 0 ? `; per service: services.<${services.join('|')}>.<${SERVICE_METRICS.map((m) => m.column).join('|')}>` : '';
  return `${why}; expected one of: ${plain.join(', ')}${perService}`;
}

/** The metric reference in docs/experiments.md, generated from the table (a test keeps the docs in step). */
export function metricTableMarkdown(): string {
  const rows = (defs: readonly MetricDef[], name: (d: MetricDef) => string): string =>
    defs.map((d) => `| \`${name(d)}\` | ${d.unit} | ${d.direction === 'neutral' ? '-' : d.direction} | ${d.range === 'fraction' ? '[0, 1]' : d.range === 'real' ? 'any' : '>= 0'} | ${d.description} |\n`).join('');
  const head = '| column | unit | better | range | meaning |\n|---|---|---|---|---|\n';
  return (
    `Run summary (runs.csv, summary.csv):\n\n${head}${rows(SUMMARY_METRICS, (d) => d.column)}\n` +
    `The job named by \`--job NAME\`:\n\n${head}${rows(JOB_METRICS, (d) => d.column)}\n` +
    `Each inference service, as \`services.<service>.<metric>\` (the bare metric name also works when the scenario has one service):\n\n${head}${rows(SERVICE_METRICS, (d) => d.column)}\n` +
    `Scenarios with tenants: Jain's index (summary.csv's last column), and each tenant's tenants.csv metrics as \`tenants.<tenant>.<metric>\`:\n\n${head}${rows(TENANT_SUMMARY_METRICS, (d) => d.column)}${rows(TENANT_METRICS, (d) => `tenants.<tenant>.${d.column}`)}`
  );
}
