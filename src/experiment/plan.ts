// An experiment's run list: sweep points (the cross product of every `--set`) x placements x
// policies x seeds, each run numbered once and for all. The number fixes the run's place in every
// output file and its shard, so results do not depend on worker counts or on how runs were split
// between machines. Seeds are common random numbers: run k of every policy uses the same seed.
import { fileAccess } from './file-access.js';
import { dirname } from 'node:path';
import { loadScenario } from '../model/load-scenario.js';
import { loadPolicies } from '../policy/plugin.js';
import { InputError, SourceMap, type InputIssue } from '../scenario/errors.js';
import { JOB_COLUMNS, SUMMARY_COLUMNS, type JobRow } from '../sim/metrics.js';
import { cellText, type Table } from './csv-table.js';
import type { WorkerPolicyOverride } from './run-in-worker.js';
import { applyAssignments, ScenarioPathError } from './scenario-edit.js';
import type { SweepParam } from './sweep-values.js';
import type { PoolRequest, RunOutcome } from './worker-pool.js';

export interface ExperimentSpec {
  scenarioText: string;
  /** As the user named it (messages, the scenario column is the scenario's own name). */
  scenarioFile: string;
  sweep: readonly SweepParam[];
  /** Queue policies to compare; empty: the scenario's own. */
  policies: readonly WorkerPolicyOverride[];
  placements: readonly WorkerPolicyOverride[];
  seeds: readonly number[];
  /** Add this job's metrics (job_* columns) to every row. */
  jobName?: string;
}

export interface SweepPoint {
  index: number;
  /** Parameter path -> value as written, in `--set` order. */
  values: readonly string[];
  text: string;
}

export interface PlannedRun {
  index: number;
  point: number;
  policy: WorkerPolicyOverride | undefined;
  placement: WorkerPolicyOverride | undefined;
  seed: number;
}

export interface Plan {
  spec: ExperimentSpec;
  points: SweepPoint[];
  runs: PlannedRun[];
}

/** Job columns added by `--job`: the job's row, prefixed (`job_effective_compute_ratio`). */
export const JOB_METRIC_COLUMNS: readonly (keyof JobRow)[] = JOB_COLUMNS.filter((c) => c !== 'job_id' && c !== 'kind');

export function planExperiment(spec: ExperimentSpec): Plan {
  const points: SweepPoint[] = [];
  const issues: InputIssue[] = [];
  const combos = crossProduct(spec.sweep.map((p) => p.values));
  combos.forEach((values, index) => {
    let text: string;
    try {
      text = applyAssignments(
        spec.scenarioText,
        spec.sweep.map((p, k) => ({ path: p.path, value: values[k]! })),
      );
    } catch (e) {
      if (!(e instanceof ScenarioPathError)) throw e;
      issues.push({ file: '--set', line: 0, column: 0, path: '', message: e.message });
      return;
    }
    points.push({ index, values, text });
  });
  if (issues.length > 0) throw new InputError(dedupe(issues));
  const placements = spec.placements.length > 0 ? spec.placements : [undefined];
  const policies = spec.policies.length > 0 ? spec.policies : [undefined];
  const runs: PlannedRun[] = [];
  for (const point of points) {
    for (const placement of placements) {
      for (const policy of policies) {
        for (const seed of spec.seeds) runs.push({ index: runs.length, point: point.index, policy, placement, seed });
      }
    }
  }
  return { spec, points, runs };
}

/**
 * Check every sweep point's scenario and every policy before anything runs: a bad value is reported
 * like a mistake in the file (path, expected), with the point named.
 */
export async function validatePlan(plan: Plan): Promise<void> {
  const issues: InputIssue[] = [];
  const dir = dirname(plan.spec.scenarioFile);
  let policiesChecked = false;
  for (const point of plan.points) {
    try {
      const resolved = loadScenario(point.text, plan.spec.scenarioFile, fileAccess(plan.spec.scenarioFile));
      if (!policiesChecked) {
        policiesChecked = true;
        const placements = plan.spec.placements.length > 0 ? plan.spec.placements : [undefined];
        const policies = plan.spec.policies.length > 0 ? plan.spec.policies : [undefined];
        for (const placement of placements) {
          for (const policy of policies) {
            const o = (x: WorkerPolicyOverride | undefined) => x && { ref: x.ref, baseDir: x.baseDir, src: new SourceMap(x.label, undefined, undefined) };
            await loadPolicies(resolved, dir, { ...(policy ? { policy: o(policy)! } : {}), ...(placement ? { placement: o(placement)! } : {}) });
          }
        }
      }
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      const where = plan.spec.sweep.map((p, k) => `${p.path}=${point.values[k]}`).join(', ');
      for (const i of e.issues) issues.push(where ? { ...i, message: `${i.message} (sweep point ${where})` } : i);
    }
  }
  if (issues.length > 0) throw new InputError(dedupe(issues));
}

function dedupe(issues: InputIssue[]): InputIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = JSON.stringify(i);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function crossProduct(lists: readonly (readonly string[])[]): string[][] {
  let out: string[][] = [[]];
  for (const list of lists) out = out.flatMap((prefix) => list.map((v) => [...prefix, v]));
  return out;
}

export interface Shard {
  /** 1-based. */
  k: number;
  n: number;
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m || Number(m[2]) < 1 || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) {
    throw new InputError([{ file: '--shard', line: 0, column: 0, path: '', message: `'${text}': expected k/n with 1 <= k <= n, e.g. 3/8` }]);
  }
  return { k: Number(m[1]), n: Number(m[2]) };
}

/**
 * Interleaved slicing: run i belongs to shard (i mod n) + 1. Neighbouring runs (the seeds of one
 * point, the points of a sweep, which often differ in cost) land on different shards, so shards
 * take about the same time.
 */
export function inShard(runIndex: number, shard: Shard | undefined): boolean {
  return !shard || runIndex % shard.n === shard.k - 1;
}

/** The requests for the pool. */
export function poolRequests(plan: Plan, runs: readonly PlannedRun[], options: { jobRows?: boolean } = {}): PoolRequest[] {
  const scenarioDir = dirname(plan.spec.scenarioFile);
  return runs.map((r) => ({
    index: r.index,
    scenarioText: plan.points.find((p) => p.index === r.point)!.text,
    scenarioFile: plan.spec.scenarioFile,
    scenarioDir,
    seed: r.seed,
    ...(r.policy ? { policy: r.policy } : {}),
    ...(r.placement ? { placement: r.placement } : {}),
    ...(plan.spec.jobName !== undefined ? { jobName: plan.spec.jobName } : {}),
    ...(options.jobRows ? { jobRows: true } : {}),
  }));
}

/** runs.csv's columns: run number, one per swept parameter, the summary, then the named job's. */
export function runColumns(plan: Plan): string[] {
  return ['run', ...plan.spec.sweep.map((p) => p.path), ...SUMMARY_COLUMNS, ...(plan.spec.jobName !== undefined ? JOB_METRIC_COLUMNS.map((c) => `job_${c}`) : [])];
}

/** One formatted row per outcome (cells as they will be written). */
export function runRows(plan: Plan, outcomes: readonly RunOutcome[]): Table {
  const byPoint = new Map(plan.points.map((p) => [p.index, p]));
  const runByIndex = new Map(plan.runs.map((r) => [r.index, r]));
  const rows = outcomes.map((o) => {
    const run = runByIndex.get(o.index)!;
    const cells: string[] = [String(o.index), ...byPoint.get(run.point)!.values.map(cellText), ...SUMMARY_COLUMNS.map((c) => cellText(o.summary[c]))];
    if (plan.spec.jobName !== undefined) {
      const job = o.job ?? undefined;
      for (const c of JOB_METRIC_COLUMNS) cells.push(job ? cellText(job[c]) : '');
    }
    return cells;
  });
  return { header: runColumns(plan), rows };
}

/** jobs.csv for an experiment: the run number, then the usual job columns. */
export function jobRowsTable(outcomes: readonly RunOutcome[]): Table {
  const rows: string[][] = [];
  for (const o of outcomes) for (const j of o.jobRows ?? []) rows.push([String(o.index), ...JOB_COLUMNS.map((c) => cellText(j[c]))]);
  return { header: ['run', ...JOB_COLUMNS], rows };
}
