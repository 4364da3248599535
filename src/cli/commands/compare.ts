// `poolsim compare <scenario> --policies a,b,c --seeds 10`: every policy on the same seeds (common
// random numbers); runs.csv (one row per run), summary.csv (mean, std, 95% CI per policy and metric)
// and a table on stdout with the best policy per metric starred.
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { experimentOptions, runExperimentCommand, type ExperimentArgs } from '../experiment-cli.js';
import { guarded } from '../io.js';

export function builder(y: Argv): Argv<ExperimentArgs> {
  return experimentOptions(y, { seeds: 10 }).example('$0 compare scenarios/policy-backfill.yaml --policies fifo,sjf,easy-backfill --seeds 10', '') as unknown as Argv<ExperimentArgs>;
}

export async function handler(argv: ArgumentsCamelCase<ExperimentArgs>): Promise<void> {
  await guarded(() => runExperimentCommand(argv, 'compare'));
}
