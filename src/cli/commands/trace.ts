// `poolsim trace inspect FILE --format F`: what a trace holds before a scenario replays it
// (rows, time span, size and duration distributions, and every row it could not use).
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { InputError } from '../../scenario/errors.js';
import { formatInspection, inspectTrace, loadTrace, TraceError, TRACE_FORMATS } from '../../scenario/traces/index.js';
import { guarded } from '../io.js';

interface TraceArgs {
  action: string;
  file: string;
  format: string;
  nodes?: string;
}

export const command = 'trace <action> <file>';
export const describe = 'Inspect a job trace (alibaba-openb, philly, csv): rows, span, sizes, durations, rows skipped';

export function builder(y: Argv): Argv<TraceArgs> {
  return y
    .positional('action', { type: 'string', choices: ['inspect'], demandOption: true })
    .positional('file', { type: 'string', demandOption: true, describe: 'trace CSV file' })
    .option('format', { type: 'string', choices: [...TRACE_FORMATS], demandOption: true, describe: 'trace format' })
    .option('nodes', { type: 'string', describe: 'alibaba-openb: the node list to read alongside' }) as unknown as Argv<TraceArgs>;
}

export async function handler(argv: ArgumentsCamelCase<TraceArgs>): Promise<void> {
  await guarded(() => {
    try {
      const t = loadTrace(argv.format, argv.file, argv.nodes ? { nodesPath: argv.nodes } : {});
      process.stdout.write(`${formatInspection(inspectTrace(t))}\n`);
    } catch (e) {
      if (e instanceof TraceError) throw new InputError([{ file: e.file, line: e.line, column: 0, path: '', message: e.detail }]);
      throw e;
    }
  });
}
