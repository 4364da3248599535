// `poolsim merge <out.csv> <in.csv...>`: join the runs.csv files of an experiment's shards, checking
// headers, duplicates and missing runs; --summary also writes the summary over the merged runs.
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { CsvFormatError, parseCsv, type Table } from '../../experiment/csv-table.js';
import { compactRanges, MergeError, mergeRuns } from '../../experiment/merge.js';
import { summarizeRuns } from '../../experiment/summarize.js';
import { InputError } from '../../scenario/errors.js';
import { writeTable } from '../experiment-cli.js';
import { guarded, readInput } from '../io.js';

interface MergeArgs {
  out: string;
  inputs: string[];
  summary?: string;
  total?: number;
  quiet: boolean;
}

export const command = 'merge <out> <inputs..>';
export const describe = "Join shards' runs.csv files into one (sorted by run, duplicates and missing runs detected)";

export function builder(y: Argv): Argv<MergeArgs> {
  return y
    .positional('out', { type: 'string', demandOption: true, describe: 'merged CSV to write' })
    .positional('inputs', { type: 'string', array: true, demandOption: true, describe: "the shards' runs.csv files" })
    .option('summary', { type: 'string', describe: 'also write summary.csv (mean, std, 95% CI) of the merged runs here' })
    .option('total', { type: 'number', describe: 'runs in the whole experiment (to detect a missing last shard)' })
    .option('quiet', { type: 'boolean', default: false })
    .example('$0 merge results/sweep/runs.csv results/sweep/shard-*/runs.csv --summary results/sweep/summary.csv', '') as unknown as Argv<MergeArgs>;
}

export async function handler(argv: ArgumentsCamelCase<MergeArgs>): Promise<void> {
  await guarded(() => {
    const inputs = argv.inputs.map((file) => {
      let table: Table;
      try {
        table = parseCsv(readInput(file), file);
      } catch (e) {
        if (e instanceof CsvFormatError) throw new InputError([{ file: e.file, line: e.line, column: 0, path: '', message: e.message.replace(/^.*?:\d+: /, '') }]);
        throw e;
      }
      return { file, table };
    });
    let merged;
    try {
      merged = mergeRuns(inputs, argv.total);
    } catch (e) {
      if (e instanceof MergeError) throw new InputError(e.problems.map((message) => ({ file: 'merge', line: 0, column: 0, path: '', message })));
      throw e;
    }
    writeTable(argv.out, merged.table);
    if (argv.summary !== undefined) writeTable(argv.summary, summarizeRuns(merged.table));
    if (!argv.quiet) {
      if (merged.duplicates.length > 0) process.stderr.write(`  note: runs ${compactRanges(merged.duplicates)} were in several files (identical; kept once)\n`);
      process.stdout.write(`  merged ${merged.table.rows.length} runs from ${inputs.length} files into ${argv.out}${argv.summary !== undefined ? ` and ${argv.summary}` : ''}\n`);
    }
  });
}
