// `poolsim explain <scenario> --job NAME`: a listed training job's step broken down (compute by
// operator class, exposed TP/PP/DP communication, bubble, memory per device), as a table or JSON.
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { explainJob, explanationTable } from '../../model/explain.js';
import { describeWarnings, guarded } from '../io.js';
import { readScenario } from '../read-scenario.js';
import { formatIssue } from '../../scenario/errors.js';

interface ExplainArgs {
  scenario: string;
  job: string;
  json: boolean;
}

export function builder(y: Argv): Argv<ExplainArgs> {
  return y
    .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario YAML file' })
    .option('job', { type: 'string', demandOption: true, describe: 'name of a listed training job' })
    .option('json', { type: 'boolean', default: false, describe: 'print the breakdown as JSON' }) as unknown as Argv<ExplainArgs>;
}

export async function handler(argv: ArgumentsCamelCase<ExplainArgs>): Promise<void> {
  await guarded(() => {
    const r = readScenario(argv.scenario);
    process.stderr.write(describeWarnings(r.warnings.map(formatIssue)));
    const e = explainJob(r, argv.job);
    process.stdout.write(argv.json ? `${JSON.stringify(e, null, 2)}\n` : explanationTable(e));
  }, 'explain');
}
