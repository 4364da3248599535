// Runs an experiment (compare, sweep, check): plan the runs, check every input before anything
// runs, spread this shard's runs over the worker pool, and return the result tables. Pure apart from
// the worker threads: no files, no stdout; the caller writes the tables.
import { availableParallelism, totalmem } from 'node:os';
import { formatBytes, MEMORY_SHARE } from '../model/size-estimate.js';
import type { Table } from './csv-table.js';
import { inShard, jobRowsTable, planExperiment, poolRequests, runRows, validatePlan, type CheckedPlan, type ExperimentSpec, type Shard } from './plan.js';
import { summarizeRuns } from './summarize.js';
import { runPool, type RunOutcome } from './worker-pool.js';
import { hotLinksTable } from './hot-links.js';

export interface ExperimentOptions {
  /** Worker threads; the machine's available parallelism by default. */
  workers?: number;
  shard?: Shard;
  policyTimeoutS?: number;
  /** Keep every job row (jobs.csv, queueing-delay CDFs). */
  jobRows?: boolean;
  /** Keep each run's busiest links and their heaviest users (hot_links.csv). */
  hotLinks?: boolean;
  /** Called once the plan is known and checked, with the number of runs this shard will do. */
  onStart?: (runs: number) => void;
  onRunDone?: (outcome: RunOutcome) => void;
  /**
   * Called before any run starts when fewer runs will be simulated at once than asked because that
   * many of the largest would not fit in the machine's memory share (the CLI writes it to stderr).
   */
  onNote?: (text: string) => void;
  /** The memory the runs at once share (bytes); MEMORY_SHARE of the machine's by default (tests set it). */
  machineBytes?: number;
}

export interface ExperimentResult {
  plan: CheckedPlan;
  /** runs.csv: this shard's runs, by run index. */
  runs: Table;
  /** summary.csv (over this shard's runs). */
  summary: Table;
  /** jobs.csv, when jobRows was asked. */
  jobs: Table | undefined;
  /** hot_links.csv, when hotLinks was asked. */
  hotLinks?: Table;
  outcomes: RunOutcome[];
  /** Sum of the simulations' own wall times, to measure the experiment's overhead. */
  simulationWallS: number;
  /** How many runs were simulated at once (--workers or the CPUs, less when they would not fit in memory). */
  runsAtOnce: number;
}

export function defaultWorkers(): number {
  return availableParallelism();
}

/**
 * How many runs may be simulated at once: `asked`, or as many of the plan's largest run as fit in
 * `machineBytes` (MEMORY_SHARE of the machine's memory, the share one run may take by default), at
 * least one. Each run is sized and refused alone when loaded; without this, 16 workers of a run
 * estimated at 3 GiB, each within its own limit, needed 48 GiB on a 32 GiB machine. The results do
 * not depend on the number of workers.
 */
export function workersThatFit(asked: number, largestRunBytes: number, machineBytes: number = MEMORY_SHARE * totalmem()): number {
  if (!(largestRunBytes > 0)) return asked;
  return Math.max(1, Math.min(asked, Math.floor(machineBytes / largestRunBytes)));
}

/** Why fewer runs than asked are simulated at once. */
export function runsAtOnceNote(asked: number, runsAtOnce: number, largestRunBytes: number, machineBytes: number): string {
  return `${asked} runs at once would need about ${formatBytes(asked * largestRunBytes)} (the largest about ${formatBytes(largestRunBytes)} each), more than ${formatBytes(machineBytes)} (half of this machine's memory): running ${runsAtOnce} at once`;
}

/** Plan and check an experiment without running it (the caller may check more, e.g. --metrics, then run it). */
export async function prepareExperiment(spec: ExperimentSpec, options: Pick<ExperimentOptions, 'policyTimeoutS'> = {}): Promise<CheckedPlan> {
  return validatePlan(planExperiment(spec), { policyTimeoutS: options.policyTimeoutS ?? 10 });
}

/** Run a checked plan (this shard's runs). */
export async function runPlan(plan: CheckedPlan, options: ExperimentOptions = {}): Promise<ExperimentResult> {
  const mine = plan.runs.filter((r) => inShard(r.index, options.shard));
  const asked = options.workers ?? defaultWorkers();
  const machineBytes = options.machineBytes ?? MEMORY_SHARE * totalmem();
  const runsAtOnce = workersThatFit(asked, plan.largestRunBytes, machineBytes);
  if (runsAtOnce < Math.min(asked, mine.length)) options.onNote?.(runsAtOnceNote(asked, runsAtOnce, plan.largestRunBytes, machineBytes));
  options.onStart?.(mine.length);
  const outcomes = await runPool(poolRequests(plan, mine, { jobRows: options.jobRows ?? false, hotLinks: options.hotLinks ?? false }), {
    workers: runsAtOnce,
    policyTimeoutS: options.policyTimeoutS ?? 10,
    onDone: (o) => options.onRunDone?.(o),
  });
  const runs = runRows(plan, outcomes);
  let simulationWallS = 0;
  for (const o of outcomes) simulationWallS += o.wallS;
  return { plan, runs, summary: summarizeRuns(runs), jobs: options.jobRows ? jobRowsTable(outcomes) : undefined, ...(options.hotLinks ? { hotLinks: hotLinksTable(outcomes) } : {}), outcomes, simulationWallS, runsAtOnce };
}

export async function runExperiment(spec: ExperimentSpec, options: ExperimentOptions = {}): Promise<ExperimentResult> {
  return runPlan(await prepareExperiment(spec, options), options);
}
