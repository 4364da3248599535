// `poolsim explain <scenario> --job NAME`: a listed training job's step broken down (compute by
// operator class, exposed TP/PP/DP communication, bubble, memory per device), as a table or JSON.
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { explainJob, explanationTable } from '../../model/explain.js';
import { describeWarnings, guarded } from '../io.js';
import { readScenario } from '../read-scenario.js';
import { formatIssue, InputError } from '../../scenario/errors.js';

interface ExplainArgs {
  scenario: string;
  job: string;
  json: boolean;
  linksDown?: string;
}

export function builder(y: Argv): Argv<ExplainArgs> {
  return y
    .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario YAML file' })
    .option('job', { type: 'string', demandOption: true, describe: 'name of a listed training job' })
    .option('json', { type: 'boolean', default: false, describe: 'print the breakdown as JSON' })
    .option('links-down', { type: 'string', describe: 'links between sites to take down, by name, comma-separated: the job is placed and its layout chosen on the routes round them, as a run starting then' }) as unknown as Argv<ExplainArgs>;
}

export async function handler(argv: ArgumentsCamelCase<ExplainArgs>): Promise<void> {
  await guarded(() => {
    const r = readScenario(argv.scenario);
    process.stderr.write(describeWarnings(r.warnings.map(formatIssue)));
    const linksDown = argv.linksDown === undefined ? [] : String(argv.linksDown).split(',').map((n) => n.trim());
    if (argv.linksDown !== undefined && !linksDown.every((n) => n !== '')) {
      throw new InputError([{ file: '--links-down', line: 0, column: 0, path: '', message: `'${String(argv.linksDown)}': expected link names between sites, comma-separated (e.g. --links-down fast)` }]);
    }
    const e = explainJob(r, argv.job, { linksDown });
    process.stdout.write(argv.json ? `${JSON.stringify(e, null, 2)}\n` : explanationTable(e));
  }, 'explain');
}
