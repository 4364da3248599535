// `poolsim trace inspect FILE --format F`: what a trace holds before a scenario replays it
// (rows, time span, size and duration distributions, and every row it could not use).
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { parse } from 'yaml';
import { InputError, SourceMap, zodIssues } from '../../scenario/errors.js';
import { csvMappingSchema } from '../../scenario/schema.js';
import type { CsvMapping } from '../../scenario/traces/generic-csv.js';
import { formatInspection, inspectTrace, loadTrace, TraceError, TRACE_FORMATS } from '../../scenario/traces/index.js';
import { guarded } from '../io.js';

interface TraceArgs {
  action: string;
  file: string;
  format: string;
  nodes?: string;
  mapping?: string;
}

export const command = 'trace <action> <file>';
export const describe = 'Inspect a job trace (alibaba-openb, philly, csv): rows, span, sizes, durations, rows skipped';

export function builder(y: Argv): Argv<TraceArgs> {
  return y
    .positional('action', { type: 'string', choices: ['inspect'], demandOption: true })
    .positional('file', { type: 'string', demandOption: true, describe: 'trace CSV file' })
    .option('format', { type: 'string', choices: [...TRACE_FORMATS], demandOption: true, describe: 'trace format' })
    .option('nodes', { type: 'string', describe: 'alibaba-openb: the node list to read alongside' })
    .option('mapping', {
      type: 'string',
      describe: "csv: the column mapping as a scenario's trace gives it, as YAML: '{submit: t, devices: gpus, duration: secs, delimiter: tab}'",
    }) as unknown as Argv<TraceArgs>;
}

/** --mapping: a YAML mapping checked against the scenario schema's, located at the option. */
function parseMapping(text: string): CsvMapping {
  let data: unknown;
  try {
    data = parse(text);
  } catch (e) {
    throw new InputError([{ file: '--mapping', line: 0, column: 0, path: '', message: `not a YAML mapping: ${(e as Error).message.split('\n')[0]}` }]);
  }
  const r = csvMappingSchema.safeParse(data);
  if (!r.success) throw new InputError(zodIssues(r.error.issues, new SourceMap('--mapping', undefined, undefined), csvMappingSchema, data, []));
  return r.data as CsvMapping;
}

export async function handler(argv: ArgumentsCamelCase<TraceArgs>): Promise<void> {
  await guarded(() => {
    try {
      if (argv.mapping !== undefined && argv.format !== 'csv') throw new InputError([{ file: '--mapping', line: 0, column: 0, path: '', message: `a column mapping is read with --format csv, not '${argv.format}'` }]);
      if (argv.format === 'csv' && argv.mapping === undefined) throw new InputError([{ file: '--mapping', line: 0, column: 0, path: '', message: "--format csv needs the column mapping, e.g. --mapping '{submit: t, devices: gpus, duration: secs}'" }]);
      const mapping = argv.mapping !== undefined ? parseMapping(argv.mapping) : undefined;
      const t = loadTrace(argv.format, argv.file, { ...(argv.nodes ? { nodesPath: argv.nodes } : {}), ...(mapping ? { mapping } : {}) });
      process.stdout.write(`${formatInspection(inspectTrace(t))}\n`);
    } catch (e) {
      if (e instanceof TraceError) throw new InputError([{ file: e.file, line: e.line, column: 0, path: '', message: e.detail }]);
      throw e;
    }
  });
}
