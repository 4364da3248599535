// `poolsim trace inspect FILE --format F`: what a trace holds before a scenario replays it
// (rows, time span, size and duration distributions, and every row it could not use).
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { parse } from 'yaml';
import { InputError, SourceMap, zodIssues } from '../../scenario/errors.js';
import { csvMappingSchema } from '../../scenario/schema.js';
import type { CsvMapping } from '../../scenario/traces/generic-csv.js';
import { formatInspection, inspectTrace, loadTrace, TraceError, TRACE_FORMATS } from '../../scenario/traces/index.js';
import { traceLayout } from '../../model/inference/resolve-services.js';
import { arrivalSchema } from '../../scenario/service-schema.js';
import { readInputFile } from '../../scenario/read-input-file.js';
import { formatRequestInspection, inspectRequestTrace } from '../../scenario/traces/inspect-requests.js';
import { parseRequestTrace } from '../../scenario/traces/request-trace.js';
import { guarded } from '../io.js';

interface TraceArgs {
  action: string;
  file: string;
  format: string;
  nodes?: string;
  mapping?: string;
}

export function builder(y: Argv): Argv<TraceArgs> {
  return y
    .positional('action', { type: 'string', choices: ['inspect'], demandOption: true })
    .positional('file', { type: 'string', demandOption: true, describe: 'trace CSV file' })
    .option('format', { type: 'string', choices: [...TRACE_FORMATS, 'requests'], demandOption: true, describe: "trace format; 'requests' for an inference request trace" })
    .option('nodes', { type: 'string', describe: 'alibaba-openb: the node list to read alongside' })
    .option('mapping', {
      type: 'string',
      describe:
        "csv: the column mapping as a scenario's trace gives it, as YAML: '{submit: t, devices: gpus, duration: secs, delimiter: tab}'; requests: the stream's trace fields, as YAML: '{format: azure-llm}' or '{columns: {time: t}, time_unit: ms}'",
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
      if (argv.format === 'requests') {
        process.stdout.write(`${inspectRequests(argv.file, argv.mapping)}\n`);
        return;
      }
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

/** A request trace read as a scenario's trace stream would read it (`--mapping`: the stream's trace fields), summarised. */
function inspectRequests(file: string, mappingText: string | undefined): string {
  const at = new SourceMap('--mapping', undefined, undefined);
  let data: unknown = {};
  if (mappingText !== undefined) {
    try {
      data = parse(mappingText) ?? {};
    } catch (e) {
      throw new InputError([{ file: '--mapping', line: 0, column: 0, path: '', message: `not a YAML mapping: ${(e as Error).message.split('\n')[0]}` }]);
    }
    if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new InputError([{ file: '--mapping', line: 0, column: 0, path: '', message: "expected a YAML mapping of the stream's trace fields, e.g. '{format: azure-llm}'" }]);
  }
  const spec = { process: 'trace', ...(data as Record<string, unknown>) };
  const r = arrivalSchema.safeParse(spec);
  if (!r.success) throw new InputError(zodIssues(r.error.issues, at, arrivalSchema, spec, []));
  if (r.data.process !== 'trace') throw new Error('internal: not a trace arrival');
  const issues: { path: (string | number)[]; message: string }[] = [];
  const layout = traceLayout(r.data, [], (path, message) => issues.push({ path: path as (string | number)[], message }));
  if (!layout) throw new InputError(issues.map((i) => ({ file: '--mapping', line: 0, column: 0, path: i.path.join('.'), message: i.message })));
  const trace = parseRequestTrace(readInputFile(file), file, layout);
  return formatRequestInspection(inspectRequestTrace(trace, file));
}
