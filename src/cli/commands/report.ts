// `poolsim report <dir>`: a self-contained HTML report (summary table, interactive charts) of a
// results folder written by compare or sweep (runs.csv, summary.csv, and jobs.csv when present).
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { CsvFormatError, parseCsv, type Table } from '../../experiment/csv-table.js';
import { buildReport } from '../../experiment/report.js';
import { summarizeRuns } from '../../experiment/summarize.js';
import { InputError } from '../../scenario/errors.js';
import { writeAtomically } from '../experiment-cli.js';
import { guarded, readInput } from '../io.js';

interface ReportArgs {
  dir: string;
  out?: string;
  title?: string;
  quiet: boolean;
}

export const command = 'report <dir>';
export const describe = 'Write a self-contained HTML report (interactive charts) of a results folder';

export function builder(y: Argv): Argv<ReportArgs> {
  return y
    .positional('dir', { type: 'string', demandOption: true, describe: 'results folder with runs.csv (from compare or sweep, or merged shards)' })
    .option('out', { type: 'string', describe: 'HTML file to write (default <dir>/report.html)' })
    .option('title', { type: 'string', describe: 'page title (default: the folder name)' })
    .option('quiet', { type: 'boolean', default: false }) as unknown as Argv<ReportArgs>;
}

function readTable(path: string): Table {
  try {
    return parseCsv(readInput(path), path);
  } catch (e) {
    if (e instanceof CsvFormatError) throw new InputError([{ file: e.file, line: e.line, column: 0, path: '', message: e.message.replace(/^.*?:\d+: /, '') }]);
    throw e;
  }
}

export async function handler(argv: ArgumentsCamelCase<ReportArgs>): Promise<void> {
  await guarded(async () => {
    const runs = readTable(join(argv.dir, 'runs.csv'));
    // The summary is recomputed from the runs when absent (merged shards without --summary).
    const summaryPath = join(argv.dir, 'summary.csv');
    const summary = existsSync(summaryPath) ? readTable(summaryPath) : summarizeRuns(runs);
    const jobsPath = join(argv.dir, 'jobs.csv');
    const jobs = existsSync(jobsPath) ? readTable(jobsPath) : undefined;
    const out = argv.out ?? join(argv.dir, 'report.html');
    const html = await buildReport({ title: argv.title ?? basename(resolve(argv.dir)), runs, summary, jobs });
    writeAtomically([{ path: out, content: html }]);
    if (!argv.quiet) process.stdout.write(`  wrote ${out}\n`);
  });
}
