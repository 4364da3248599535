// What compare and sweep share on the command line: their options, reading the scenario and the
// policy lists, progress on stderr, and writing result files all-or-nothing (each to a temporary
// name, renamed into place once everything has been produced).
import { fileAccess } from '../experiment/file-access.js';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { checkWritableDir, ensureDir, fsReason, outputError } from './ensure-dir.js';
import { cleanupOnInterrupt } from './interrupt.js';
import { basename, dirname, join } from 'node:path';
import type { Argv } from 'yargs';
import { comparePoliciesSpec, metricVsParamSpec, queueingCdfSpec, type VegaLiteSpec } from '../experiment/chart-specs.js';
import { renderSvg } from '../experiment/charts.js';
import { tableToCsv, type Table } from '../experiment/csv-table.js';
import { defaultWorkers, runExperiment, type ExperimentResult } from '../experiment/experiment.js';
import { parseShard, type Shard } from '../experiment/plan.js';
import { Progress } from '../experiment/progress.js';
import type { WorkerPolicyOverride } from '../experiment/run-in-worker.js';
import { formatSummaryTable } from '../experiment/summary-text.js';
import { numericValue, parseSetOption, splitTopLevel, SweepSyntaxError, type SweepParam } from '../experiment/sweep-values.js';
import { InputError } from '../scenario/errors.js';
import { loadScenario } from '../model/load-scenario.js';
import { readInput } from './io.js';
import { parsePolicyOption } from './policy-options.js';

export interface ExperimentArgs {
  scenario: string;
  policies?: string;
  placements?: string;
  seeds: number;
  seedBase: number;
  out?: string;
  workers?: number;
  shard?: string;
  quiet: boolean;
  plot: boolean;
  jobs: boolean;
  job?: string;
  metrics?: string;
  policyTimeout: number;
  set?: string[];
}

export function experimentOptions<T>(y: Argv<T>, defaults: { seeds: number }): Argv<T> {
  return y
    .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario YAML file' })
    .option('policies', { type: 'string', describe: "queue policies, comma-separated (names, module files, or '{name: x, params: {...}}'); the scenario's by default" })
    .option('placements', { type: 'string', describe: "placement policies, comma-separated; the scenario's by default" })
    .option('seeds', { type: 'number', default: defaults.seeds, describe: 'replications: seeds seed-base .. seed-base+seeds-1, the same for every policy' })
    .option('seed-base', { type: 'number', default: 1, describe: 'first seed' })
    .option('out', { type: 'string', describe: 'output folder (default results/<scenario>-<command>/)' })
    .option('workers', { type: 'number', describe: `worker threads (default: available parallelism, ${defaultWorkers()} here)` })
    .option('shard', { type: 'string', describe: 'run only slice k of n of the run list (k/n; run i is in slice (i mod n) + 1); join with `poolsim merge`' })
    .option('job', { type: 'string', describe: "add this job's metrics (job_effective_compute_ratio, ...) to every row" })
    .option('metrics', { type: 'string', describe: 'metrics shown in the table and plotted, comma-separated' })
    .option('plot', { type: 'boolean', default: false, describe: 'write SVG charts into <out>/plots/' })
    .option('jobs', { type: 'boolean', default: false, describe: 'write jobs.csv (every job of every run)' })
    .option('quiet', { type: 'boolean', default: false, describe: 'print nothing but errors' })
    .option('policy-timeout', { type: 'number', default: 10, describe: 'seconds a single plug-in policy call may take' }) as Argv<T>;
}

function policyList(text: string | undefined, option: string): WorkerPolicyOverride[] {
  if (text === undefined) return [];
  return splitTopLevel(text).map((p) => {
    const o = parsePolicyOption(p, option, process.cwd());
    return { ref: o.ref, baseDir: o.baseDir, label: option };
  });
}

function inputError(option: string, message: string): InputError {
  return new InputError([{ file: option, line: 0, column: 0, path: '', message }]);
}

export function sweepParams(sets: readonly string[] | undefined): SweepParam[] {
  try {
    return (sets ?? []).map(parseSetOption);
  } catch (e) {
    if (e instanceof SweepSyntaxError) throw inputError('--set', e.message);
    throw e;
  }
}

const DEFAULT_METRICS = ['effective_compute_ratio_pool', 'effective_compute_ratio_allocated', 'utilisation', 'queueing_delay_mean_s', 'queueing_delay_p95_s', 'jct_mean_s', 'makespan_s', 'energy_kwh'];

/** Sweeps plot these of the table's metrics (one chart each) unless --metrics names others. */
const PLOTTED_IN_SWEEPS = ['job_effective_compute_ratio', 'effective_compute_ratio_pool', 'queueing_delay_p95_s', 'jct_mean_s'];

export async function runExperimentCommand(argv: ExperimentArgs, command: 'compare' | 'sweep'): Promise<void> {
  const scenarioText = readInput(argv.scenario);
  const base = loadScenario(scenarioText, argv.scenario, fileAccess(argv.scenario)); // the unedited file must be valid too
  const sweep = sweepParams(argv.set);
  if (!Number.isInteger(argv.seeds) || argv.seeds < 1) throw inputError('--seeds', `expected a positive whole number, got ${argv.seeds}`);
  if (argv.workers !== undefined && (!Number.isInteger(argv.workers) || argv.workers < 1)) throw inputError('--workers', `expected a positive whole number, got ${argv.workers}`);
  const shard: Shard | undefined = argv.shard !== undefined ? parseShard(argv.shard) : undefined;
  const seeds = Array.from({ length: argv.seeds }, (_, i) => argv.seedBase + i);
  const name = base.scenario.name;
  const outDir = argv.out ?? join('results', `${name}-${command}`, shard ? `shard-${shard.k}-of-${shard.n}` : '');
  checkWritableDir(outDir, '--out');
  const jobRows = argv.jobs || argv.plot;
  let progress: Progress | undefined;
  const t0 = performance.now();
  const result = await runExperiment(
    {
      scenarioText,
      scenarioFile: argv.scenario,
      sweep,
      policies: policyList(argv.policies, '--policies'),
      placements: policyList(argv.placements, '--placements'),
      seeds,
      ...(argv.job !== undefined ? { jobName: argv.job } : {}),
    },
    {
      ...(argv.workers !== undefined ? { workers: argv.workers } : {}),
      ...(shard ? { shard } : {}),
      policyTimeoutS: argv.policyTimeout,
      jobRows,
      onStart: (n) => {
        progress = new Progress(n, `${command} ${name}`, argv.quiet ? undefined : process.stderr);
      },
      onRunDone: () => progress?.tick(),
    },
  );
  progress?.finish();
  const wallS = (performance.now() - t0) / 1000;
  if (argv.job !== undefined && result.outcomes.length > 0 && result.outcomes.every((o) => !o.job)) {
    process.stderr.write(`warning: no job named '${argv.job}' in any run; the job_* columns are empty\n`);
  }

  const files: { path: string; content: string }[] = [{ path: join(outDir, 'runs.csv'), content: tableToCsv(result.runs) }];
  // A shard's summary would be over a slice of the seeds: only the merged runs are summarised.
  if (!shard) files.push({ path: join(outDir, 'summary.csv'), content: tableToCsv(result.summary) });
  if (result.jobs && argv.jobs) files.push({ path: join(outDir, 'jobs.csv'), content: tableToCsv(result.jobs) });
  const metrics = argv.metrics !== undefined ? splitTopLevel(argv.metrics) : defaultMetrics(result);
  if (argv.plot && !shard) {
    for (const [file, spec] of plotSpecs(result, sweep, metrics, argv.metrics !== undefined)) files.push({ path: join(outDir, 'plots', file), content: await renderSvg(spec) });
  }
  writeAtomically(files);

  if (!argv.quiet) {
    if (!shard) process.stdout.write(formatSummaryTable(result.summary, { metrics }));
    process.stdout.write(`  wrote ${files.map((f) => f.path).join(', ')}\n`);
    const overhead = result.simulationWallS > 0 ? wallS / (result.simulationWallS / Math.min(argv.workers ?? defaultWorkers(), Math.max(1, result.outcomes.length))) : Number.NaN;
    process.stderr.write(
      `  ${result.outcomes.length} runs in ${wallS.toFixed(2)} s wall (${result.simulationWallS.toFixed(2)} s inside simulations${Number.isFinite(overhead) ? `, ${overhead.toFixed(2)}x the ideal parallel time` : ''})\n`,
    );
    if (shard) process.stderr.write(`  shard ${shard.k}/${shard.n}: join the shards with \`poolsim merge <out.csv> <shard runs.csv...> --summary <summary.csv>\`\n`);
  }
}

function defaultMetrics(result: ExperimentResult): string[] {
  const m = [...DEFAULT_METRICS];
  if (result.plan.spec.jobName !== undefined) m.unshift('job_effective_compute_ratio', 'job_queueing_delay_s');
  return m;
}

function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
}

/** The charts --plot writes: metric vs the first swept parameter, or policies side by side; delay CDFs. */
export function plotSpecs(result: ExperimentResult, sweep: readonly SweepParam[], metrics: readonly string[], explicit = false): [string, VegaLiteSpec][] {
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
    for (const m of sweepMetrics) out.push([`${slug(m)}-vs-${slug(p.path)}.svg`, metricVsParamSpec(result.summary, m, p.path, { log })]);
  } else {
    out.push(['policies.svg', comparePoliciesSpec(result.summary, plotted)]);
  }
  if (result.jobs && result.jobs.rows.length > 0) out.push(['queueing-delay-cdf.svg', queueingCdfSpec(result.runs, result.jobs)]);
  return out;
}

/** Write every file under a temporary name, then rename them all: a failure leaves nothing half-written. */
export function writeAtomically(files: readonly { path: string; content: string }[]): void {
  const written: string[] = [];
  const forget = cleanupOnInterrupt(() => {
    for (const t of written) rmSync(t, { force: true });
  });
  try {
    for (const f of files) {
      ensureDir(dirname(f.path), '--out', f.path);
      const tmp = join(dirname(f.path), `.${basename(f.path)}.tmp-${process.pid}`);
      writeFileSync(tmp, f.content);
      written.push(tmp);
    }
  } catch (e) {
    for (const t of written) rmSync(t, { force: true });
    forget();
    throw e instanceof InputError ? e : outputError('--out', files[written.length]?.path ?? '', fsReason(e));
  }
  files.forEach((f, i) => renameSync(written[i]!, f.path));
  forget();
}

export function writeTable(path: string, table: Table): void {
  writeAtomically([{ path, content: tableToCsv(table) }]);
}
