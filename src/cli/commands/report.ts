// `poolsim report <dir>`: a self-contained HTML report (summary table, interactive charts) of a
// results folder written by compare, sweep or merge, or of one run's folder (read as a one-run
// experiment: run-folder.ts). Only files the folder's manifest.json lists,
// unchanged, are read: a jobs.csv left by an earlier experiment is refused, not mixed in. A folder
// without a manifest is refused unless --no-manifest, which reads runs.csv alone and says so.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { CsvFormatError, parseCsv, type Table } from '../../experiment/csv-table.js';
import { fileProblem, MANIFEST_FILE, ManifestError, parseManifest, type RunManifest } from '../../experiment/manifest.js';
import { buildReport } from '../../experiment/report.js';
import { RunFolderError, runAsExperiment, type RunAsExperiment, type RunFolder } from '../../experiment/run-folder.js';
import { summarizeRuns } from '../../experiment/summarize.js';
import { InputError, type InputIssue } from '../../scenario/errors.js';
import { refuseFolderAsFile } from '../ensure-dir.js';
import { writeAtomically } from '../experiment-cli.js';
import { guarded, readInput } from '../io.js';

interface ReportArgs {
  dir: string;
  out?: string;
  title?: string;
  manifest: boolean;
  quiet: boolean;
}

export function builder(y: Argv): Argv<ReportArgs> {
  return y
    .positional('dir', { type: 'string', demandOption: true, describe: 'results folder with manifest.json: from compare or sweep (runs.csv), merged shards, or one run (summary.csv)' })
    .option('out', { type: 'string', describe: 'HTML file to write (default <dir>/report.html)' })
    .option('title', { type: 'string', describe: 'page title (default: the folder name)' })
    .option('manifest', {
      type: 'boolean',
      default: true,
      describe: 'read only files the folder\'s manifest.json lists unchanged; --no-manifest reads runs.csv alone (the summary recomputed from it) for a folder without one',
    })
    .option('quiet', { type: 'boolean', default: false }) as unknown as Argv<ReportArgs>;
}

function parseTable(text: string, path: string): Table {
  try {
    return parseCsv(text, path);
  } catch (e) {
    if (e instanceof CsvFormatError) throw new InputError([{ file: e.file, line: e.line, column: 0, path: '', message: e.message.replace(/^.*?:\d+: /, '') }]);
    throw e;
  }
}

const problem = (file: string, message: string): InputIssue => ({ file, line: 0, column: 0, path: '', message });

/** The folder's manifest, or InputError saying why the folder cannot be trusted without one. */
function readManifest(dir: string): RunManifest {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) {
    throw new InputError([
      problem(
        path,
        'no manifest.json: nothing says which files in this folder belong to one experiment (compare, sweep and merge write one); re-run the experiment, or pass --no-manifest to report on runs.csv alone',
      ),
    ]);
  }
  try {
    return parseManifest(readInput(path));
  } catch (e) {
    if (e instanceof ManifestError) throw new InputError([problem(path, `cannot be read: ${e.message}`)]);
    throw e;
  }
}

export async function handler(argv: ArgumentsCamelCase<ReportArgs>): Promise<void> {
  await guarded(async () => {
    // A missing folder, or a file, was answered as a folder without a manifest ("re-run the experiment").
    if (!existsSync(argv.dir)) throw new InputError([problem(argv.dir, 'no such folder: give the results folder of a run, compare or sweep')]);
    if (!statSync(argv.dir).isDirectory()) throw new InputError([problem(argv.dir, 'is a file, not a folder: give the results folder of a run, compare or sweep')]);
    if (argv.out !== undefined) refuseFolderAsFile('--out', argv.out, 'report.html');
    const runsPath = join(argv.dir, 'runs.csv');
    let runs: Table;
    let summary: Table;
    let jobs: Table | undefined;
    let tenantShares: Table | undefined;
    let hotLinks: Table | undefined;
    if (argv.manifest) {
      const manifest = readManifest(argv.dir);
      const issues: InputIssue[] = [];
      // Each file the report would read: listed and unchanged, or refused; absent ones are absent.
      const read = (name: string, required: string | undefined): Table | undefined => {
        const path = join(argv.dir, name);
        if (!existsSync(path)) {
          if (required !== undefined || manifest.files[name] !== undefined) issues.push(problem(path, required ?? `missing, though ${MANIFEST_FILE} lists it`));
          return undefined;
        }
        const bytes = readFileSync(path);
        const why = fileProblem(manifest, name, bytes);
        if (why !== undefined) {
          issues.push(problem(path, `${why}; remove it or re-run the ${manifest.command === 'run' ? 'scenario' : 'experiment'}`));
          return undefined;
        }
        return parseTable(bytes.toString('utf8'), path);
      };
      if (manifest.command === 'run') {
        // One run's folder: read as the one-run experiment it is (run-folder.ts).
        const folder = {
          summary: read('summary.csv', 'missing (a run writes summary.csv)'),
          services: read('services.csv', undefined),
          tenants: read('tenants.csv', undefined),
          jobs: read('jobs.csv', undefined),
          tenantShares: read('tenant_shares.csv', undefined),
        };
        if (issues.length > 0) throw new InputError(issues);
        const asRun = runFolderTables({ ...folder, summary: folder.summary!, fingerprint: manifest.scenario.sha256 }, argv.dir);
        runs = asRun.runs;
        jobs = asRun.jobs;
        tenantShares = asRun.tenantShares;
        summary = summarizeRuns(runs, runsPath);
      } else {
        const r = read('runs.csv', 'missing (a report needs runs.csv, or the summary.csv of one run)');
        const s = read('summary.csv', undefined);
        jobs = read('jobs.csv', undefined);
        tenantShares = read('tenant_shares.csv', undefined);
        hotLinks = read('hot_links.csv', undefined);
        if (issues.length > 0) throw new InputError(issues);
        runs = r!;
        // The summary is recomputed from the runs when absent (merged shards without --summary).
        summary = s ?? summarizeRuns(runs, runsPath);
      }
    } else {
      runs = parseTable(readInput(runsPath), runsPath);
      summary = summarizeRuns(runs, runsPath);
      if (!argv.quiet) process.stderr.write(`  note: --no-manifest: reporting on ${runsPath} alone (summary recomputed from it; other files in the folder not read)\n`);
    }
    const out = argv.out ?? join(argv.dir, 'report.html');
    const html = await buildReport({ title: argv.title ?? basename(resolve(argv.dir)), runs, summary, jobs, tenantShares, hotLinks });
    writeAtomically([{ path: out, content: html }]);
    if (!argv.quiet) process.stdout.write(`  wrote ${out}\n`);
  });
}

/** runAsExperiment, its complaints located at the folder's file. */
function runFolderTables(folder: RunFolder, dir: string): RunAsExperiment {
  try {
    return runAsExperiment(folder);
  } catch (e) {
    if (e instanceof RunFolderError) throw new InputError([problem(join(dir, e.file), e.message)]);
    throw e;
  }
}
