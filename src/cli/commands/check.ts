// `poolsim check <scenario...>`: regression testing for CI. Verifies each scenario's `expect:` block
// (or --expect FILE) and, with --baseline, that no metric got worse than the committed results by more
// than --tolerance. Exit code 0 when everything holds, 1 on any failure, 2 on bad input.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { checkBaselines, formatCheckReport, joinRuns, junitXml, prepareCheck, runCheck, type Baseline, type PreparedCheck, type ScenarioCheck } from '../../experiment/check.js';
import { MANIFEST_FILE, sha256 } from '../../experiment/manifest.js';
import { parseCsv, CsvFormatError, tableToCsv } from '../../experiment/csv-table.js';
import { Progress } from '../../experiment/progress.js';
import { InputError, type InputIssue } from '../../scenario/errors.js';
import { checkWritableDir, refuseFolderAsFile, refuseInputAsOutput } from '../ensure-dir.js';
import { writeAtomically } from '../experiment-cli.js';
import { describeTracesOverPoints, describeWarnings, EXIT_RUN_FAILED, guarded, readInput, readScenarioText } from '../io.js';
import { parsePolicyOption } from '../policy-options.js';
import { MAX_MEMORY_DESCRIPTION, parseMaxMemory } from '../max-memory.js';
import { checkPolicyTimeout, checkWorkers } from '../number-options.js';

interface CheckArgs {
  scenarios: string[];
  expect?: string;
  baseline?: string[];
  tolerance: string;
  junit?: string;
  save?: string;
  policy?: string;
  workers?: number;
  quiet: boolean;
  policyTimeout: number;
  maxMemory?: string;
}

export function builder(y: Argv): Argv<CheckArgs> {
  return y
    .positional('scenarios', { type: 'string', array: true, demandOption: true, describe: 'scenario YAML files' })
    .option('expect', { type: 'string', describe: "expectations file (an `expect:` block), used instead of each scenario's own" })
    .option('baseline', { type: 'string', array: true, describe: 'committed results to compare against (runs.csv from check --save or compare)' })
    .option('tolerance', { type: 'string', default: '2%', describe: 'relative change allowed before a worse metric fails (e.g. 2% or 0.02)' })
    .option('junit', { type: 'string', describe: 'write a JUnit XML report here (for CI systems)' })
    .option('save', { type: 'string', describe: "write this check's runs here (a new baseline)" })
    .option('policy', { type: 'string', describe: "replace each scenario's queue policy (name or module file); checked under the scenario's policy" })
    .option('workers', { type: 'number', describe: 'worker threads (default: available parallelism)' })
    .option('quiet', { type: 'boolean', default: false, describe: 'print only failures' })
    .option('policy-timeout', { type: 'number', default: 10, describe: 'seconds a single plug-in policy call may take' })
    .option('max-memory', { type: 'string', describe: MAX_MEMORY_DESCRIPTION })
    .example('$0 check scenarios/*.yaml --baseline results/ci/baseline.csv --tolerance 2% --junit check.xml', '') as unknown as Argv<CheckArgs>;
}

function parseTolerance(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(text);
  if (!m) throw new InputError([{ file: '--tolerance', line: 0, column: 0, path: '', message: `'${text}': expected a percentage such as 2% (or a fraction such as 0.02)` }]);
  // A bare number is a fraction, so '2' is 200%: a CI line written for 2% would pass regressions of
  // up to three times the baseline. A fraction of 1 or more is refused, as expect: refuses
  // `utilisation: { min: 50 }`, and the percentage asked for instead.
  const fraction = m[2] ? Number(m[1]) / 100 : Number(m[1]);
  if (!m[2] && fraction >= 1) throw new InputError([{ file: '--tolerance', line: 0, column: 0, path: '', message: `'${text}': a bare number is a fraction (${m[1]} would be ${fraction * 100}%): write ${m[1]}% for ${m[1]} percent` }]);
  // A metric where higher is better is >= 0, so it falls by 100% at most: at 100% or more an
  // effective compute ratio fallen to 0 passed, as a relation's at_least of 100% or more is refused.
  if (fraction >= 1) {
    throw new InputError([{ file: '--tolerance', line: 0, column: 0, path: '', message: `'${text}': a metric where higher is better (effective_compute_ratio_pool, utilisation, slo_attainment...) can fall by 100% at most, to 0, so with a tolerance of 100% or more none of them could fail: give a tolerance under 100%` }]);
  }
  return fraction;
}

export async function handler(argv: ArgumentsCamelCase<CheckArgs>): Promise<void> {
  await guarded(async () => {
    const t0 = performance.now();
    const tolerance = parseTolerance(argv.tolerance);
    checkWorkers(argv.workers);
    checkPolicyTimeout(argv.policyTimeout);
    const maxMemoryBytes = parseMaxMemory(argv.maxMemory);
    const baselines: Baseline[] = (argv.baseline ?? []).map((file) => {
      const text = readInput(file);
      // A manifest beside the baseline can vouch for a file without a scenario_sha256 column.
      const manifestPath = join(dirname(file), MANIFEST_FILE);
      const manifest = existsSync(manifestPath) ? { file: manifestPath, text: readFileSync(manifestPath, 'utf8') } : undefined;
      try {
        return { file, table: parseCsv(text, file), sha256: sha256(text), ...(manifest ? { manifest } : {}) };
      } catch (e) {
        if (e instanceof CsvFormatError) throw new InputError([{ file: e.file, line: e.line, column: 0, path: '', message: e.message.replace(/^.*?: /, '') }]);
        throw e;
      }
    });
    checkBaselines(baselines);
    const expect = argv.expect !== undefined ? { text: readInput(argv.expect), file: argv.expect } : undefined;
    const policy = argv.policy !== undefined ? parsePolicyOption(argv.policy, '--policy', process.cwd()) : undefined;
    for (const [option, path, example] of [
      ['--junit', argv.junit, 'junit.xml'],
      ['--save', argv.save, 'runs.csv'],
    ] as const) {
      if (path !== undefined) {
        // Found now, not when the files are written after every scenario has run.
        refuseFolderAsFile(option, path, example);
        checkWritableDir(dirname(resolve(path)), option);
        refuseInputAsOutput(option, path, [...argv.scenarios, ...(argv.expect !== undefined ? [argv.expect] : [])]);
      }
    }
    const options = { baselines, tolerance, saving: argv.save !== undefined, policyTimeoutS: argv.policyTimeout, ...(argv.workers !== undefined ? { workers: argv.workers } : {}) };
    // Every scenario's inputs are checked (and every problem reported) before any of them runs.
    const prepared: PreparedCheck[] = [];
    const issues: InputIssue[] = [];
    // A refused scenario's warnings go with its problems (they often explain it: a bare port rate).
    const refusedWarnings: InputIssue[] = [];
    for (const file of argv.scenarios) {
      try {
        prepared.push(await prepareCheck({ file, text: readScenarioText(file), ...(expect ? { expect } : {}), ...(maxMemoryBytes !== undefined ? { maxMemoryBytes } : {}), ...(policy ? { policy: { ref: policy.ref, baseDir: policy.baseDir, label: '--policy', bare: policy.bare === true } } : {}) }, options));
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        issues.push(...e.issues);
        refusedWarnings.push(...e.warnings);
      }
    }
    // Runs, findings and baselines are keyed by scenario name: a file given twice ran twice and
    // --save wrote its rows twice; two files of one name mixed their rows in one baseline.
    const fileOf = new Map<string, string>();
    for (const p of prepared) {
      const first = fileOf.get(p.scenarioName);
      if (first === undefined) fileOf.set(p.scenarioName, p.input.file);
      else issues.push({ file: p.input.file, line: 0, column: 0, path: '', message: `scenario '${p.scenarioName}' is checked already (from ${first}): a check's runs and baseline rows are keyed by scenario name, so give each scenario once, and copies names of their own` });
    }
    if (issues.length > 0) throw new InputError(issues, refusedWarnings);
    // The traces the scenarios read, known now: a --save or --junit over one replaced it.
    for (const [option, path] of [
      ['--junit', argv.junit],
      ['--save', argv.save],
    ] as const) {
      if (path !== undefined) refuseInputAsOutput(option, path, prepared.flatMap((p) => p.inputs));
    }
    // What `run`, `compare` and `sweep` say of the traces (rows skipped by reason) and warn of (the
    // scenario's and its policies'), said once
    // before anything runs: a CI log is where a plausibility warning or a misspelt parameter shows.
    if (!argv.quiet) process.stderr.write(prepared.map((p) => describeTracesOverPoints(p.plan.traceReports, p.plan.spec.seeds)).join('') + describeWarnings([...new Set(prepared.flatMap((p) => p.plan.warnings))]));
    const checks: ScenarioCheck[] = [];
    for (const p of prepared) {
      let progress: Progress | undefined;
      checks.push(
        await runCheck(p, {
          ...options,
          onStart: (n) => {
            progress = new Progress(n, `check ${p.input.file}`, argv.quiet ? undefined : process.stderr);
          },
          onRunDone: () => progress?.tick(),
          onNote: (text) => {
            if (!argv.quiet) process.stderr.write(`  note: ${p.input.file}: ${text}\n`);
          },
        }),
      );
      progress?.finish();
    }
    const failed = checks.some((c) => c.findings.some((f) => f.outcome === 'fail'));
    const wallS = (performance.now() - t0) / 1000;
    const files: { path: string; content: string; option: string }[] = [];
    if (argv.junit !== undefined) files.push({ path: argv.junit, content: junitXml(checks, wallS), option: '--junit' });
    if (argv.save !== undefined) files.push({ path: argv.save, content: tableToCsv(joinRuns(checks)), option: '--save' });
    if (files.length > 0) writeAtomically(files);
    const report = formatCheckReport(checks);
    if (!argv.quiet || failed) process.stdout.write(report);
    // Every file written is named, the baseline of --save as the JUnit file (it named only the latter).
    if (!argv.quiet) for (const f of files) process.stdout.write(`  wrote ${resolve(f.path)}\n`);
    if (failed) process.exitCode = EXIT_RUN_FAILED;
  });
}
