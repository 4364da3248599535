// What compare and sweep share on the command line: their options, reading the scenario and the
// policy lists, progress on stderr, and writing result files all-or-nothing (each to a temporary
// name, renamed into place once everything has been produced).
import { seedRangeProblem } from '../scenario/seed-range.js';
import { fileAccess } from '../experiment/file-access.js';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { checkWritableDir, ensureDir, followLink, fsReason, outputError } from './ensure-dir.js';
import { cleanupOnInterrupt } from './interrupt.js';
import { basename, dirname, join } from 'node:path';
import type { Argv } from 'yargs';
import { comparePoliciesSpec, metricVsMetricSpec, metricVsParamSpec, queueingCdfSpec, type VegaLiteSpec } from '../experiment/chart-specs.js';
import { renderSvg } from '../experiment/charts.js';
import { tableToCsv, type Table } from '../experiment/csv-table.js';
import { defaultWorkers, prepareExperiment, runPlan, type ExperimentResult } from '../experiment/experiment.js';
import { MANIFEST_FORMAT, poolsimVersion, type RunManifest } from '../experiment/manifest.js';
import { resolveMetricName, serviceColumn, tenantColumn, unknownMetricMessage } from '../experiment/metric-table.js';
import { checkRunCount, DEFAULT_MAX_RUNS, metricColumns, parseShard, sweepColumns, type CheckedPlan, type ExperimentSpec, type Shard, tenantSharesTable } from '../experiment/plan.js';
import { loadScenarioForRun, type LoadedScenario } from '../experiment/load-for-run.js';
import { sampleVariationNotes } from '../experiment/sample-note.js';
import type { PolicyRef } from '../scenario/schema.js';
import { OutputFolder } from './output-folder.js';
import { Progress } from '../experiment/progress.js';
import type { WorkerPolicyOverride } from '../experiment/run-in-worker.js';
import { formatSummaryTable } from '../experiment/summary-text.js';
import { nearTieNote } from '../experiment/near-tie-note.js';
import { sweptWithoutEffect } from '../experiment/sweep-no-effect.js';
import { numericValue, parseSetOption, splitTopLevel, SweepSyntaxError, type SweepParam } from '../experiment/sweep-values.js';
import { InputError, type InputIssue } from '../scenario/errors.js';
import { describeTracesOverPoints, describeWarnings, readScenarioText } from './io.js';
import { HOT_LINKS } from '../experiment/hot-links.js';
import { parsePolicyOption } from './policy-options.js';
import { withOwnParams } from '../policy/own-params.js';
import { MAX_MEMORY_DESCRIPTION, parseMaxMemory } from './max-memory.js';
import { checkPolicyTimeout, checkWorkers } from './number-options.js';
import { countOf } from '../units/count-noun.js';

export interface ExperimentArgs {
  scenario: string;
  policies?: string;
  placements?: string;
  seeds: number;
  seedBase?: number;
  out?: string;
  workers?: number;
  shard?: string;
  quiet: boolean;
  plot: boolean;
  plotAgainst?: string;
  jobs: boolean;
  links: boolean;
  job?: string;
  metrics?: string;
  policyTimeout: number;
  maxRuns?: number;
  set?: string[];
  maxMemory?: string;
}

export function experimentOptions<T>(y: Argv<T>, defaults: { seeds: number }): Argv<T> {
  return y
    .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario YAML file' })
    .option('policies', { type: 'string', describe: "queue policies, comma-separated (names, module files, or '{name: x, params: {...}}'); the scenario's by default" })
    .option('placements', { type: 'string', describe: "placement policies, comma-separated; the scenario's by default" })
    .option('seeds', { type: 'number', default: defaults.seeds, describe: 'replications: seeds seed-base .. seed-base+seeds-1, the same for every policy' })
    .option('seed-base', { type: 'number', describe: "first seed (default: the scenario's seed, as run and fill use, and check where the scenario has no expect: block; an expect: block's seeds start at its seed_base, 1 unless given)" })
    .option('out', { type: 'string', describe: 'output folder (default results/<scenario>-<command>/)' })
    .option('workers', { type: 'number', describe: `worker threads (default: available parallelism, ${defaultWorkers()} here)` })
    .option('shard', { type: 'string', describe: 'run only slice k of n of the run list (k/n; run i is in slice (i mod n) + 1); join with `poolsim merge`' })
    .option('job', { type: 'string', describe: "add this job's metrics (job_effective_compute_ratio, ...) to every row" })
    .option('metrics', { type: 'string', describe: 'metrics shown in the table and plotted, comma-separated' })
    .option('plot', { type: 'boolean', default: false, describe: 'write SVG charts into <out>/plots/' })
    .option('plot-against', { type: 'string', describe: 'with --plot in a sweep: also chart each plotted metric against this one (e.g. fabric_capex), a point per swept value and policy' })
    .option('jobs', { type: 'boolean', default: false, describe: 'write jobs.csv (every job of every run)' })
    .option('links', { type: 'boolean', default: false, describe: `write hot_links.csv: each run's ${HOT_LINKS} busiest links and their heaviest users (network: flow); the report shows them` })
    .option('quiet', { type: 'boolean', default: false, describe: 'print nothing but errors' })
    .option('policy-timeout', { type: 'number', default: 10, describe: 'seconds a single plug-in policy call may take' })
    .option('max-runs', { type: 'number', describe: `refuse experiments of more runs than this (default ${DEFAULT_MAX_RUNS.toLocaleString('en-US')})` })
    .option('max-memory', { type: 'string', describe: MAX_MEMORY_DESCRIPTION }) as Argv<T>;
}

/** A comma-separated option's entries (splitTopLevel), its syntax errors refused naming the option. */
function optionEntries(text: string, option: string): string[] {
  try {
    return splitTopLevel(text);
  } catch (e) {
    if (e instanceof SweepSyntaxError) throw inputError(option, e.message);
    throw e;
  }
}

/** The variants an option lists; one named bare that is the scenario's own (`own`) is the scenario's, parameters included. */
function policyList(text: string | undefined, option: string, own: PolicyRef, scenarioDir: string): WorkerPolicyOverride[] {
  if (text === undefined) return [];
  const names = optionEntries(text, option);
  return names.map((p) => {
    const o = parsePolicyOption(p, option, process.cwd());
    const { ref, baseDir } = withOwnParams(o, own, scenarioDir);
    // Still bare: the loader then takes the scenario's own policy as the file's, said at its line.
    return { ref, baseDir, label: option, bare: o.bare === true };
  });
}

function inputError(option: string, message: string): InputError {
  return new InputError([{ file: option, line: 0, column: 0, path: '', message }]);
}

export function sweepParams(sets: readonly string[] | undefined, maxValues = DEFAULT_MAX_RUNS): SweepParam[] {
  try {
    return (sets ?? []).map((s) => parseSetOption(s, maxValues));
  } catch (e) {
    if (e instanceof SweepSyntaxError) throw inputError('--set', e.message);
    throw e;
  }
}

const SERVICE_DEFAULT_METRICS = ['ttft_p99_s', 'tpot_p99_s', 'slo_attainment'];
const DEFAULT_METRICS = ['effective_compute_ratio_pool', 'effective_compute_ratio_allocated', 'utilisation', 'queueing_delay_mean_s', 'queueing_delay_p95_s', 'jct_mean_s', 'makespan_s', 'energy_kwh'];

/** Default metrics that only jobs give: left out of the table of a scenario without workloads. */
const JOB_ONLY_METRICS = ['queueing_delay_mean_s', 'queueing_delay_p95_s', 'jct_mean_s', 'makespan_s'];

/** Sweeps plot these of the table's metrics (one chart each) unless --metrics names others. */
const PLOTTED_IN_SWEEPS = ['job_effective_compute_ratio', 'effective_compute_ratio_pool', 'queueing_delay_p95_s', 'jct_mean_s'];

export async function runExperimentCommand(argv: ExperimentArgs, command: 'compare' | 'sweep'): Promise<void> {
  const scenarioText = readScenarioText(argv.scenario);
  // The unedited file must be valid too; its fingerprint goes into the manifest.
  const maxMemoryBytes = parseMaxMemory(argv.maxMemory);
  const base = loadScenarioForRun(scenarioText, argv.scenario, { ...fileAccess(argv.scenario), ...(maxMemoryBytes !== undefined ? { maxMemoryBytes } : {}) });
  const maxRuns = argv.maxRuns ?? DEFAULT_MAX_RUNS;
  if (!Number.isSafeInteger(maxRuns) || maxRuns < 1) throw inputError('--max-runs', `expected a positive whole number, got ${argv.maxRuns}`);
  const sweep = sweepParams(argv.set, maxRuns);
  if (!Number.isInteger(argv.seeds) || argv.seeds < 1) throw inputError('--seeds', `expected a positive whole number, got ${argv.seeds}`);
  // The scenario's own seed first, so a one-seed sweep point is the run `poolsim run` makes of it.
  const seedBase = argv.seedBase ?? base.resolved.scenario.seed;
  if (!Number.isSafeInteger(seedBase) || seedBase < 0) throw inputError('--seed-base', `expected a whole number >= 0, got ${argv.seedBase}`);
  checkRunCount(argv.seeds, maxRuns, '--seeds');
  const pastLast = seedRangeProblem(seedBase, argv.seeds);
  if (pastLast) throw inputError('--seeds', pastLast);
  checkWorkers(argv.workers);
  checkPolicyTimeout(argv.policyTimeout);
  const shard: Shard | undefined = argv.shard !== undefined ? parseShard(argv.shard) : undefined;
  // A shard writes runs.csv and per-run files only: --plot was ignored (exit 0, no plots/, no word).
  if (shard && (argv.plot || argv.plotAgainst !== undefined)) {
    throw inputError(argv.plot ? '--plot' : '--plot-against', "a shard's charts would show one slice of the runs: run the shards without it, join them with `poolsim merge <out> <shard runs.csv...> --summary <summary.csv>`, then `poolsim report <folder of out>` draws the charts");
  }
  const seeds = Array.from({ length: argv.seeds }, (_, i) => seedBase + i);
  const name = base.resolved.scenario.name;
  const outDir = argv.out ?? join('results', `${name}-${command}`, shard ? `shard-${shard.k}-of-${shard.n}` : '');
  checkWritableDir(outDir, '--out');
  const spec: ExperimentSpec = {
    scenarioText,
    scenarioFile: argv.scenario,
    sweep,
    policies: policyList(argv.policies, '--policies', base.resolved.scenario.policy, dirname(argv.scenario)),
    placements: policyList(argv.placements, '--placements', base.resolved.scenario.placement, dirname(argv.scenario)),
    seeds,
    maxRuns,
    ...(argv.job !== undefined ? { jobName: argv.job } : {}),
    ...(maxMemoryBytes !== undefined ? { maxMemoryBytes } : {}),
  };
  const plan = await prepareExperiment(spec, { policyTimeoutS: argv.policyTimeout });
  // What `run` would warn of, for each point: a figure no hardware has is said before any result.
  if (!argv.quiet) process.stderr.write(describeTracesOverPoints(plan.traceReports, seeds) + describeWarnings(plan.warnings));
  if (!argv.quiet) for (const note of sampleVariationNotes(base.resolved.scenario, seeds.length)) process.stderr.write(`  note: ${note}\n`);
  const metrics = argv.metrics !== undefined ? metricOption(argv.metrics, metricColumns(plan)) : defaultMetrics(plan);
  const against = argv.plotAgainst !== undefined ? plotAgainstOption(argv.plotAgainst, metricColumns(plan), argv.plot, sweep.length > 0) : undefined;
  const jobRows = argv.jobs || argv.plot;
  let progress: Progress | undefined;
  const t0 = performance.now();
  // Checked before anything runs; results appear all together, with their manifest, or not at all.
  const folder = new OutputFolder(outDir);
  folder.refuseInputs([argv.scenario, ...base.inputs]);
  try {
    const result = await runPlan(plan, {
      ...(argv.workers !== undefined ? { workers: argv.workers } : {}),
      ...(shard ? { shard } : {}),
      onNote: (text) => {
        if (!argv.quiet) process.stderr.write(`  note: ${text}\n`);
      },
      policyTimeoutS: argv.policyTimeout,
      jobRows,
      hotLinks: argv.links,
      onStart: (n) => {
        progress = new Progress(n, `${command} ${name}`, argv.quiet ? undefined : process.stderr);
      },
      onRunDone: () => progress?.tick(),
    });
    progress?.finish();
    const wallS = (performance.now() - t0) / 1000;
    if (argv.job !== undefined && result.outcomes.length > 0 && result.outcomes.every((o) => !o.job)) {
      process.stderr.write(`warning: no job named '${argv.job}' in any run; the job_* columns are empty\n`);
    }
    if (result.hotLinks && result.hotLinks.rows.length === 0 && result.outcomes.length > 0) {
      process.stderr.write('warning: --links: no run sent bytes over a switch or inter-DC link (network: ideal has none, nor do jobs within one node); hot_links.csv has only its header\n');
    }
    if (!shard && !argv.quiet) {
      for (const path of sweptWithoutEffect(result.runs, sweep.map((p) => p.path))) {
        process.stderr.write(`warning: --set ${path}: every value gave the same results (every column of runs.csv equal at each other point, policy, placement and seed): the runs did not use this field, or it does not matter here\n`);
      }
    }
    folder.append('runs.csv', tableToCsv(result.runs));
    // A shard's summary would be over a slice of the seeds: only the merged runs are summarised.
    if (!shard) folder.append('summary.csv', tableToCsv(result.summary));
    if (result.jobs && argv.jobs) folder.append('jobs.csv', tableToCsv(result.jobs));
    if (result.hotLinks) folder.append('hot_links.csv', tableToCsv(result.hotLinks));
    // Scenarios with tenants: each run's tenant shares over time (a chart of the report); at most 128 rows per tenant and run.
    if (plan.tenants.length > 0) folder.append('tenant_shares.csv', tableToCsv(tenantSharesTable(result.outcomes)));
    if (argv.plot && !shard) {
      for (const [file, chart] of plotSpecs(result, sweep, metrics, argv.metrics !== undefined, against)) folder.append(join('plots', file), await renderSvg(chart));
    }
    const written = folder.commit(experimentManifest(command, plan, base));
    if (!argv.quiet) {
      if (!shard) process.stdout.write(formatSummaryTable(result.summary, { metrics }) + nearTieNote(result.runs));
      process.stdout.write(`  wrote ${written.join(', ')}\n`);
      const overhead = result.simulationWallS > 0 ? wallS / (result.simulationWallS / Math.min(result.runsAtOnce, Math.max(1, result.outcomes.length))) : Number.NaN;
      process.stderr.write(
        `  ${countOf(result.outcomes.length, 'run')} in ${wallS.toFixed(2)} s wall (${result.simulationWallS.toFixed(2)} s inside simulations${Number.isFinite(overhead) ? `, ${overhead.toFixed(2)}x the ideal parallel time` : ''})\n`,
      );
      if (shard) process.stderr.write(`  shard ${shard.k}/${shard.n}: join the shards with \`poolsim merge <out.csv> <shard runs.csv...> --summary <summary.csv>\`\n`);
    }
  } catch (e) {
    folder.abort();
    throw e;
  }
}

/** What an experiment's manifest records: the scenario's fingerprint, seeds, the variants as written, the sweep. */
export function experimentManifest(command: string, plan: CheckedPlan, base: LoadedScenario): Omit<RunManifest, 'files'> {
  const refs = (list: readonly WorkerPolicyOverride[], own: PolicyRef) => (list.length > 0 ? list.map((o) => ({ name: o.ref.name, params: o.ref.params })) : [{ name: own.name, params: own.params }]);
  const scenario = base.resolved.scenario;
  return {
    format: MANIFEST_FORMAT,
    poolsim_version: poolsimVersion(),
    command,
    scenario: { name: scenario.name, file: plan.spec.scenarioFile, sha256: base.fingerprint },
    seeds: [...plan.spec.seeds],
    policies: refs(plan.spec.policies, scenario.policy),
    placements: refs(plan.spec.placements, scenario.placement),
    sweep: plan.spec.sweep.map((p) => ({ path: p.path, values: [...p.values] })),
  };
}

/** --metrics: each name resolved to a column of the runs (a bare service metric too); unknown names are refused. */
function metricOption(text: string, available: readonly string[], option = '--metrics'): string[] {
  const names = optionEntries(text, option);
  const issues: InputIssue[] = [];
  const out: string[] = [];
  for (const n of names) {
    const c = resolveMetricName(n, available);
    if (c === undefined) issues.push({ file: option, line: 0, column: 0, path: '', message: unknownMetricMessage(n, available) });
    else if (!out.includes(c)) out.push(c);
  }
  if (issues.length > 0) throw new InputError(issues);
  return out;
}

function defaultMetrics(plan: CheckedPlan): string[] {
  // With tenants: the trade between utilisation and each team's delay, and Jain's index over teams.
  const m = plan.tenants.length > 0 ? ['utilisation', 'queueing_delay_p95_s', 'jain_index', ...plan.tenants.map((t) => tenantColumn(t, 'queueing_delay_p95_s'))] : [...DEFAULT_METRICS];
  // A scenario of services alone: its jobs' delays, completion times and makespan are '-' in every
  // run (inference-azure-trace's time_scale sweep showed four such columns before its services').
  if (!plan.hasJobs) m.splice(0, m.length, ...m.filter((c) => !JOB_ONLY_METRICS.includes(c)));
  if (plan.spec.jobName !== undefined) m.unshift('job_effective_compute_ratio', 'job_queueing_delay_s');
  // Each inference service's latency tails and SLO attainment: without them a sweep of an
  // inference scenario's token budget showed only training columns, six of eight '-'.
  for (const s of plan.services) m.push(...SERVICE_DEFAULT_METRICS.map((c) => serviceColumn(s, c)));
  return m;
}

function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
}

/** --plot-against: one metric of the experiment's, with --plot, in a sweep. */
function plotAgainstOption(text: string, columns: readonly string[], plot: boolean, swept: boolean): string {
  const [metric, ...more] = metricOption(text, columns, '--plot-against');
  if (more.length > 0 || metric === undefined) throw inputError('--plot-against', `expected one metric, got '${text}'`);
  if (!plot) throw inputError('--plot-against', 'charts are written with --plot: give both');
  if (!swept) throw inputError('--plot-against', 'plots metrics against each other over a sweep\'s values: give --set');
  return metric;
}

/**
 * The charts --plot writes: metric vs the first swept parameter, or policies side by side; delay
 * CDFs; with `against`, each plotted metric against that one too.
 */
export function plotSpecs(result: ExperimentResult, sweep: readonly SweepParam[], metrics: readonly string[], explicit = false, against?: string): [string, VegaLiteSpec][] {
  const out: [string, VegaLiteSpec][] = [];
  const available = new Set(result.summary.rows.map((r) => r[result.summary.header.indexOf('metric')]!));
  const plotted = metrics.filter((m) => available.has(m));
  if (sweep.length > 0) {
    const p = sweep[0]!;
    const nums = p.values.map(numericValue);
    const positive = nums.every((v) => v !== undefined && v.value > 0);
    const span = positive ? Math.max(...nums.map((v) => v!.value)) / Math.min(...nums.map((v) => v!.value)) : 1;
    const log = positive && (p.log || span >= 100);
    const sweepMetrics = !explicit ? plotted.filter((m) => PLOTTED_IN_SWEEPS.includes(m)) : plotted;
    // The swept column by its name in summary.csv (sweepColumns: `set.placement` for placement).
    const column = sweepColumns(sweep)[0]!;
    for (const m of sweepMetrics) out.push([`${slug(m)}-vs-${slug(p.path)}.svg`, metricVsParamSpec(result.summary, m, column, { log })]);
    if (against !== undefined && available.has(against)) {
      for (const m of plotted) if (m !== against) out.push([`${slug(m)}-vs-${slug(against)}.svg`, metricVsMetricSpec(result.summary, m, against, column)]);
    }
  } else {
    out.push(['policies.svg', comparePoliciesSpec(result.summary, plotted)]);
  }
  if (result.jobs && result.jobs.rows.length > 0) out.push(['queueing-delay-cdf.svg', queueingCdfSpec(result.runs, result.jobs)]);
  return out;
}

/** Write every file under a temporary name, then rename them all: a failure leaves nothing half-written. */
export function writeAtomically(files: readonly { path: string; content: string; /** The option that named it (default --out). */ option?: string }[]): void {
  const written: string[] = [];
  const forget = cleanupOnInterrupt(() => {
    for (const t of written) rmSync(t, { force: true });
  });
  try {
    for (const f of files) {
      const dest = followLink(f.path);
      ensureDir(dirname(dest), f.option ?? '--out', f.path);
      const tmp = join(dirname(dest), `.${basename(dest)}.tmp-${process.pid}`);
      // Listed before writing: a write that fails (a full disk) leaves the part that fitted.
      written.push(tmp);
      writeFileSync(tmp, f.content);
    }
    files.forEach((f, i) => renameSync(written[i]!, followLink(f.path)));
  } catch (e) {
    for (const t of written) rmSync(t, { force: true });
    forget();
    const f = files[Math.max(0, written.length - 1)];
    throw e instanceof InputError ? e : outputError(f?.option ?? '--out', f?.path ?? '', fsReason(e));
  }
  forget();
}

export function writeTable(path: string, table: Table): void {
  writeAtomically([{ path, content: tableToCsv(table) }]);
}
