// `poolsim run <scenario.yaml>`: one simulation; summary.csv and jobs.csv into the output folder.
import { join } from 'node:path';
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { rowValues } from '../../experiment/csv.js';
import { JOB_COLUMNS, SUMMARY_COLUMNS } from '../../sim/metrics.js';
import { simulate } from '../../sim/simulation.js';
import { CsvFile, writeAllOrNothing } from '../csv-file.js';
import { guarded, readScenario } from '../io.js';
import { formatSummary } from '../summary-table.js';

interface RunArgs {
  scenario: string;
  out?: string;
  seed?: number;
  quiet: boolean;
}

export const command = 'run <scenario>';
export const describe = 'Run one scenario; write summary.csv and jobs.csv';

export function builder(y: Argv): Argv<RunArgs> {
  return y
    .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario YAML file' })
    .option('out', { type: 'string', describe: 'output folder (default results/<scenario name>/)' })
    .option('seed', { type: 'number', describe: "override the scenario's seed" })
    .option('quiet', { type: 'boolean', default: false, describe: 'print nothing but errors' }) as Argv<RunArgs>;
}

export async function handler(argv: ArgumentsCamelCase<RunArgs>): Promise<void> {
  await guarded(() => {
    const resolved = readScenario(argv.scenario);
    const outDir = argv.out ?? join('results', resolved.scenario.name);
    const jobsFile = new CsvFile(join(outDir, 'jobs.csv'), JOB_COLUMNS);
    const summaryFile = new CsvFile(join(outDir, 'summary.csv'), SUMMARY_COLUMNS);
    const started = process.hrtime.bigint();
    const result = writeAllOrNothing([jobsFile, summaryFile], () => {
      const r = simulate(resolved, {
        ...(argv.seed !== undefined ? { seed: argv.seed } : {}),
        jobSink: (row) => jobsFile.write(rowValues(row, JOB_COLUMNS)),
      });
      summaryFile.write(rowValues(r.summary, SUMMARY_COLUMNS));
      return r;
    });
    const wallS = Number(process.hrtime.bigint() - started) / 1e9;
    if (!argv.quiet) {
      process.stdout.write(formatSummary(result.summary));
      process.stdout.write(`  wrote ${join(outDir, 'summary.csv')} and ${join(outDir, 'jobs.csv')}\n`);
      process.stderr.write(`  ${result.events.toLocaleString('en-US')} events in ${wallS.toFixed(2)} s wall\n`);
    }
  });
}
