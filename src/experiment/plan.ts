// An experiment's run list: sweep points (the cross product of every `--set`) x placements x
// policies x seeds, each run numbered once and for all. The number fixes the run's place in every
// output file and its shard, so results do not depend on worker counts or on how runs were split
// between machines. Seeds are common random numbers: run k of every policy uses the same seed.
// Before anything runs, every point's scenario and every policy is checked (plug-ins loaded in a
// worker under the watchdog), and each policy variant gets its label (variant-label.ts).
import { fileAccess } from './file-access.js';
import { dirname } from 'node:path';
import { loadPolicies, usesPlugins, type LoadPoliciesOptions } from '../policy/plugin.js';
import { samePolicy, withOwnParams } from '../policy/own-params.js';
import type { PolicyRef } from '../scenario/schema.js';
import { formatIssue, InputError, SourceMap, type InputIssue } from '../scenario/errors.js';
import { parseYaml } from '../scenario/parse-yaml.js';
import type { ResolvedScenario, TraceReport } from '../model/load-scenario.js';
import { JOB_COLUMNS, SUMMARY_COLUMNS, type JobRow } from '../sim/metrics.js';
import { TENANT_SHARE_COLUMNS } from '../sim/tenant-share-series.js';
import { cellText, type Table } from './csv-table.js';
import { lookUpJobName } from '../model/job-name-lookup.js';
import { JOB_METRICS, SERVICE_METRICS, serviceColumn, SUMMARY_METRIC_COLUMNS, TENANT_METRICS, TENANT_SUMMARY_COLUMNS, tenantColumn } from './metric-table.js';
import { loadInWorker, type WorkerPolicyOverride } from './run-in-worker.js';
import { loadScenarioForRun } from './load-for-run.js';
import { policyWarnings } from './policy-warnings.js';
import { editScenario, parsePath, ScenarioPathError } from './scenario-edit.js';
import type { SweepParam } from './sweep-values.js';
import { VariantError, variantLabels } from './variant-label.js';
import type { PoolRequest, RunOutcome } from './worker-pool.js';

/**
 * The most runs one experiment may plan (and merge may join) unless raised (--max-runs): a plan
 * holds every run, and its runs.csv a row each, in memory. 100,000 runs is days of work on one
 * machine for the smallest scenarios; shard beyond that.
 */
export const DEFAULT_MAX_RUNS = 100_000;

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
  /** Refuse plans of more runs than this (DEFAULT_MAX_RUNS by default). */
  maxRuns?: number;
  /** Memory one run may use (`--max-memory`); the loader's default limit when absent. */
  maxMemoryBytes?: number;
}

export interface SweepPoint {
  index: number;
  /** Parameter path -> value as written, in `--set` order. */
  values: readonly string[];
  text: string;
  /** Fields the point's --set values added to the scenario (issue paths: `horizon`, `services[0].count`). */
  added?: readonly string[];
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

/** Refuse a run count beyond the limit before anything is allocated for it. */
export function checkRunCount(count: number, limit: number, what: string, option = '--max-runs'): void {
  if (count > limit) {
    throw new InputError([
      { file: what, line: 0, column: 0, path: '', message: `${count.toLocaleString('en-US')} runs, more than the limit of ${limit.toLocaleString('en-US')}: use fewer values or seeds, split the experiment, or raise the limit with ${option}` },
    ]);
  }
}

export function planExperiment(spec: ExperimentSpec): Plan {
  const points: SweepPoint[] = [];
  const issues: InputIssue[] = [];
  const pointCount = spec.sweep.reduce((n, p) => n * p.values.length, 1);
  const runCount = pointCount * Math.max(1, spec.placements.length) * Math.max(1, spec.policies.length) * spec.seeds.length;
  checkRunCount(runCount, spec.maxRuns ?? DEFAULT_MAX_RUNS, spec.sweep.length > 0 ? '--set' : '--seeds');
  for (const p of spec.sweep) {
    const message = overriddenSweep(p.path, spec);
    if (message !== undefined) issues.push({ file: '--set', line: 0, column: 0, path: '', message });
  }
  if (issues.length > 0) throw new InputError(issues);
  const combos = crossProduct(spec.sweep.map((p) => p.values));
  combos.forEach((values, index) => {
    let edited: { text: string; added: string[] };
    try {
      edited = editScenario(
        spec.scenarioText,
        spec.sweep.map((p, k) => ({ path: p.path, value: values[k]! })),
      );
    } catch (e) {
      if (!(e instanceof ScenarioPathError)) throw e;
      issues.push({ file: '--set', line: 0, column: 0, path: '', message: e.message });
      return;
    }
    points.push({ index, values, text: edited.text, ...(edited.added.length > 0 ? { added: edited.added } : {}) });
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
 * Why sweeping `path` would change no run while runs.csv labels each run with its value, or
 * undefined. A run's seed comes from --seeds and --seed-base (the scenario's `seed` is only their
 * default first seed), and --policies / --placements replace the scenario's policy / placement
 * and its parameters: every point would run the same simulations under different labels.
 */
function overriddenSweep(path: string, spec: ExperimentSpec): string | undefined {
  let head: string | number | undefined;
  try {
    head = parsePath(path)[0];
  } catch {
    return undefined; // applyAssignments reports the malformed path
  }
  if (head === 'seed') {
    return `${path}: each run's seed comes from --seeds and --seed-base (the scenario's seed is only the default first seed), so every point would run the same seeds under different labels; replicate with --seeds N (and --seed-base S) instead`;
  }
  const override =
    head === 'policy' && spec.policies.length > 0 ? '--policies' : head === 'placement' && spec.placements.length > 0 ? '--placements' : undefined;
  if (override === undefined) return undefined;
  const plural = head === 'policy' ? 'policies' : 'placements';
  return `${path}: with ${override}, every run uses the ${plural} ${override} lists, with the parameters given there, whatever the scenario's ${head} says, so each point of this --set would run the same simulations under another label. To compare parameter values, drop this --set and list one variant per value in ${override} (e.g. ${override} "{name: sjf, params: {strict: true}},{name: sjf, params: {strict: false}}"); to sweep the scenario's own ${head}, drop ${override}`;
}

/** What checking a plan established before anything runs. */
export interface CheckedPlan extends Plan {
  /** The label of each of spec.policies / spec.placements (the scenario's own policy is labelled by its own name). */
  policyLabels: string[];
  placementLabels: string[];
  /** Inference services over every point, in order of first appearance: runs.csv has their metrics. */
  services: string[];
  /** scenarioFingerprint() of each point's scenario (by point index): runs.csv's scenario_sha256. */
  fingerprints: string[];
  /** Tenant queues over every point, in order of first appearance: runs.csv has jain_index and their metrics. */
  tenants: string[];
  /** Whether any point has a workload (jobs listed, generated or traced): a scenario of services alone has no job metrics to show. */
  hasJobs: boolean;
  /** The largest point's estimated memory (bytes, model/size-estimate.ts): how many runs fit at once. */
  largestRunBytes: number;
  /**
   * The scenario's warnings over every point, formatted, each once: as it is where every point has
   * it, else once per point that has it, naming the point (a swept value the loader warns of, such
   * as a bare `latency: 2`, is 2 s at that point only).
   */
  warnings: string[];
  /**
   * What each point's traces contributed and dropped (rows skipped by reason, renamed, suspect), as
   * `run` prints it: `where` names the point (`path=value, ...`; empty without a sweep). Loaded at
   * the scenario's own seed, as the warnings are (a report's `sampleSeed` says so where its
   * trace's `sample` depends on the seed, so that each run's seed keeps other rows).
   */
  traceReports: Array<{ where: string; reports: readonly TraceReport[] }>;
}

export interface ValidateOptions {
  /** Seconds a plug-in module may take to load (the watchdog's limit). */
  policyTimeoutS?: number;
}

/**
 * Check every sweep point's scenario and every policy before anything runs: a bad value is reported
 * like a mistake in the file (path, expected), with the point named. Plug-in modules are loaded in a
 * worker under the watchdog, so one that never finishes loading is stopped like one that hangs a run.
 */
export async function validatePlan(plan: Plan, options: ValidateOptions = {}): Promise<CheckedPlan> {
  const issues: InputIssue[] = [];
  const dir = dirname(plan.spec.scenarioFile);
  const fingerprints: string[] = [];
  const services: string[] = [];
  const tenants: string[] = [];
  let hasJobs = false;
  let names: { policies: string[]; placements: string[]; warnings: string[] } | undefined;
  let policiesChecked = false;
  /** The scenario's own policy and placement (the same at every point: sweeping them with --policies or --placements is refused). */
  let own: { policy: PolicyRef; placement: PolicyRef } | undefined;
  /** Each distinct warning and the points that have it. */
  const warned = new Map<string, string[]>();
  /** The warnings of the points refused, said with their problems. */
  const refusedWarnings: InputIssue[] = [];
  const traceReports: CheckedPlan['traceReports'] = [];
  // `--job NAME`: refused when no point can have a job of that name (a run may still lack it: a
  // generator's job that never arrives, which the experiment warns of after running).
  const jobName = plan.spec.jobName;
  let jobFound = jobName === undefined;
  let largestRunBytes = 0;
  let jobSuggestion: string | undefined;
  // An issue's line and column are in the point's edited text, which the YAML library writes anew
  // (`[east, west]` as `[ east, west ]`): they are looked up again in the file as the user wrote it.
  let original: SourceMap | undefined;
  const inFile = (i: InputIssue): InputIssue => {
    if (plan.spec.sweep.length === 0 || i.file !== plan.spec.scenarioFile || i.line === 0) return i;
    let keys: (string | number)[];
    try {
      keys = parsePath(i.path);
    } catch {
      return i;
    }
    if (!original) {
      const parsed = parseYaml(plan.spec.scenarioText, plan.spec.scenarioFile);
      original = new SourceMap(plan.spec.scenarioFile, parsed.doc, parsed.lines);
    }
    const pos = original.issue(keys, '');
    return pos.line > 0 ? { ...i, line: pos.line, column: pos.column } : i;
  };
  for (const point of plan.points) {
    const where = plan.spec.sweep.map((p, k) => `${p.path}=${point.values[k]}`).join(', ');
    try {
      const loaded = loadScenarioForRun(point.text, plan.spec.scenarioFile, { ...fileAccess(plan.spec.scenarioFile), ...(plan.spec.maxMemoryBytes !== undefined ? { maxMemoryBytes: plan.spec.maxMemoryBytes } : {}) });
      fingerprints[point.index] = loaded.fingerprint;
      largestRunBytes = Math.max(largestRunBytes, loaded.resolved.size.memoryBytes);
      traceReports.push({ where, reports: loaded.resolved.traceReports });
      for (const w of new Set(loaded.resolved.warnings.map((x) => formatIssue(inFile(x))))) {
        const at = warned.get(w);
        if (at) at.push(where);
        else warned.set(w, [where]);
      }
      for (const s of loaded.resolved.services) if (!services.includes(s.name)) services.push(s.name);
      for (const q of loaded.resolved.tenants?.queues ?? []) if (!tenants.includes(q.name)) tenants.push(q.name);
      if (loaded.resolved.scenario.workloads.length > 0) hasJobs = true;
      if (!jobFound) {
        const lookup = lookUpJobName(loaded.resolved, jobName!);
        if (lookup.found) jobFound = true;
        else jobSuggestion ??= lookup.suggestion;
      }
      // Policies are checked once, on the first valid point: a bad one is reported once, not per point.
      if (!policiesChecked) {
        policiesChecked = true;
        own = { policy: loaded.resolved.scenario.policy, placement: loaded.resolved.scenario.placement };
        names = await policyNames(plan, point.text, loaded.resolved, dir, options);
      }
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      const atPoint = (i: InputIssue): InputIssue => {
        // A problem in a field the --set added is said at the --set: its line in the edited text
        // is none of the file's ('two-dc.yaml:14:10: horizon: ...' in a file of 13 lines).
        const added = point.added?.some((f) => i.path === f || i.path.startsWith(`${f}.`) || i.path.startsWith(`${f}[`));
        const at = added ? { ...i, file: '--set', line: 0, column: 0 } : inFile(i);
        return where ? { ...at, message: `${at.message} (sweep point ${where})` } : at;
      };
      issues.push(...e.issues.map(atPoint));
      // What the refused point was warned of goes with its problems: it often explains them.
      refusedWarnings.push(...e.warnings.map(atPoint));
    }
  }
  if (issues.length === 0 && !jobFound) {
    const hint = jobSuggestion !== undefined ? ` (did you mean '${jobSuggestion}'?)` : '';
    issues.push({ file: '--job', line: 0, column: 0, path: '', message: `no training job named '${jobName}' in ${plan.spec.scenarioFile}${hint}: expected a listed or trace job's name, or a generator's '<generator>-<n>'` });
  }
  if (issues.length > 0) throw new InputError(dedupe(issues), dedupe(refusedWarnings));
  const label = (list: readonly WorkerPolicyOverride[], ownNames: string[], option: string, scenarioRef: PolicyRef | undefined): string[] => {
    // A variant named bare that is the scenario's own runs with the scenario's parameters (own-params.ts).
    const ran = (o: WorkerPolicyOverride) => (scenarioRef ? withOwnParams(o, scenarioRef, dir) : o);
    const scenarioParams = (o: WorkerPolicyOverride) => (scenarioRef && samePolicy(o.ref.name, o.baseDir, scenarioRef.name, dir) ? { scenarioParams: scenarioRef.params } : {});
    try {
      return variantLabels(list.map((o, i) => ({ ref: ran(o).ref, ownName: ownNames[i]!, ...scenarioParams(ran(o)) })));
    } catch (e) {
      if (e instanceof VariantError) throw new InputError([{ file: option, line: 0, column: 0, path: '', message: e.message }]);
      throw e;
    }
  };
  return {
    ...plan,
    policyLabels: label(plan.spec.policies, names?.policies ?? [], plan.spec.policies[0]?.label ?? '--policies', own?.policy),
    placementLabels: label(plan.spec.placements, names?.placements ?? [], plan.spec.placements[0]?.label ?? '--placements', own?.placement),
    services,
    fingerprints,
    tenants,
    hasJobs,
    largestRunBytes,
    traceReports,
    warnings: [...[...warned].flatMap(([w, at]) => (at.length === plan.points.length ? [w] : at.map((where) => `${w} (sweep point ${where})`))), ...(names?.warnings ?? [])],
  };
}

/**
 * Load every policy and placement of the plan on one point's scenario (parameters checked, plug-ins
 * imported) and return their own names. Each queue policy is loaded with the first placement and
 * each placement with the first policy: their parameters do not depend on one another.
 */
async function policyNames(plan: Plan, text: string, resolved: ResolvedScenario, dir: string, options: ValidateOptions): Promise<{ policies: string[]; placements: string[]; warnings: string[] }> {
  const policies = plan.spec.policies.length > 0 ? plan.spec.policies : [undefined];
  const placements = plan.spec.placements.length > 0 ? plan.spec.placements : [undefined];
  const names = { policies: [] as string[], placements: [] as string[], warnings: [] as string[] };
  const issues: InputIssue[] = [];
  const refusedWarnings: InputIssue[] = [];
  const load = async (policy: WorkerPolicyOverride | undefined, placement: WorkerPolicyOverride | undefined): Promise<{ queueName: string; placementName: string } | undefined> => {
    const o = (x: WorkerPolicyOverride) => ({ ref: x.ref, baseDir: x.baseDir, src: new SourceMap(x.label, undefined, undefined), bare: x.bare === true });
    const overrides: LoadPoliciesOptions = { ...(policy ? { policy: o(policy) } : {}), ...(placement ? { placement: o(placement) } : {}) };
    // What `run` says of these policies, said once whichever thread loads them.
    const warn = (lines: readonly string[]) => {
      for (const w of lines) if (!names.warnings.includes(w)) names.warnings.push(w);
    };
    try {
      if (!usesPlugins(resolved, overrides)) {
        const loaded = await loadPolicies(resolved, dir, overrides);
        warn(policyWarnings(resolved, loaded));
        return loaded;
      }
      const loaded = await loadInWorker(
        { scenarioText: text, scenarioFile: plan.spec.scenarioFile, scenarioDir: dir, ...(policy ? { policy } : {}), ...(placement ? { placement } : {}), ...(plan.spec.maxMemoryBytes !== undefined ? { maxMemoryBytes: plan.spec.maxMemoryBytes } : {}) },
        { policyTimeoutS: options.policyTimeoutS ?? 10 },
      );
      warn(loaded.policyWarnings);
      return loaded;
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      issues.push(...e.issues);
      refusedWarnings.push(...e.warnings);
      return undefined;
    }
  };
  for (const policy of policies) {
    const n = await load(policy, placements[0]);
    if (policy && n) names.policies.push(n.queueName);
    if (n && names.placements.length === 0 && placements[0]) names.placements.push(n.placementName);
  }
  for (const placement of placements.slice(1)) {
    const n = await load(policies[0], placement);
    if (n) names.placements.push(n.placementName);
  }
  if (issues.length > 0) throw new InputError(dedupe(issues), dedupe(refusedWarnings));
  return names;
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
export function poolRequests(plan: Plan, runs: readonly PlannedRun[], options: { jobRows?: boolean; hotLinks?: boolean } = {}): PoolRequest[] {
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
    ...(options.hotLinks ? { hotLinks: true } : {}),
    ...(plan.spec.maxMemoryBytes !== undefined ? { maxMemoryBytes: plan.spec.maxMemoryBytes } : {}),
  }));
}

/** The column of runs.csv that names what produced a row: the fingerprint of the run's scenario (scenario-fingerprint.ts). */
export const FINGERPRINT_COLUMN = 'scenario_sha256';

/** The job_* columns that `--job` adds. */
const JOB_RUN_COLUMNS = JOB_METRIC_COLUMNS.map((c) => `job_${c}`);

/**
 * The column of each swept parameter: its path, or `set.<path>` (as --set names it) where the path is
 * the name of another runs.csv column (`placement`, `policy`, `seed`): a header naming two columns
 * alike is read wrong by name (pandas renames one, a lookup finds the first).
 */
export function sweepColumns(sweep: readonly { path: string }[]): string[] {
  const taken = new Set<string>(['run', ...SUMMARY_COLUMNS, ...JOB_RUN_COLUMNS, FINGERPRINT_COLUMN]);
  return sweep.map((p) => (taken.has(p.path) ? `set.${p.path}` : p.path));
}

/**
 * runs.csv's columns: run number, one per swept parameter (sweepColumns), the summary, the named
 * job's, every service's metrics (`services.<name>.<metric>`), then the scenario's fingerprint.
 */
export function runColumns(plan: CheckedPlan): string[] {
  return [
    'run',
    ...sweepColumns(plan.spec.sweep),
    ...SUMMARY_COLUMNS,
    ...(plan.spec.jobName !== undefined ? JOB_RUN_COLUMNS : []),
    ...serviceColumns(plan.services),
    ...tenantColumns(plan.tenants),
    FINGERPRINT_COLUMN,
  ];
}

/** Scenarios with tenants: Jain's index over them, then each tenant's metrics (`tenants.<name>.<metric>`). */
export function tenantColumns(tenants: readonly string[]): string[] {
  return tenants.length === 0 ? [] : [...TENANT_SUMMARY_COLUMNS, ...tenants.flatMap((t) => TENANT_METRICS.map((m) => tenantColumn(t, m.column)))];
}

export function serviceColumns(services: readonly string[]): string[] {
  return services.flatMap((s) => SERVICE_METRICS.map((m) => serviceColumn(s, m.column)));
}

/** Every metric column of the plan's runs.csv (what --metrics and expect: may name). */
export function metricColumns(plan: CheckedPlan): string[] {
  return [...SUMMARY_METRIC_COLUMNS, ...(plan.spec.jobName !== undefined ? JOB_METRICS.map((m) => m.column) : []), ...serviceColumns(plan.services), ...tenantColumns(plan.tenants ?? [])];
}

/** One formatted row per outcome (cells as they will be written), policies named by their variant labels. */
export function runRows(plan: CheckedPlan, outcomes: readonly RunOutcome[]): Table {
  const byPoint = new Map(plan.points.map((p) => [p.index, p]));
  const runByIndex = new Map(plan.runs.map((r) => [r.index, r]));
  const policyAt = SUMMARY_COLUMNS.indexOf('policy');
  const placementAt = SUMMARY_COLUMNS.indexOf('placement');
  const rows = outcomes.map((o) => {
    const run = runByIndex.get(o.index)!;
    const summary = SUMMARY_COLUMNS.map((c) => cellText(o.summary[c]));
    if (run.policy) summary[policyAt] = plan.policyLabels[plan.spec.policies.indexOf(run.policy)]!;
    if (run.placement) summary[placementAt] = plan.placementLabels[plan.spec.placements.indexOf(run.placement)]!;
    const cells: string[] = [String(o.index), ...byPoint.get(run.point)!.values.map(cellText), ...summary];
    if (plan.spec.jobName !== undefined) {
      const job = o.job ?? undefined;
      for (const c of JOB_METRIC_COLUMNS) cells.push(job ? cellText(job[c]) : '');
    }
    for (const s of plan.services) {
      const row = o.services.find((x) => x.service === s);
      for (const m of SERVICE_METRICS) cells.push(row ? cellText(row[m.column as keyof typeof row]) : '');
    }
    if (plan.tenants.length > 0) {
      cells.push(o.tenants ? cellText(o.tenants.jainIndex) : '');
      for (const t of plan.tenants) {
        const row = o.tenants?.rows.find((x) => x.tenant === t);
        for (const m of TENANT_METRICS) cells.push(row ? cellText(row[m.column as keyof typeof row]) : '');
      }
    }
    cells.push(plan.fingerprints[run.point]!);
    return cells;
  });
  return { header: runColumns(plan), rows };
}

/** jobs.csv for an experiment: the run number, then the usual job columns. */
/** tenant_shares.csv of an experiment: each run's tenant shares over time (scenarios with tenants), by run. */
export function tenantSharesTable(outcomes: readonly RunOutcome[]): Table {
  const rows: string[][] = [];
  for (const o of outcomes) for (const r of o.tenants?.shares ?? []) rows.push([String(o.index), ...TENANT_SHARE_COLUMNS.map((c) => cellText(r[c]))]);
  return { header: ['run', ...TENANT_SHARE_COLUMNS], rows };
}

export function jobRowsTable(outcomes: readonly RunOutcome[]): Table {
  const rows: string[][] = [];
  for (const o of outcomes) for (const j of o.jobRows ?? []) rows.push([String(o.index), ...JOB_COLUMNS.map((c) => cellText(j[c]))]);
  return { header: ['run', ...JOB_COLUMNS], rows };
}
